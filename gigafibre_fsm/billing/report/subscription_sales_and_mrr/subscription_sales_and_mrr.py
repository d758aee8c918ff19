# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""Sales per month from Service Subscriptions: new, churned (cancelled), active at the month's
end, monthly recurring revenue (their actual prices) and churn rate."""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import add_months, getdate, nowdate

from gigafibre_fsm.billing.finance_reports.figures import SubscriptionSpan, sales_by_month
from gigafibre_fsm.billing.money import to_cents
from gigafibre_fsm.billing.report.common import check_access, company_and_currency, currency_column, money


def execute(filters=None):
	filters = frappe._dict(filters or {})
	check_access()
	_company, currency = company_and_currency(filters)
	to_date = getdate(filters.get("to_date") or nowdate())
	from_date = getdate(filters.get("from_date") or add_months(to_date, -12))
	sub, change = DocType("Service Subscription"), DocType("Service Subscription Status Change")
	cancelled_on = dict(
		(
			frappe.qb.from_(change)
			.select(change.parent, change.changed_on)
			.where(change.parenttype == "Service Subscription")
			.where(change.to_status == "Cancelled")
		).run()
	)
	rows = (
		frappe.qb.from_(sub).select(sub.name, sub.status, sub.start_date, sub.end_date, sub.actual_price)
	).run(as_dict=True)
	spans = []
	for r in rows:
		end = None
		if r.status == "Cancelled":
			end = (
				getdate(cancelled_on.get(r.name) or r.end_date)
				if (cancelled_on.get(r.name) or r.end_date)
				else None
			)
		elif r.end_date and getdate(r.end_date) <= to_date:
			end = getdate(r.end_date)
		spans.append(
			SubscriptionSpan(
				getdate(r.start_date) if r.start_date else None, end, to_cents(r.actual_price or 0, currency)
			)
		)
	table = sales_by_month(spans, from_date, to_date)
	columns = [
		{"fieldname": "month", "label": _("Month"), "fieldtype": "Data", "width": 100},
		{"fieldname": "new", "label": _("New Subscriptions"), "fieldtype": "Int", "width": 130},
		{"fieldname": "churned", "label": _("Cancelled"), "fieldtype": "Int", "width": 110},
		{"fieldname": "active", "label": _("Active at Month End"), "fieldtype": "Int", "width": 140},
		currency_column("mrr", _("MRR")),
		{"fieldname": "churn_rate", "label": _("Churn Rate (%)"), "fieldtype": "Percent", "width": 110},
		{"fieldname": "currency", "hidden": 1, "fieldtype": "Data"},
	]
	data = [{**row, "mrr": money(row["mrr"], currency), "currency": currency} for row in table]
	chart = {
		"data": {
			"labels": [d["month"] for d in data],
			"datasets": [{"name": _("MRR"), "values": [d["mrr"] for d in data]}],
		},
		"type": "line",
	}
	return columns, data, None, chart
