# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""GST and QST collected on sales and paid on purchases, per period: the figures of the
GST/QST return (Revenu Québec, form FPZ-500). The tax accounts are those of
billing/data/quebec_sales_taxes.json (GST Payable, QST Payable), as created at install."""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import add_months, getdate, nowdate

from gigafibre_fsm.billing.finance_reports.figures import TaxLine, period_of, taxes_by_period
from gigafibre_fsm.billing.money import to_cents
from gigafibre_fsm.billing.report.common import check_access, company_and_currency, currency_column, money
from gigafibre_fsm.billing.services.taxes import tax_data


def tax_accounts(company: str) -> dict[str, str]:
	"""Account name → "GST" or "QST" for the company's Québec tax accounts."""
	accounts = {}
	for tax in tax_data()["taxes"]:
		kind = tax["description"].split()[0]  # "GST 5%" → "GST"
		for name in frappe.get_all(
			"Account", filters={"company": company, "account_name": tax["account_name"]}, pluck="name"
		):
			accounts[name] = kind
	return accounts


def execute(filters=None):
	filters = frappe._dict(filters or {})
	check_access()
	company, currency = company_and_currency(filters)
	to_date = getdate(filters.get("to_date") or nowdate())
	from_date = getdate(filters.get("from_date") or add_months(to_date, -3))
	periodicity = filters.get("periodicity") or "Monthly"
	accounts = tax_accounts(company)
	lines = []
	if accounts:
		for parent_doctype, child_doctype, side in (
			("Sales Invoice", "Sales Taxes and Charges", "collected"),
			("Purchase Invoice", "Purchase Taxes and Charges", "paid"),
		):
			parent, child = DocType(parent_doctype), DocType(child_doctype)
			query = (
				frappe.qb.from_(child)
				.join(parent)
				.on(parent.name == child.parent)
				.select(parent.posting_date, child.account_head, child.base_tax_amount_after_discount_amount)
				.where(child.parenttype == parent_doctype)
				.where(parent.docstatus == 1)
				.where(parent.company == company)
				.where(parent.posting_date[from_date:to_date])
				.where(child.account_head.isin(list(accounts)))
			)
			if side == "paid":
				query = query.select(child.add_deduct_tax)
			for row in query.run():
				cents = to_cents(row[2], currency)
				if side == "paid" and len(row) > 3 and row[3] == "Deduct":
					cents = -cents
				lines.append(TaxLine(period_of(getdate(row[0]), periodicity), accounts[row[1]], side, cents))
	table = taxes_by_period(lines)
	columns = [{"fieldname": "period", "label": _("Period"), "fieldtype": "Data", "width": 100}]
	columns += [
		currency_column("gst_collected", _("GST Collected")),
		currency_column("gst_paid", _("GST Paid (Input Tax Credits)")),
		currency_column("gst_net", _("GST Net")),
		currency_column("qst_collected", _("QST Collected")),
		currency_column("qst_paid", _("QST Paid (Input Tax Refunds)")),
		currency_column("qst_net", _("QST Net")),
		{"fieldname": "currency", "hidden": 1, "fieldtype": "Data"},
	]
	keys = [c["fieldname"] for c in columns[1:-1]]
	data = [
		{"period": row["period"], "currency": currency, **{k: money(row[k], currency) for k in keys}}
		for row in table
	]
	chart = {
		"data": {
			"labels": [d["period"] for d in data],
			"datasets": [
				{"name": _("GST Net"), "values": [d["gst_net"] for d in data]},
				{"name": _("QST Net"), "values": [d["qst_net"] for d in data]},
			],
		},
		"type": "bar",
	}
	message = None if accounts else _("No GST/QST accounts found for {0}").format(company)
	return columns, data, message, chart
