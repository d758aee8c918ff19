"""Data of the Dispatch Board page: the day's active technicians and jobs, in one call."""

import frappe
from frappe.utils import getdate

from gigafibre_fsm.permissions import roles
from gigafibre_fsm.permissions.services.guards import require_role

JOB_FIELDS = [
	"name", "subject", "job_type", "status", "priority", "technician", "technician_name", "scheduled_date",
	"start_time", "duration_minutes", "window_start", "window_end", "customer", "service_location",
	"locked", "modified", "recurring_series", "occurrence_date",
]  # fmt: skip


@frappe.whitelist(methods=["GET", "POST"])
def get_board(date: str) -> dict:
	"""The technicians (rows) and the jobs of `date` (blocks, or the unassigned list)."""
	require_role(roles.DISPATCH)
	day = getdate(date)
	jobs = frappe.get_all(
		"Dispatch Job",
		filters={"scheduled_date": day, "status": ("!=", "Cancelled")},
		fields=JOB_FIELDS,
		order_by="start_time asc, name asc",
	)
	assistants = frappe.get_all(
		"Dispatch Job Assistant",
		filters={"parenttype": "Dispatch Job", "parent": ("in", [j.name for j in jobs] or [""])},
		fields=["parent", "technician"],
	)
	# active technicians, and any inactive one who still has a job that day (else the job would vanish)
	busy = {j.technician for j in jobs if j.technician} | {a.technician for a in assistants}
	technicians = frappe.get_all(
		"Dispatch Technician",
		filters={"active": 1},
		fields=["name", "technician_name"],
		order_by="technician_name asc",
	)
	missing = busy - {t.name for t in technicians}
	if missing:
		technicians += frappe.get_all(
			"Dispatch Technician",
			filters={"name": ("in", list(missing))},
			fields=["name", "technician_name"],
			order_by="technician_name asc",
		)
	absent = set(
		frappe.get_all(
			"Dispatch Technician Absence",
			filters={"from_datetime": ("<=", f"{day} 23:59:59"), "to_datetime": (">=", f"{day} 00:00:00")},
			pluck="technician",
		)
	)
	for tech in technicians:
		tech.absent = tech.name in absent
	for job in jobs:
		job.assistants = [a.technician for a in assistants if a.parent == job.name]
		job.modified = str(job.modified)
		job.scheduled_date = str(job.scheduled_date)
		job.occurrence_date = str(job.occurrence_date or "")
	return {"date": str(day), "technicians": technicians, "jobs": jobs}
