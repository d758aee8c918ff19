"""The checks at the top of every whitelisted method and portal page: refuse first, then act.

A refusal raises `frappe.PermissionError` before any record is read for the caller or any
outside system (the ACS, the OLT, Twilio) is asked anything.
"""

from collections.abc import Iterable

import frappe
from frappe import _

from gigafibre_fsm.permissions import policy, roles
from gigafibre_fsm.permissions.services import scopes


def deny(message: str | None = None) -> None:
	frappe.throw(message or _("You are not permitted to do this"), frappe.PermissionError)


def require_role(allowed: Iterable[str]) -> None:
	"""Refuse unless the session user has one of the `allowed` roles (Administrator passes).

	Unlike `frappe.only_for`, which returns early whenever `frappe.flags.in_test` is set, this
	check behaves the same in tests and in production."""
	if frappe.session.user == "Administrator":
		return
	if not set(allowed) & set(frappe.get_roles()):
		deny()


def require_login() -> None:
	if frappe.session.user == "Guest":
		deny(_("Please log in to do this"))


def require_doc(doctype: str, name: str, ptype: str = "read") -> None:
	"""Refuse unless the user may `ptype` the record (a missing record is refused the same way,
	so that a refusal does not tell whether it exists)."""
	require_login()
	if not name or not frappe.db.exists(doctype, name):
		deny()
	if not frappe.has_permission(doctype, ptype, name):
		deny()


def require_customer(customer: str | None, staff: Iterable[str]) -> None:
	"""Staff with one of the `staff` roles, or a portal user of `customer`; anyone else is
	refused the same way whether the customer exists or not."""
	require_login()
	if frappe.session.user == "Administrator" or set(staff) & set(frappe.get_roles()):
		return
	if not customer or customer not in scopes.customers_of(frappe.session.user):
		deny()


def require_customer_of(doctype: str, name: str | None, staff: Iterable[str]) -> None:
	"""Staff with one of the `staff` roles, or a portal user of the record's customer (an ERPNext
	document such as a Sales Invoice, whose `customer` field names it)."""
	require_login()
	customer = frappe.db.get_value(doctype, name, "customer") if name else None
	require_customer(customer, staff)


def require_dispatcher_or_technician(technician: str) -> None:
	"""A dispatcher, or the user whose Dispatch Technician record this is."""
	require_login()
	if set(roles.DISPATCH) & set(frappe.get_roles()) or frappe.session.user == "Administrator":
		return
	if technician not in scopes.technicians_of(frappe.session.user):
		deny(_("Only a dispatcher or the technician can do this"))


def require_on_job(job: str) -> list[str]:
	"""The session user's technicians, if one of them leads or assists on `job`; else refuse,
	whatever their roles (a dispatcher on the phone page moves only their own jobs)."""
	technicians = scopes.technicians_of(frappe.session.user)
	if not scopes.is_on_job(job, technicians):
		deny(_("This job is not yours"))
	return technicians


def require_device(
	action: str,
	equipment: str | None = None,
	device_id: str | None = None,
	serial: str | None = None,
	mac: str | None = None,
	task: str | None = None,
) -> None:
	"""May the user diagnose (`action="diagnose"`) or act on (`"task"`) this device?

	Office staff may reach every device (a factory reset is the NOC's alone). A field technician
	only reaches the equipment of their own jobs (at the job's location, or listed on the job):
	diagnostics through any of their jobs, a reboot or refresh only while that job is en route
	or in progress. Every identifier given must designate such equipment."""
	if task == "factory_reset":
		require_role(roles.NOC)
		return
	require_role(roles.DEVICE_USERS)
	if scopes.is_staff():
		return
	if action == "task" and task not in policy.TECHNICIAN_DEVICE_TASKS:
		deny()
	technicians = scopes.technicians_of(frappe.session.user)
	statuses = policy.DEVICE_TASK_JOB_STATUSES if action == "task" else None
	allowed = scopes.team_equipment(technicians, statuses)
	given = {
		"name": equipment,
		"acs_device_id": device_id,
		"serial_number": (serial or "").strip() or None,
		"mac_address": (mac or "").strip() or None,
	}
	given = {field: value for field, value in given.items() if value}
	if not given or not allowed:
		deny(_("This device is not on one of your jobs"))
	for field, value in given.items():
		matching = set(frappe.get_all("Service Equipment", filters={field: value}, pluck="name"))
		if not matching or not matching <= allowed:
			deny(_("This device is not on one of your jobs"))


def require_network_state(doctype: str, name: str) -> None:
	"""Office staff see any record's network state; a technician only their job or its location."""
	require_role(roles.DEVICE_USERS)
	if scopes.is_staff():
		return
	if doctype not in ("Dispatch Job", "Service Location"):
		deny()
	require_doc(doctype, name)
