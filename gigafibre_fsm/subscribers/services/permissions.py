"""Customers signed in to the portal see their own locations, equipment and subscriptions.

A website user belongs to a customer through the Customer's Portal Users table (ERPNext v15).
"""

import frappe

from gigafibre_fsm.dispatch.services.permissions import STAFF_ROLES


def is_customer_user(user: str) -> bool:
	roles = set(frappe.get_roles(user))
	return "Customer" in roles and not roles & (STAFF_ROLES | {"Field Technician"})


def customers_of(user: str) -> list[str]:
	return frappe.get_all(
		"Portal User",
		filters={"user": user, "parenttype": "Customer"},
		pluck="parent",
		ignore_permissions=True,
	)


def customer_records_query(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	if not is_customer_user(user):
		return ""
	customers = customers_of(user)
	if not customers:
		return "1=0"
	names = ", ".join(frappe.db.escape(c) for c in customers)
	return f"`tab{doctype}`.`customer` in ({names})"


def has_customer_record_permission(doc, ptype=None, user=None, debug=False) -> bool | None:
	user = user or frappe.session.user
	if not is_customer_user(user):
		return None
	if ptype not in (None, "read", "print"):
		return False
	return doc.get("customer") in customers_of(user)
