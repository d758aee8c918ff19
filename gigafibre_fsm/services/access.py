"""Role checks for whitelisted methods.

`frappe.only_for` returns early whenever `frappe.flags.in_test` is set, so a role check built
on it cannot be tested; this one behaves the same in tests and in production.
"""

import frappe
from frappe import _


def require_role(*roles: str) -> None:
	"""Raise PermissionError unless the session user has one of `roles` (Administrator passes)."""
	if frappe.session.user == "Administrator":
		return
	if not set(roles) & set(frappe.get_roles()):
		frappe.throw(_("You are not permitted to do this"), frappe.PermissionError)
