"""iCal: a feed per technician at a secret, revocable URL, and the customer's appointment."""

from datetime import datetime, timedelta

import frappe
from frappe import _
from frappe.utils import add_days, get_url, getdate, now_datetime

from gigafibre_fsm.dispatch import ical, work_schedule
from gigafibre_fsm.dispatch.services.settings import dispatch_settings, dispatch_zone
from gigafibre_fsm.permissions.services import scopes
from gigafibre_fsm.services.core_errors import translated_errors
from gigafibre_fsm.services.times import aware, utc_now

FEED_PAST_DAYS, FEED_FUTURE_DAYS = 30, 90
ICS_STATUS = {"Cancelled": "cancelled", "Open": "tentative"}


def new_feed_url(technician: str) -> str:
	"""A new secret feed URL for `technician`; the previous one stops working."""
	token = ical.new_feed_token()
	frappe.db.set_value(
		"Dispatch Technician", technician, "calendar_feed_token_hash", ical.hash_feed_token(token)
	)
	return get_url(f"/api/method/gigafibre_fsm.api.dispatch.technician_calendar?token={token}")


def revoke_feed(technician: str) -> None:
	frappe.db.set_value("Dispatch Technician", technician, "calendar_feed_token_hash", None)


def _calendar_job(job, zone, address: str = "") -> ical.CalendarJob:
	start_time = (
		work_schedule.parse_time(job.start_time) if job.start_time else work_schedule.parse_time("08:00")
	)
	start = datetime.combine(getdate(job.scheduled_date), start_time, tzinfo=zone)
	return ical.CalendarJob(
		name=job.name,
		summary=job.subject,
		start=start,
		end=start + timedelta(minutes=job.duration_minutes or 60),
		location=(address or "").replace("\n", ", "),
		status=ICS_STATUS.get(job.status, "confirmed"),
		modified=aware(job.modified),  # stored naive in the system zone, not the dispatch one
		geo=(job.latitude, job.longitude) if job.latitude or job.longitude else None,
	)


def technician_feed(token: str) -> bytes:
	technician = frappe.db.get_value(
		"Dispatch Technician",
		{"calendar_feed_token_hash": ical.hash_feed_token(token or "")},
		["name", "technician_name", "calendar_feed_token_hash"],
		as_dict=True,
	)
	if not technician or not ical.verify_feed_token(token, technician.calendar_feed_token_hash):
		frappe.throw(_("This calendar link is not valid or was revoked"), frappe.PermissionError)
	zone = dispatch_zone()
	today = getdate()
	fields = [
		"name",
		"subject",
		"scheduled_date",
		"start_time",
		"duration_minutes",
		"status",
		"modified",
		"latitude",
		"longitude",
		"service_location",
	]
	names = scopes.team_job_names(
		[technician.name],
		date_from=add_days(today, -FEED_PAST_DAYS),
		date_to=add_days(today, FEED_FUTURE_DAYS),
	)
	jobs = frappe.get_all("Dispatch Job", filters={"name": ("in", names or [""])}, fields=fields)
	addresses = _addresses({j.service_location for j in jobs if j.service_location})
	with translated_errors():
		return ical.technician_feed(
			technician.technician_name,
			[_calendar_job(j, zone, addresses.get(j.service_location, "")) for j in jobs if j.scheduled_date],
			_("Jobs of {0}").format(technician.technician_name),
			zone,
			utc_now(),
		)


def appointment(job_name: str) -> bytes:
	"""A job's appointment as .ics, for those who may read the job (its customer, its team, staff)."""
	job = frappe.get_doc("Dispatch Job", job_name)
	job.check_permission("read")
	if not job.scheduled_date:
		frappe.throw(_("This job has no date yet"))
	zone = dispatch_zone()
	company = frappe.defaults.get_global_default("company") or "Gigafibre"
	address = _addresses({job.service_location}).get(job.service_location, "") if job.service_location else ""
	with translated_errors():
		return ical.appointment_ics(
			_calendar_job(job, zone, address),
			ical.Company(name=company),
			zone,
			utc_now(),
			translate=_,
		)


def _addresses(locations: set) -> dict:
	if not locations:
		return {}
	return dict(
		frappe.get_all(
			"Service Location",
			filters={"name": ("in", list(locations))},
			fields=["name", "address_display"],
			as_list=True,
		)
	)
