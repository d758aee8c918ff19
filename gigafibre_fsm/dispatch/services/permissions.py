"""Who sees which Dispatch Job: a field technician only the jobs they work on.

Enforced server-side through Frappe's `permission_query_conditions` (lists, reports, REST)
and `has_permission` (a single document), so no page can show a technician someone else's job.
"""

import frappe

STAFF_ROLES = frozenset({"System Manager", "Administrator", "Dispatcher", "NOC Operator", "Billing Agent"})


def is_only_field_technician(user: str | None = None) -> bool:
	roles = set(frappe.get_roles(user or frappe.session.user))
	return "Field Technician" in roles and not roles & STAFF_ROLES


def technicians_of(user: str) -> list[str]:
	return frappe.get_all("Dispatch Technician", filters={"user": user}, pluck="name")


def jobs_of(technicians: list[str]) -> list[str]:
	"""The jobs where these technicians are the technician or an assistant."""
	if not technicians:
		return []
	lead = frappe.get_all("Dispatch Job", filters={"technician": ("in", technicians)}, pluck="name")
	assisting = frappe.get_all(
		"Dispatch Job Assistant",
		filters={"technician": ("in", technicians), "parenttype": "Dispatch Job"},
		pluck="parent",
	)
	return sorted(set(lead) | set(assisting))


def dispatch_job_query(user: str | None = None) -> str:
	user = user or frappe.session.user
	if not is_only_field_technician(user):
		return ""
	technicians = technicians_of(user)
	if not technicians:
		return "1=0"
	names = ", ".join(frappe.db.escape(t) for t in technicians)
	# The assistant sub-select keeps the condition one query, whatever the number of jobs.
	return (
		f"(`tabDispatch Job`.`technician` in ({names}) or `tabDispatch Job`.`name` in "
		f"(select `parent` from `tabDispatch Job Assistant` where `technician` in ({names})))"
	)


def has_dispatch_job_permission(doc, ptype=None, user=None, debug=False) -> bool | None:
	user = user or frappe.session.user
	if not is_only_field_technician(user):
		return None  # role permissions decide
	technicians = set(technicians_of(user))
	if doc.get("technician") in technicians:
		return True
	return any(row.technician in technicians for row in doc.get("assistants") or [])
