"""The dispatch board's live view: moving a job, and telling every board when one moved."""

import frappe
from frappe.utils import get_datetime

from gigafibre_fsm.errors import Conflict, _
from gigafibre_fsm.services.core_errors import translated_errors

ASSIGNMENT_FIELDS = ("technician", "scheduled_date", "start_time", "status", "duration_minutes")
REALTIME_EVENT = "dispatch_job_changed"


def publish_assignment_change(job) -> None:
	"""Tell every open dispatch board (and the technicians' phones) that a job moved."""
	frappe.publish_realtime(
		REALTIME_EVENT,
		{
			"job": job.name,
			"technician": job.technician,
			"assistants": [row.technician for row in job.assistants],
			"scheduled_date": str(job.scheduled_date or ""),
			"start_time": str(job.start_time or ""),
			"duration_minutes": job.duration_minutes,
			"status": job.status,
			"modified": str(job.modified),
		},
		after_commit=True,
	)


def assignment_changed(job) -> bool:
	before = job.get_doc_before_save()
	if before is None:
		return True
	if any(str(before.get(f) or "") != str(job.get(f) or "") for f in ASSIGNMENT_FIELDS):
		return True
	return [r.technician for r in before.assistants] != [r.technician for r in job.assistants]


def move_job(job: str, expected_modified: str | None = None, **changes):
	"""Move a job to another technician, day or time, if nobody moved it since `expected_modified`.

	The row is locked first, so of two dispatchers moving the same job at once, the second
	waits, then finds the version changed and gets a Conflict; nothing of it is saved.
	"""
	current = frappe.db.get_value("Dispatch Job", job, "modified", for_update=True)
	if current is None:
		frappe.throw(frappe._("Dispatch Job {0} does not exist").format(job), frappe.DoesNotExistError)
	if expected_modified and get_datetime(current) != get_datetime(expected_modified):
		with translated_errors():
			raise Conflict(
				_("Someone else changed job {job} a moment ago; reload the board and try again"), job=job
			)
	doc = frappe.get_doc("Dispatch Job", job)
	doc.check_permission("write")
	for field, value in changes.items():
		if field in ASSIGNMENT_FIELDS and value is not None:
			doc.set(field, value or None)
	doc.save()
	return doc
