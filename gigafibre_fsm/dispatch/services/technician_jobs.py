"""The technician's phone page: their own jobs of today and tomorrow, and moving one forward.

A technician only ever sees and changes jobs where they are the technician or an assistant.
The rule is the permission layer's (`gigafibre_fsm.permissions`), the one Frappe enforces
for Dispatch Job; this module adds an explicit "is it yours" check so that a dispatcher who is
also a technician cannot use the phone page to move somebody else's job, and lets the job's
lifecycle refuse illegal jumps.
"""

from datetime import timedelta

import frappe
from frappe import _
from frappe.utils import getdate

from gigafibre_fsm.permissions.services import scopes

# The statuses a technician moves their job through from the phone, in order.
FORWARD = {"Assigned": "En Route", "En Route": "In Progress", "In Progress": "Completed"}
TECHNICIAN_STATUSES = frozenset(FORWARD.values())
SHOWN = ("Assigned", "En Route", "In Progress", "Completed")


def my_technicians(user: str | None = None) -> list[str]:
	return scopes.technicians_of(user or frappe.session.user)


def my_jobs(day, days: int = 2, user: str | None = None) -> list[dict]:
	"""The user's jobs from `day` for `days` days, in time order, with what the phone shows."""
	technicians = my_technicians(user)
	if not technicians:
		return []
	first = getdate(day)
	names = scopes.team_job_names(technicians, SHOWN, first, first + timedelta(days=days - 1))
	if not names:
		return []
	fields = [
		"name", "subject", "job_type", "status", "priority", "scheduled_date", "start_time",
		"duration_minutes", "window_start", "window_end", "technician", "technician_name",
		"customer", "service_location", "latitude", "longitude", "modified",
	]  # fmt: skip
	jobs = frappe.get_all("Dispatch Job", filters={"name": ("in", names)}, fields=fields)
	result = []
	for job in sorted(jobs, key=lambda j: (str(j.scheduled_date), j.start_time or "99:99", j.name)):
		job.assisting = job.technician not in technicians
		job.address, job.phone = _address_and_phone(job)
		job.next_status = FORWARD.get(job.status)
		job.modified = str(job.modified)
		result.append(job)
	return result


def _address_and_phone(job) -> tuple[str, str]:
	address, phone = "", ""
	if job.service_location:
		address = frappe.db.get_value("Service Location", job.service_location, "address_display") or ""
	if job.customer:
		phone = (
			frappe.db.get_value("Customer", job.customer, "mobile_no")
			or frappe.db.get_value(
				"Contact",
				{"name": frappe.db.get_value("Customer", job.customer, "customer_primary_contact") or ""},
				"mobile_no",
			)
			or ""
		)
	return address.replace("\n", ", ").strip(", "), phone


def set_my_job_status(job_name: str, status: str) -> dict:
	"""Move the session user's own job to `status` (En Route, In Progress or Completed).

	Refused when the job is not theirs, whatever their roles, and when the lifecycle does not
	allow the change (the Dispatch Job controller checks it on save).
	"""
	if status not in TECHNICIAN_STATUSES:
		frappe.throw(_("A technician can only set a job to En Route, In Progress or Completed"))
	if not frappe.db.exists("Dispatch Job", job_name):
		frappe.throw(_("Dispatch Job {0} does not exist").format(job_name), frappe.DoesNotExistError)
	# Lock the row: a dispatcher moving the job at the same moment is decided one after the other.
	frappe.db.get_value("Dispatch Job", job_name, "modified", for_update=True)
	if not scopes.is_on_job(job_name, my_technicians()):
		frappe.throw(_("This job is not yours"), frappe.PermissionError)
	doc = frappe.get_doc("Dispatch Job", job_name)
	doc.check_permission("write")
	doc.status = status
	doc.save()
	return {"job": doc.name, "status": doc.status, "modified": str(doc.modified)}
