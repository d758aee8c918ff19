# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""Net revenue (before taxes, company currency) of submitted Sales Invoices, by plan (item)
and month of posting."""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import add_months, getdate, nowdate

from gigafibre_fsm.billing.finance_reports.figures import revenue_by_plan_and_month
from gigafibre_fsm.billing.money import to_cents
from gigafibre_fsm.billing.report.common import check_access, company_and_currency, currency_column, money


def execute(filters=None):
	filters = frappe._dict(filters or {})
	check_access()
	company, currency = company_and_currency(filters)
	to_date = getdate(filters.get("to_date") or nowdate())
	from_date = getdate(filters.get("from_date") or add_months(to_date, -12))
	si, item = DocType("Sales Invoice"), DocType("Sales Invoice Item")
	rows = (
		frappe.qb.from_(item)
		.join(si)
		.on(si.name == item.parent)
		.select(item.item_code, si.posting_date, item.base_net_amount)
		.where(si.docstatus == 1)
		.where(si.company == company)
		.where(si.posting_date[from_date:to_date])
	).run()
	months, table = revenue_by_plan_and_month(
		(code, getdate(day), to_cents(amount, currency)) for code, day, amount in rows
	)
	columns = [
		{"fieldname": "plan", "label": _("Plan"), "fieldtype": "Link", "options": "Item", "width": 200}
	]
	columns += [currency_column(m, m, 110) for m in months]
	columns += [
		currency_column("total", _("Total")),
		{"fieldname": "currency", "hidden": 1, "fieldtype": "Data"},
	]
	data = [
		{
			"plan": row["plan"],
			"currency": currency,
			**{k: money(row[k], currency) for k in (*months, "total")},
		}
		for row in table
	]
	chart = {
		"data": {
			"labels": months,
			"datasets": [{"name": _("Revenue"), "values": [sum(d[m] for d in data) for m in months]}],
		},
		"type": "line",
	}
	return columns, data, None, chart
