"""REST surface of dispatch: /api/method/gigafibre_fsm.api.dispatch.<name>.

Thin: check the caller, parse the arguments, call `dispatch.services`.
"""

import frappe
from frappe.rate_limiter import rate_limit

from gigafibre_fsm.dispatch.services import (
	appointment_slots,
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
from gigafibre_fsm.services.transactions import with_fresh_attempts


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


def _require_rebooking(job: str):
	"""A dispatcher, or the job's customer while the appointment may still be changed online
	(after `require_role(roles.REBOOKING)`)."""
	guards.require_doc("Dispatch Job", job)
	doc = frappe.get_doc("Dispatch Job", job)
	staff = bool(set(roles.DISPATCH) & set(frappe.get_roles())) or frappe.session.user == "Administrator"
	if not staff and not appointment_slots.customer_may_change(doc):
		frappe.throw(frappe._("This appointment can no longer be changed online; please call us"))
	return doc, staff


def _job_location(doc):
	return (doc.latitude, doc.longitude) if doc.latitude or doc.longitude else None


@frappe.whitelist(methods=["GET"])
@rate_limit(limit=60, seconds=60)  # per IP: each offer ranks every technician on every day
def appointment_slots_for_job(job: str, from_date: str | None = None) -> list[dict]:
	"""The arrival windows this appointment can move to (a customer sees windows, never people)."""
	require_role(roles.REBOOKING)
	doc, staff = _require_rebooking(job)
	return appointment_slots.offer(
		doc.required_tags,
		doc.duration_minutes or 60,
		_job_location(doc),
		from_date,
		exclude_job=job,
		staff=staff,
	)


@frappe.whitelist(methods=["POST"])
@rate_limit(limit=30, seconds=60)
def hold_appointment_slot(
	job: str, slot: str, replaces_hold: str | None = None, token: str | None = None
) -> dict:
	"""Keep `slot` for this appointment for a few minutes; a previous hold of the caller (with
	its token) is released in the same step."""
	require_role(roles.REBOOKING)
	doc, staff = _require_rebooking(job)
	if replaces_hold:
		appointment_slots.held(replaces_hold, token)
	return with_fresh_attempts(
		lambda: appointment_slots.hold(
			slot,
			doc.required_tags,
			doc.duration_minutes or 60,
			_job_location(doc),
			doc.customer,
			doc.service_location,
			doc.job_type,
			reschedules_job=job,
			replaces_hold=replaces_hold,
			staff=staff,
		)
	)


@frappe.whitelist(methods=["POST"])
def reschedule_appointment(job: str, hold: str, token: str) -> dict:
	"""Move appointment `job` to the slot held by `hold` (its secret `token` proves it is the
	caller's hold, and it must be a hold for this job)."""
	require_role(roles.REBOOKING)
	_require_rebooking(job)
	held = appointment_slots.held(hold, token)
	if held.reschedules_job != job:
		guards.deny(frappe._("This appointment hold has lapsed or is not yours; choose a slot again"))
	moved = frappe.get_doc("Dispatch Job", appointment_slots.move_job_to_hold(held))
	return {
		"job": moved.name,
		"date": str(moved.scheduled_date),
		"window_start": moved.window_start,
		"window_end": moved.window_end,
	}


@frappe.whitelist(methods=["POST"])
def release_appointment_hold(hold: str, token: str) -> None:
	"""Give a held slot back before it lapses (the customer chose another or gave up)."""
	require_role(roles.REBOOKING)
	appointment_slots.release(appointment_slots.held(hold, token))


@frappe.whitelist(methods=["POST"])
def cancel_appointment(job: str) -> dict:
	"""Cancel an appointment: a dispatcher at any time, the customer within the policy."""
	require_role(roles.REBOOKING)
	_doc, staff = _require_rebooking(job)
	appointment_slots.cancel(job, by_staff=staff)
	return {"job": job, "status": "Cancelled"}
