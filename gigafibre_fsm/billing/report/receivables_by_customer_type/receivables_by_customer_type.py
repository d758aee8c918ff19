# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""Accounts receivable ageing, residential and commercial customers (Customer.is_commercial):
what submitted Sales Invoices posted up to the date still have outstanding, by days past due."""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import getdate, nowdate

from gigafibre_fsm.billing.finance_reports.figures import BUCKET_KEYS, ageing
from gigafibre_fsm.billing.money import to_cents
from gigafibre_fsm.billing.report.common import check_access, company_and_currency, currency_column, money


def execute(filters=None):
	filters = frappe._dict(filters or {})
	check_access()
	company, currency = company_and_currency(filters)
	as_of = getdate(filters.get("as_of") or nowdate())
	si, customer = DocType("Sales Invoice"), DocType("Customer")
	rows = (
		frappe.qb.from_(si)
		.join(customer)
		.on(customer.name == si.customer)
		.select(customer.is_commercial, si.due_date, si.outstanding_amount)
		.where(si.docstatus == 1)
		.where(si.company == company)
		.where(si.posting_date <= as_of)
		.where(si.outstanding_amount != 0)
	).run()
	table = ageing(((bool(c), getdate(d), to_cents(o, currency)) for c, d, o in rows), as_of)
	labels = {
		"current": _("Not Yet Due"),
		"days_0_30": _("1-30 Days"),
		"days_31_60": _("31-60 Days"),
		"days_61_90": _("61-90 Days"),
		"days_over_90": _("Over 90 Days"),
	}
	columns = [{"fieldname": "customer_type", "label": _("Customer Type"), "fieldtype": "Data", "width": 140}]
	columns += [currency_column(key, labels[key]) for key in BUCKET_KEYS]
	columns += [
		currency_column("total", _("Total")),
		{"fieldname": "currency", "hidden": 1, "fieldtype": "Data"},
	]
	data = []
	for row in table:
		kind = row["customer_type"]  # Residential or Commercial, translated (not a literal in _())
		data.append(
			{
				"customer_type": _(kind),
				"currency": currency,
				**{k: money(row[k], currency) for k in (*BUCKET_KEYS, "total")},
			}
		)
	chart = {
		"data": {
			"labels": [labels[k] for k in BUCKET_KEYS],
			"datasets": [{"name": d["customer_type"], "values": [d[k] for k in BUCKET_KEYS]} for d in data],
		},
		"type": "bar",
	}
	return columns, data, None, chart
