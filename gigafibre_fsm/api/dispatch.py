"""REST surface of dispatch: /api/method/gigafibre_fsm.api.dispatch.<name>.

Thin: check the caller, parse the arguments, call `dispatch.services`.
"""

import frappe
from frappe.rate_limiter import rate_limit

from gigafibre_fsm.dispatch.services import (
	board,
	calendars,
	day_planning,
	job_offers,
	recurring_jobs,
	technician_ranking,
)
from gigafibre_fsm.permissions import roles
from gigafibre_fsm.permissions.services import guards
from gigafibre_fsm.permissions.services.guards import require_role


@frappe.whitelist(methods=["GET", "POST"])
def preview_day_plan(date: str, time_limit: float | None = None) -> dict:
	"""Plan a day in a background job, writing nothing. The board gets the progress
	(`day_plan_progress`) and the plan (`day_plan_ready`: routes, ETAs, unassigned jobs and a
	plan_id) by realtime events; `time_limit` is capped by Dispatch Settings."""
	require_role(roles.DISPATCH)
	return day_planning.enqueue_preview(date, time_limit)


@frappe.whitelist(methods=["POST"])
def apply_day_plan(plan_id: str) -> dict:
	"""Write a previewed plan, all of it or nothing."""
	require_role(roles.DISPATCH)
	return day_planning.apply(plan_id)


@frappe.whitelist(methods=["POST"])
def move_job(
	job: str,
	expected_modified: str | None = None,
	technician: str | None = None,
	scheduled_date: str | None = None,
	start_time: str | None = None,
) -> dict:
	"""Move a job on the board; a Conflict if someone moved it since `expected_modified`."""
	require_role(roles.DISPATCH)
	doc = board.move_job(
		job, expected_modified, technician=technician, scheduled_date=scheduled_date, start_time=start_time
	)
	return {
		"job": doc.name,
		"status": doc.status,
		"technician": doc.technician,
		"modified": str(doc.modified),
	}


@frappe.whitelist(methods=["POST"])
def edit_recurring_job(
	job: str, scope: str, changes: str | dict, expected_modified: str | None = None
) -> dict:
	"""Change a job of a repeating series: `scope` "this", "following" (this and the following
	jobs) or "all"; `changes` are Dispatch Job fields (JSON)."""
	require_role(roles.DISPATCH)
	if isinstance(changes, str):
		changes = frappe.parse_json(changes)
	return recurring_jobs.edit_job(job, scope, changes or {}, expected_modified)


@frappe.whitelist(methods=["GET"])
def best_technicians(job: str) -> dict:
	"""Who can take this job at its time, best first, and why each other technician cannot."""
	require_role(roles.DISPATCH)
	return technician_ranking.rank_for_job(job)


@frappe.whitelist(methods=["POST"])
def offer_job(job: str, technicians: str | list | None = None) -> list[dict]:
	"""Offer an open job by SMS link and live notification; the first valid acceptance wins."""
	require_role(roles.DISPATCH)
	if isinstance(technicians, str):
		technicians = frappe.parse_json(technicians)
	return job_offers.offer_job(job, technicians)


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=30, seconds=60)  # per IP: tokens are 256-bit, this stops hammering
def accept_offer(token: str = "") -> dict:
	"""Accept a job offer; the token from the SMS link is the technician's authority."""
	return job_offers.accept_offer(token)


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=30, seconds=60)  # per IP
def decline_offer(token: str = "") -> dict:
	"""Decline a job offer; the token from the SMS link is the technician's authority."""
	return job_offers.decline_offer(token)


@frappe.whitelist(methods=["POST"])
def new_calendar_feed(technician: str) -> str:
	"""A new secret iCal URL for a technician (the previous one stops working)."""
	guards.require_dispatcher_or_technician(technician)
	return calendars.new_feed_url(technician)


@frappe.whitelist(methods=["POST"])
def revoke_calendar_feed(technician: str) -> None:
	"""Revoke a technician's iCal URL: it answers nothing from now on."""
	guards.require_dispatcher_or_technician(technician)
	calendars.revoke_feed(technician)


@frappe.whitelist(allow_guest=True, methods=["GET"])
@rate_limit(limit=600, seconds=60 * 60)  # per IP: calendar services fetch many feeds from few IPs
def technician_calendar(token: str = "") -> None:
	"""The technician's jobs as an iCal feed; the secret token in the URL is the authority."""
	_send_ics("jobs.ics", calendars.technician_feed(token))


@frappe.whitelist(methods=["GET"])
def appointment_calendar(job: str) -> None:
	"""The customer's appointment as an .ics file (staff, or the customer in the portal)."""
	require_role(roles.APPOINTMENT)
	guards.require_doc("Dispatch Job", job)
	_send_ics(f"{job}.ics", calendars.appointment(job))


def _send_ics(filename: str, content: bytes) -> None:
	frappe.response["type"] = "binary"
	frappe.response["filename"] = filename
	frappe.response["filecontent"] = content
	frappe.response["display_content_as"] = "inline"


@frappe.whitelist(methods=["POST"])
def set_my_job_status(job: str, status: str) -> dict:
	"""A technician moves their own job forward (En Route → In Progress → Completed)."""
	from gigafibre_fsm.dispatch.services import technician_jobs

	require_role(roles.TECHNICIAN_PAGE)
	guards.require_on_job(job)
	return technician_jobs.set_my_job_status(job, status)
