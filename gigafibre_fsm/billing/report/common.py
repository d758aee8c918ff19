"""What the billing reports share: who may run them, the company, cents shown as money."""

import frappe
from frappe import _

from gigafibre_fsm.billing.money import MINOR_UNITS, from_cents
from gigafibre_fsm.permissions import roles
from gigafibre_fsm.permissions.services import guards

REPORT_ROLES = frozenset({roles.BILLING_AGENT, roles.SYSTEM_MANAGER})


def check_access() -> None:
	"""The report's roles say it too; this also refuses a direct call of execute()."""
	guards.require_role(REPORT_ROLES)


def company_and_currency(filters) -> tuple[str, str]:
	company = (
		filters.get("company")
		or frappe.defaults.get_user_default("Company")
		or frappe.defaults.get_global_default("company")
	)
	if not company:
		frappe.throw(_("Choose a company"))
	currency = frappe.get_cached_value("Company", company, "default_currency")
	if currency not in MINOR_UNITS:
		frappe.throw(_("The currency {0} is not supported").format(currency))
	return company, currency


def money(cents: int, currency: str) -> float:
	"""Cents as the value of a Currency column (Frappe formats it; the sum stays exact)."""
	return float(from_cents(cents, currency))


def currency_column(fieldname: str, label: str, width: int = 120) -> dict:
	return {
		"fieldname": fieldname,
		"label": label,
		"fieldtype": "Currency",
		"options": "currency",
		"width": width,
	}
