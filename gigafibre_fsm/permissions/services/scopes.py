"""Who a user is to the app, and the records of each scope of `policy`, as SQL conditions.

Defined once here: a user's customers (ERPNext's Contact link and the Customer's Portal Users),
their Dispatch Technician records, and "the jobs a technician leads or assists on". Lists and
single documents both use `condition()`, so they always agree.

The conditions are SQL with backticks and escaped values, as Frappe's own
`permission_query_conditions` are (Frappe turns the backticks into double quotes on PostgreSQL).
"""

import frappe
from frappe.utils import has_common

from gigafibre_fsm.permissions import policy, roles

NOTHING = "1=0"


def user_roles(user: str | None = None) -> list[str]:
	return frappe.get_roles(user or frappe.session.user)


def audiences_of(user: str | None = None) -> frozenset[str]:
	"""The restricted audiences of `user` ("technician", "customer"); empty for staff and Guest."""
	user = user or frappe.session.user
	if user == "Administrator":
		return frozenset()
	return roles.audiences(user_roles(user))


def is_staff(user: str | None = None) -> bool:
	user = user or frappe.session.user
	return user == "Administrator" or roles.is_staff(user_roles(user))


def is_only_field_technician(user: str | None = None) -> bool:
	"""A technician with no staff role: the one whose edits to a job are limited."""
	return "technician" in audiences_of(user)


def customers_of(user: str | None = None) -> list[str]:
	"""The Customers a portal user belongs to, the two ways ERPNext links them: the Customer's
	Portal Users table (ERPNext's `get_customers_suppliers`), and a Contact carrying the user's
	e-mail address with a link to the Customer (how ERPNext's sign-up and most imports link them)
	or naming the user in its User field (Contact.user)."""
	user = user or frappe.session.user
	if user in ("Guest", "Administrator") or not has_common([roles.CUSTOMER], user_roles(user)):
		return []
	if user == frappe.session.user:
		from erpnext.controllers.website_list_for_contact import get_customers_suppliers

		customers = set(get_customers_suppliers("Service Location", user)[0] or [])
	else:  # ERPNext's function reads the session user; the same Portal User rows for another
		customers = set(
			frappe.get_all("Portal User", filters={"user": user, "parenttype": "Customer"}, pluck="parent")
		)
	contacts = frappe.get_all(
		"Contact Email", filters={"email_id": user, "parenttype": "Contact"}, pluck="parent"
	)
	# the Contact's own User field: how the passwordless sign-in links a phone-only customer
	contacts += frappe.get_all("Contact", filters={"user": user}, pluck="name")
	if contacts:
		customers.update(
			frappe.get_all(
				"Dynamic Link",
				filters={"parenttype": "Contact", "parent": ("in", contacts), "link_doctype": "Customer"},
				pluck="link_name",
			)
		)
	return sorted(customers)


def technicians_of(user: str | None = None) -> list[str]:
	"""The Dispatch Technician records of `user` (usually one)."""
	user = user or frappe.session.user
	if user == "Guest":
		return []
	return frappe.get_all("Dispatch Technician", filters={"user": user}, pluck="name")


def quote(value) -> str:
	"""A literal for SQL run without parameters (as Frappe runs list queries): no % doubling."""
	return frappe.db.escape(str(value), percent=False)


def _in(values) -> str:
	return ", ".join(quote(v) for v in values)


def team_jobs_sql(technicians, column: str = "name", statuses=None, date_from=None, date_to=None) -> str:
	"""SELECT `column` of the Dispatch Jobs these technicians lead or assist on (one definition
	of "a technician's jobs": the lead, or a row of the job's assistants), optionally only those
	in `statuses` and scheduled between `date_from` and `date_to`."""
	if not technicians:
		return f"select `{column}` from `tabDispatch Job` where 1=0"
	names = _in(technicians)
	sql = (
		f"select `{column}` from `tabDispatch Job` where (`technician` in ({names}) or `name` in "
		f"(select `parent` from `tabDispatch Job Assistant` where `parenttype` = 'Dispatch Job' "
		f"and `technician` in ({names})))"
	)
	if statuses:
		sql += f" and `status` in ({_in(statuses)})"
	if date_from:
		sql += f" and `scheduled_date` >= {quote(date_from)}"
	if date_to:
		sql += f" and `scheduled_date` <= {quote(date_to)}"
	return sql


def team_job_names(technicians, statuses=None, date_from=None, date_to=None) -> list[str]:
	"""The names of the jobs these technicians lead or assist on (see `team_jobs_sql`)."""
	if not technicians:
		return []
	return frappe.db.sql_list(team_jobs_sql(technicians, "name", statuses, date_from, date_to))


def team_locations(technicians, statuses=None) -> list[str]:
	"""The Service Locations of the jobs these technicians lead or assist on."""
	if not technicians:
		return []
	return [x for x in frappe.db.sql_list(team_jobs_sql(technicians, "service_location", statuses)) if x]


def _team_equipment_sql(technicians, statuses=None) -> str:
	locations = team_jobs_sql(technicians, "service_location", statuses)
	jobs = team_jobs_sql(technicians, "name", statuses)
	return (
		f"select `name` from `tabService Equipment` where `service_location` in ({locations}) "
		f"union select `equipment` from `tabDispatch Job Equipment` where "
		f"`parenttype` = 'Dispatch Job' and `parent` in ({jobs})"
	)


def scope_condition(scope: str, table: str, user: str) -> str:
	"""The SQL condition on `table` (e.g. `tabService Location`) selecting the records of `scope`."""
	if scope == policy.ALL:
		return "1=1"
	if scope in (policy.CUSTOMER, policy.CUSTOMER_CONVERSATION):
		customers = customers_of(user)
		if not customers:
			return NOTHING
		if scope == policy.CUSTOMER:
			return f"{table}.`customer` in ({_in(customers)})"
		return (
			f"{table}.`conversation` in (select `name` from `tabSMS Conversation` "
			f"where `customer` in ({_in(customers)}))"
		)
	technicians = technicians_of(user)
	if not technicians:
		return NOTHING
	if scope == policy.TEAM_JOB:
		return f"{table}.`name` in ({team_jobs_sql(technicians)})"
	if scope == policy.TEAM_LOCATION:
		return f"{table}.`name` in ({team_jobs_sql(technicians, 'service_location')})"
	if scope == policy.TEAM_EQUIPMENT:
		return f"{table}.`name` in ({_team_equipment_sql(technicians)})"
	if scope == policy.OPEN_TEAM_EQUIPMENT:
		return f"{table}.`name` in ({_team_equipment_sql(technicians, policy.OPEN_JOB_STATUSES)})"
	if scope == policy.TEAM_OUTAGE:
		return (
			f"{table}.`name` in (select `parent` from `tabOutage Affected Location` where "
			f"`parenttype` = 'Outage Incident' and `service_location` in "
			f"({team_jobs_sql(technicians, 'service_location')}))"
		)
	if scope == policy.SELF_TECHNICIAN:
		return f"{table}.`name` in ({_in(technicians)})"
	if scope == policy.OWN_TECHNICIAN:
		return f"{table}.`technician` in ({_in(technicians)})"
	raise ValueError(f"unknown scope {scope}")


def condition(doctype: str, ptype: str, user: str | None = None) -> str | None:
	"""The SQL condition on `tab{doctype}` selecting what `user` may `ptype`: None when nothing
	narrows them (staff), "1=0" when they may see none."""
	user = user or frappe.session.user
	if is_staff(user):
		return None
	parents = policy.CHILD_TABLES.get(doctype)
	if parents:
		table = f"`tab{doctype}`"
		rows = []
		for parent in parents:
			inner = condition(parent, ptype, user)
			if inner != NOTHING:
				rows.append(
					f"({table}.`parenttype` = {quote(parent)} and {table}.`parent` in "
					f"(select `name` from `tab{parent}` where {inner}))"
				)
		return "(" + " or ".join(rows) + ")" if rows else NOTHING
	scopes = policy.scopes_for(doctype, audiences_of(user), ptype)
	if not scopes:
		return NOTHING
	table = f"`tab{doctype}`"
	return "(" + " or ".join(scope_condition(s, table, user) for s in scopes) + ")"


def is_on_job(job: str, technicians) -> bool:
	"""True if one of `technicians` leads or assists on `job`."""
	if not technicians or not job:
		return False
	return bool(frappe.db.sql(f"{team_jobs_sql(technicians)} and `name` = {quote(job)}"))


def team_equipment(technicians, statuses=None) -> set[str]:
	"""The Service Equipment at the locations of these technicians' jobs, or listed on them."""
	if not technicians:
		return set()
	return set(frappe.db.sql_list(_team_equipment_sql(technicians, statuses)))
