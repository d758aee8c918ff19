"""What uninstalling the app removes beyond what Frappe removes itself.

Frappe drops the app's doctypes and their tables, and every record linked to its modules
(workspaces, pages, reports, custom fields). It leaves the roles, which belong to no module:
this removes them, with the places that grant them, so that a reinstall starts clean and no
user keeps a role that no longer opens anything.
"""

import json
from pathlib import Path

import frappe


def app_roles() -> list[str]:
	"""The roles the app creates: those of its role fixture."""
	fixture = Path(frappe.get_app_path("gigafibre_fsm", "fixtures", "role.json"))
	return [row["name"] for row in json.loads(fixture.read_text())]


def before_uninstall() -> None:
	roles = app_roles()
	# where a role is granted: users, permission rules, portal menu, pages and reports
	for doctype in ("Has Role", "Custom DocPerm", "Portal Menu Item"):
		frappe.db.delete(doctype, {"role": ("in", roles)})
	for role in roles:
		if frappe.db.exists("Role", role):
			frappe.delete_doc("Role", role, ignore_permissions=True, force=True)
	drop_stripe_reference_index()
	frappe.clear_cache()


def drop_stripe_reference_index() -> None:
	"""The index the app added to ERPNext's Payment Entry table (billing/services/payments.py)."""
	from gigafibre_fsm.billing.services.payments import REFERENCE_INDEX

	if frappe.db.db_type == "postgres":
		frappe.db.sql_ddl(f'DROP INDEX IF EXISTS "{REFERENCE_INDEX}"')
	else:
		frappe.db.sql_ddl(f"ALTER TABLE `tabPayment Entry` DROP INDEX IF EXISTS `{REFERENCE_INDEX}`")
