"""Appointments customers book themselves: the windows offered, the 15-minute holds, the booking.

The offer is the core's (`dispatch.appointment_slots`) over the site's technicians, jobs and
running holds. A hold is written under a lock on its technician's row, after reading that
technician's jobs and holds again with locking reads: of two customers clicking the last free
technician at once, the second waits for the first, then sees their hold and gets another
technician or a "taken meanwhile". Each hold carries a secret token (only its hash is stored)
that the page sends back to book or release it.
"""

import hashlib
import secrets
from datetime import date, datetime, timedelta

import frappe
from frappe import _
from frappe.utils import add_to_date, getdate

from gigafibre_fsm.dispatch import appointment_slots as core
from gigafibre_fsm.dispatch import best_technician, work_schedule
from gigafibre_fsm.dispatch.services import workforce
from gigafibre_fsm.dispatch.services.settings import (
	dispatch_settings,
	dispatch_time_zone,
	travel_time_provider,
)
from gigafibre_fsm.dispatch.services.technician_ranking import travel_function
from gigafibre_fsm.services.core_errors import translated_errors
from gigafibre_fsm.services.times import aware, system_naive, utc_now

HOLD = "Appointment Hold"
CUSTOMER_MOVABLE_STATUSES = ("Open", "Assigned")


def _settings():
	settings = dispatch_settings()
	with translated_errors():
		windows = core.arrival_windows_from_text(
			settings.arrival_windows or "08:00-10:00\n10:00-12:00\n13:00-15:00\n15:00-17:00"
		)
	return settings, windows


def _zone(settings):
	return work_schedule.get_zone(dispatch_time_zone(settings))


def _tags(tags) -> tuple:
	"""Required skills from `[{"tag":..,"level":..}]`, a Dispatch Job's rows, or "tag:level" lines."""
	if isinstance(tags, str):
		rows = []
		for line in tags.splitlines():
			if line.strip():
				tag, _sep, level = line.partition(":")
				rows.append({"tag": tag.strip(), "level": int(level or 1), "required": 1})
		tags = rows
	return tuple(
		best_technician.RequiredTag(t.get("tag"), int(t.get("level") or 1), bool(t.get("required", 1)))
		for t in tags or []
	)


def _tags_text(tags: tuple) -> str:
	return "\n".join(f"{t.tag}:{t.level}" for t in tags if t.required)


def _request(settings, zone, tags, duration_minutes, location, staff: bool):
	now = utc_now().astimezone(zone)
	notice = timedelta(hours=0 if staff else settings.booking_notice_hours or 0)
	if not duration_minutes or int(duration_minutes) <= 0:
		frappe.throw(_("An appointment must last more than zero minutes"))
	return core.SlotRequest(tags, timedelta(minutes=int(duration_minutes)), location, now + notice)


def _running_holds(days: list[date], now: datetime, technician: str | None = None, lock: bool = False):
	filters = {"status": "Active", "slot_date": ("in", days), "expires_at": (">", system_naive(now))}
	if technician:
		filters["technician"] = technician
	rows = frappe.db.get_values(
		HOLD,
		filters,
		["name", "technician", "starts_at", "ends_at", "expires_at", "latitude", "longitude"],
		as_dict=True,
		for_update=lock,
	)
	return [
		core.Hold(
			r.name,
			r.technician,
			aware(r.starts_at),
			aware(r.ends_at),
			aware(r.expires_at),
			(r.latitude, r.longitude) if r.latitude or r.longitude else None,
		)
		for r in rows
	]


def _technician_days(day: date, tz: str, exclude_job: str | None) -> list[core.TechnicianDay]:
	return [
		core.TechnicianDay(t.name, t.skills, t.home, t.free, t.booked)
		for t in workforce.load_day(day, tz, with_booked_jobs=True, exclude_job=exclude_job)
	]


def offer(
	tags=None,
	duration_minutes: int = 120,
	location: tuple[float, float] | None = None,
	from_date=None,
	days: int | None = None,
	exclude_job: str | None = None,
	ignore_hold: str | None = None,
	staff: bool = False,
) -> list[dict]:
	"""The arrival windows a customer may book (never who would come), earliest first.

	`exclude_job`: when moving an existing job, its own time does not block it."""
	settings, windows = _settings()
	zone = _zone(settings)
	tz = dispatch_time_zone(settings)
	request = _request(settings, zone, _tags(tags), duration_minutes, location, staff)
	first = max(getdate(from_date) if from_date else request.earliest.date(), request.earliest.date())
	count = min(int(days or settings.booking_horizon_days or 14), 62)
	span = [first + timedelta(days=i) for i in range(count)]
	holds = _running_holds(span, utc_now())
	with translated_errors():
		slots = core.offer_slots(
			request,
			{day: _technician_days(day, tz, exclude_job) for day in span},
			windows,
			holds,
			now=utc_now(),
			travel=travel_function(travel_time_provider(settings)),
			ignore_hold=ignore_hold,
		)
	return [
		{
			"slot": s.key,
			"date": s.day.isoformat(),
			"window_start": f"{s.window.start:%H:%M}",
			"window_end": f"{s.window.end:%H:%M}",
		}
		for s in slots
	]


def _parse_slot(key: str, windows) -> tuple[date, core.ArrivalWindow]:
	day_text, _sep, label = (key or "").partition("T")
	try:
		day = date.fromisoformat(day_text)
	except ValueError:
		frappe.throw(_("This appointment slot is not one we offered"))
	window = next((w for w in windows if w.label == label), None)
	if window is None:
		frappe.throw(_("This appointment slot is not one we offered"))
	return day, window


def _token_hash(token: str) -> str:
	return hashlib.sha256((token or "").encode()).hexdigest()


def hold(
	slot: str,
	tags=None,
	duration_minutes: int = 120,
	location: tuple[float, float] | None = None,
	customer: str | None = None,
	service_location: str | None = None,
	job_type: str | None = None,
	reschedules_job: str | None = None,
	replaces_hold: str | None = None,
	staff: bool = False,
) -> dict:
	"""Keep `slot` for the caller for Dispatch Settings' *Hold a Slot For* minutes.

	Returns the hold's name, its secret token (shown once) and when it lapses; a slot nobody
	can take any more is refused with a translated message, and nothing is written."""
	settings, windows = _settings()
	zone = _zone(settings)
	tz = dispatch_time_zone(settings)
	day, window = _parse_slot(slot, windows)
	tags = _tags(tags)
	request = _request(settings, zone, tags, duration_minutes, location, staff)
	travel = travel_function(travel_time_provider(settings))
	now = utc_now()
	people = _technician_days(day, tz, reschedules_job)
	with translated_errors():
		offered = core.best_technician_for(
			request, day, window, people, _running_holds([day], now), now, travel, replaces_hold
		)
	for technician in offered.technicians if offered else ():
		# serialise holds on this technician, then read their day again with locking reads
		_lock_technician(technician)
		mine = [p for p in people if p.name == technician]
		fresh_jobs = _locked_jobs(technician, day, zone, reschedules_job)
		fresh = [core.TechnicianDay(p.name, p.skills, p.home, p.free, fresh_jobs) for p in mine]
		with translated_errors():
			still = core.best_technician_for(
				request,
				day,
				window,
				fresh,
				_running_holds([day], now, technician, lock=True),
				now,
				travel,
				replaces_hold,
			)
		if still is None:
			continue
		return _write_hold(
			settings,
			still,
			technician,
			tags,
			duration_minutes,
			location,
			customer,
			service_location,
			job_type,
			reschedules_job,
			replaces_hold,
		)
	frappe.throw(_("This appointment slot was just taken. Please choose another one."))


def _lock_technician(technician: str) -> None:
	"""Holds on one technician are written one after the other: raise their hold counter first.

	An UPDATE rather than a SELECT ... FOR UPDATE: on PostgreSQL (REPEATABLE READ), a second
	request that updates the row after the first committed is refused (40001) and starts again
	with a snapshot that sees the first hold; a locking SELECT would not be, and would miss it."""
	tech = frappe.qb.DocType("Dispatch Technician")
	frappe.qb.update(tech).set(tech.appointment_hold_serial, tech.appointment_hold_serial + 1).where(
		tech.name == technician
	).run()


def _locked_jobs(technician: str, day: date, zone, exclude_job: str | None):
	"""The technician's jobs of `day`, read with a locking read (the latest committed rows),
	plus those they assist on."""
	rows = frappe.db.get_values(
		"Dispatch Job",
		{
			"scheduled_date": day,
			"status": ("in", workforce.ACTIVE_JOB_STATUSES),
			"technician": technician,
			"name": ("!=", exclude_job or ""),
		},
		["name", "start_time", "duration_minutes", "latitude", "longitude"],
		as_dict=True,
		for_update=True,
	)
	led = {}
	for job in rows:
		if job.start_time:
			start = datetime.combine(day, work_schedule.parse_time(job.start_time), tzinfo=zone)
			led[job.name] = work_schedule.BookedJob(
				job.name,
				start,
				start + timedelta(minutes=job.duration_minutes or 60),
				(job.latitude, job.longitude) if job.latitude or job.longitude else None,
			)
	assisted = [
		b for b in workforce.booked_jobs(day, zone, exclude_job).get(technician, []) if b.job not in led
	]
	return [*led.values(), *assisted]


def _write_hold(
	settings,
	slot: core.Slot,
	technician: str,
	tags,
	duration_minutes,
	location,
	customer,
	service_location,
	job_type,
	reschedules_job,
	replaces_hold,
) -> dict:
	if replaces_hold:
		frappe.db.set_value(HOLD, replaces_hold, "status", "Released", update_modified=True)
	token = secrets.token_urlsafe(24)
	expires_at = add_to_date(system_naive(utc_now()), minutes=settings.hold_minutes or 15)
	doc = frappe.get_doc(
		{
			"doctype": HOLD,
			"status": "Active",
			"slot_date": slot.day,
			"window_start": f"{slot.window.start:%H:%M}",
			"window_end": f"{slot.window.end:%H:%M}",
			"technician": technician,
			"starts_at": system_naive(slot.job_start),
			"ends_at": system_naive(slot.job_start + timedelta(minutes=int(duration_minutes))),
			"expires_at": expires_at,
			"job_type": job_type,
			"duration_minutes": int(duration_minutes),
			"required_tags": _tags_text(tags),
			"customer": customer,
			"service_location": service_location,
			"latitude": location[0] if location else None,
			"longitude": location[1] if location else None,
			"holder": frappe.session.user,
			"token_hash": _token_hash(token),
			"reschedules_job": reschedules_job,
		}
	)
	doc.insert(ignore_permissions=True)  # the caller's guard decided; holds are staff-only records
	return {
		"hold": doc.name,
		"token": token,
		"expires_at": str(expires_at),
		"slot": slot.key,
		"date": slot.day.isoformat(),
		"window_start": doc.window_start,
		"window_end": doc.window_end,
	}


def held(name: str, token: str):
	"""The Active hold `name` if `token` is its secret; anything else is refused the same way."""
	row = (
		frappe.db.get_value(HOLD, name, ["name", "token_hash", "status"], as_dict=True, for_update=True)
		if name
		else None
	)
	if (
		not row
		or not secrets.compare_digest(row.token_hash or "", _token_hash(token))
		or row.status != "Active"
	):
		frappe.throw(
			_("This appointment hold has lapsed or is not yours; choose a slot again"), frappe.PermissionError
		)
	return frappe.get_doc(HOLD, name)


def confirm(hold_doc) -> dict:
	"""Whether the held slot can still be booked now; re-holds it if the hold lapsed meanwhile.

	A lapsed hold whose technician was taken by someone else falls back to another technician
	for the same window, else the slot is refused as taken meanwhile."""
	if aware(hold_doc.expires_at) > utc_now():
		return {"technician": hold_doc.technician, "starts_at": hold_doc.starts_at}
	again = hold(
		f"{getdate(hold_doc.slot_date).isoformat()}T{hold_doc.window_start}-{hold_doc.window_end}",
		hold_doc.required_tags,
		hold_doc.duration_minutes,
		(hold_doc.latitude, hold_doc.longitude) if hold_doc.latitude or hold_doc.longitude else None,
		hold_doc.customer,
		hold_doc.service_location,
		hold_doc.job_type,
		hold_doc.reschedules_job,
		replaces_hold=hold_doc.name,
		staff=True,  # the notice was checked when the slot was first held
	)
	renewed = frappe.get_doc(HOLD, again["hold"])
	hold_doc.reload()
	return {"technician": renewed.technician, "starts_at": renewed.starts_at, "renewed": renewed}


def book_new_job(hold_doc, subject: str, **fields) -> str:
	"""Turn a hold into an Assigned Dispatch Job at its slot; returns the job's name.

	Runs in the caller's transaction: an order that fails later rolls the job back with it."""
	state = confirm(hold_doc)
	used = state.get("renewed") or hold_doc
	start = aware(state["starts_at"]).astimezone(_zone(dispatch_settings()))
	job = frappe.get_doc(
		{
			"doctype": "Dispatch Job",
			"subject": subject,
			"job_type": used.job_type,
			"status": "Assigned",
			"customer": used.customer,
			"service_location": used.service_location,
			"latitude": used.latitude,
			"longitude": used.longitude,
			"scheduled_date": start.date(),
			"start_time": f"{start:%H:%M}",
			"duration_minutes": used.duration_minutes,
			"window_start": used.window_start,
			"window_end": used.window_end,
			"technician": state["technician"],
			"required_tags": [
				{"tag": t.tag, "level": t.level, "required": 1} for t in _tags(used.required_tags)
			],
			**fields,
		}
	)
	job.insert(ignore_permissions=True)  # a customer books through the order, not the desk
	_close(used, "Booked", job.name)
	return job.name


def move_job_to_hold(hold_doc) -> str:
	"""Move the hold's job (`reschedules_job`) to the held slot and technician."""
	state = confirm(hold_doc)
	used = state.get("renewed") or hold_doc
	start = aware(state["starts_at"]).astimezone(_zone(dispatch_settings()))
	job = frappe.get_doc("Dispatch Job", used.reschedules_job)
	job.scheduled_date = start.date()
	job.start_time = f"{start:%H:%M}"
	job.window_start, job.window_end = used.window_start, used.window_end
	job.technician = state["technician"]
	if job.status == "Open":
		job.status = "Assigned"
	job.save(ignore_permissions=True)  # the guard allowed the customer to move their own job
	_close(used, "Booked", job.name)
	return job.name


def _close(hold_doc, status: str, job: str | None = None) -> None:
	frappe.db.set_value(HOLD, hold_doc.name, {"status": status, "dispatch_job": job}, update_modified=True)


def release(hold_doc) -> None:
	_close(hold_doc, "Released")


def customer_may_change(job, settings=None) -> bool:
	"""A customer may move or cancel their own appointment while it is still Open or Assigned
	and more than *Change or Cancel Up To* hours away."""
	settings = settings or dispatch_settings()
	if job.status not in CUSTOMER_MOVABLE_STATUSES:
		return False
	if not job.scheduled_date or not job.start_time:
		return True
	zone = _zone(settings)
	start = datetime.combine(
		getdate(job.scheduled_date), work_schedule.parse_time(job.start_time), tzinfo=zone
	)
	return start - utc_now() > timedelta(hours=settings.reschedule_notice_hours or 0)


def cancel(job_name: str, by_staff: bool = False) -> None:
	"""Cancel an appointment: staff with their own rights, a customer only within the policy
	(their guard already checked the job is theirs)."""
	job = frappe.get_doc("Dispatch Job", job_name, for_update=True)
	if by_staff:
		job.status = "Cancelled"
		job.save()
		return
	if not customer_may_change(job):
		frappe.throw(_("This appointment can no longer be changed online; please call us"))
	job.status = "Cancelled"
	job.add_comment("Info", _("Cancelled by the customer online"))
	job.save(ignore_permissions=True)  # the guard allowed the customer to cancel their own job


def expire_lapsed_holds() -> int:
	"""Scheduler: mark the holds past their time as Expired (they already block no one)."""
	names = frappe.get_all(
		HOLD, filters={"status": "Active", "expires_at": ("<=", system_naive(utc_now()))}, pluck="name"
	)
	for name in names:
		frappe.db.set_value(HOLD, name, "status", "Expired", update_modified=False)
	return len(names)
