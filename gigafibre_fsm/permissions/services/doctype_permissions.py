"""The `permission_query_conditions` and `has_permission` hooks of every doctype of the app.

Both ask `scopes.condition`: a list shows exactly the records a user may open. The hooks always
return a boolean or a string, never None: since Frappe v16 (frappe/frappe#24253) a
`has_permission` hook that returns None denies, so staff get an explicit True (their role
permissions then decide, on v15 and v16 alike).
"""

import frappe

from gigafibre_fsm.permissions import policy
from gigafibre_fsm.permissions.services import scopes


def query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""`permission_query_conditions` hook: "" for staff, else the user's scope ("1=0": none)."""
	condition = scopes.condition(doctype, "read", user or frappe.session.user)
	return condition or ""


def has_permission(doc, ptype: str | None = None, user: str | None = None, debug: bool = False) -> bool:
	"""`has_permission` hook: may `user` exercise `ptype` on `doc`? Always True or False."""
	user = user or frappe.session.user
	ptype = ptype or "read"
	if scopes.is_staff(user):
		return True  # role permissions decide
	if doc.get("__islocal") or not doc.get("name") or not frappe.db.exists(doc.doctype, doc.name):
		return False  # customers and technicians create nothing
	condition = scopes.condition(doc.doctype, ptype, user)
	if not condition or condition == scopes.NOTHING:
		return False
	table = f"`tab{doc.doctype}`"
	# run without parameters, like Frappe's list queries (the condition holds quoted values)
	found = frappe.db.sql(
		f"select {table}.`name` from {table} where {table}.`name` = {scopes.quote(doc.name)} and {condition}"
	)
	if not found:
		return False
	if policy.right_family(ptype) == "write" and _moves_scope(doc):
		return False
	return True


def _moves_scope(doc) -> bool:
	"""True if a save would change a field that ties the record to a customer or technician."""
	fields = [f for f in policy.SCOPE_FIELDS if doc.meta.has_field(f)]
	if not fields:
		return False
	stored = frappe.db.get_value(doc.doctype, doc.name, fields, as_dict=True) or {}
	return any(str(doc.get(f) or "") != str(stored.get(f) or "") for f in fields)
