"""Québec's sales taxes as an ERPNext Sales Taxes and Charges Template, from data.

The rates and names are in billing/data/quebec_sales_taxes.json (with their sources), not in
code: when a rate changes, the file changes. Each company gets its two tax accounts (under its
"Duties and Taxes" group) and the template, created once and left alone after (an accountant
may have edited them). The template becomes the company's default when it has none, so that
ERPNext puts both taxes on every new Sales Invoice (and on those its Subscriptions generate).
"""

import json
from pathlib import Path

import frappe

DATA = Path(__file__).resolve().parent.parent / "data" / "quebec_sales_taxes.json"


def tax_data() -> dict:
	return json.loads(DATA.read_text())


def ensure_templates_for_all_companies() -> list[str]:
	"""The template for every company (install time); returns the templates created."""
	return [name for company in frappe.get_all("Company", pluck="name") if (name := ensure_template(company))]


def template_name(company: str) -> str:
	"""The name ERPNext gives the company's template ("<title> - <company abbreviation>")."""
	return f"{tax_data()['title']} - {frappe.get_cached_value('Company', company, 'abbr')}"


def ensure_template(company: str) -> str | None:
	"""Create the company's Québec sales taxes template if it has none; returns its name."""
	data = tax_data()
	abbr = frappe.get_cached_value("Company", company, "abbr")
	name = template_name(company)
	if frappe.db.exists("Sales Taxes and Charges Template", name):
		return None
	rows = []
	for tax in data["taxes"]:
		rows.append(
			{
				"charge_type": tax["charge_type"],
				"account_head": _tax_account(company, abbr, tax["account_name"], tax["rate"]),
				"description": tax["description"],
				"rate": tax["rate"],
			}
		)
	doc = frappe.get_doc(
		{
			"doctype": "Sales Taxes and Charges Template",
			"title": data["title"],
			"company": company,
			# the company's default unless it has one: ERPNext then puts it on every new invoice
			"is_default": 0
			if frappe.db.exists("Sales Taxes and Charges Template", {"company": company, "is_default": 1})
			else 1,
			"taxes": rows,
		}
	)
	doc.insert(ignore_permissions=True)
	return doc.name


def _tax_account(company: str, abbr: str, account_name: str, rate: float) -> str:
	name = f"{account_name} - {abbr}"
	if frappe.db.exists("Account", name):
		return name
	parent = frappe.db.get_value(
		"Account", {"company": company, "account_name": "Duties and Taxes", "is_group": 1}, "name"
	) or frappe.db.get_value("Account", {"company": company, "root_type": "Liability", "is_group": 1}, "name")
	account = frappe.get_doc(
		{
			"doctype": "Account",
			"account_name": account_name,
			"company": company,
			"parent_account": parent,
			"account_type": "Tax",
			"tax_rate": rate,
			"is_group": 0,
		}
	)
	account.insert(ignore_permissions=True)
	return account.name
