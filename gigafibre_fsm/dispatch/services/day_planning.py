"""Plan a day from the site's documents: load, call the day planner, preview, apply.

The decisions are the core's (`dispatch.day_planner`); this module only turns Dispatch
Technicians and Dispatch Jobs into planner input, and a plan back into assignments. A preview
is kept in the cache with the version of every job it read, so that applying it later writes
exactly what the dispatcher saw, or nothing if someone changed one of those jobs meanwhile.
"""

import uuid
from datetime import date, datetime

import frappe
from frappe import _
from frappe.utils import get_datetime, getdate

from gigafibre_fsm.dispatch import day_planner, work_schedule
from gigafibre_fsm.dispatch.services import workforce
from gigafibre_fsm.dispatch.services.settings import (
	dispatch_settings,
	dispatch_time_zone,
	travel_time_provider,
)
from gigafibre_fsm.errors import Conflict
from gigafibre_fsm.errors import _ as mark
from gigafibre_fsm.services.core_errors import translate_message, translated_errors
from gigafibre_fsm.services.frappe_versions import in_test

PLANNABLE = ("Open", "Assigned", "En Route", "In Progress")
UNDER_WAY = {"En Route": day_planner.STATUS_EN_ROUTE, "In Progress": day_planner.STATUS_IN_PROGRESS}
PRIORITY = {
	"Low": day_planner.PRIORITY_LOW,
	"Medium": day_planner.PRIORITY_NORMAL,
	"High": day_planner.PRIORITY_HIGH,
	"Urgent": day_planner.PRIORITY_URGENT,
}
PREVIEW_TTL_S = 3600
PREVIEW_JOB = "gigafibre_fsm.dispatch.services.day_planning.run_preview"
PROGRESS_EVENT = "day_plan_progress"
RESULT_EVENT = "day_plan_ready"
DEFAULT_TIME_LIMIT_S, DEFAULT_MAX_TIME_LIMIT_S = 10, 60


def load_technicians(day: date, tz: str) -> tuple[list[day_planner.PlanTechnician], list[str]]:
	"""The active technicians working on `day`, with their shift that day, and warnings."""
	settings = dispatch_settings()
	lunch = None
	if settings.lunch_earliest and settings.lunch_latest:
		lunch = day_planner.LunchBreak(
			_minutes(settings.lunch_earliest), _minutes(settings.lunch_latest), settings.lunch_minutes or 30
		)
	planned, warnings = [], []
	for tech in workforce.load_day(day, tz):
		if not tech.free:
			continue
		if tech.home is None:
			warnings.append(
				_("{0} has no home base and was left out of the plan").format(tech.technician_name)
			)
			continue
		# A partial absence splits the day; the planner takes one shift, so the longest part.
		start, end = max(tech.free, key=lambda interval: interval[1].timestamp() - interval[0].timestamp())
		planned.append(
			day_planner.PlanTechnician(
				name=tech.name,
				home=tech.home,
				shift_start=start,
				shift_end=end,
				skills=tech.skills,
				lunch=lunch if end.timestamp() - start.timestamp() > 6 * 3600 else None,
				timezone=tech.time_zone,
			)
		)
	return planned, warnings


def load_jobs(day: date) -> tuple[list[day_planner.PlanJob], dict[str, str], dict[str, str]]:
	"""The day's jobs that can still be planned, their versions, and those that cannot be placed."""
	jobs = frappe.get_all(
		"Dispatch Job",
		filters={"scheduled_date": day, "status": ("in", PLANNABLE)},
		fields=[
			"name", "subject", "job_type", "status", "priority", "technician", "locked", "latitude", "longitude",
			"start_time", "duration_minutes", "window_start", "window_end", "needs_assistant", "modified",
		],
		order_by="name",
	)  # fmt: skip
	tags = workforce.children("Dispatch Job Tag", [j.name for j in jobs], ["tag", "level"], required=1)
	planned, versions, unplaceable = [], {}, {}
	for job in jobs:
		versions[job.name] = str(job.modified)
		if not (job.latitude or job.longitude):
			unplaceable[job.name] = _("No GPS coordinates: set them on the job or its service location")
			continue
		under_way = UNDER_WAY.get(job.status)
		locked = bool(job.locked or under_way) and bool(job.technician)
		planned.append(
			day_planner.PlanJob(
				name=job.name,
				location=(job.latitude, job.longitude),
				duration_min=job.duration_minutes or 60,
				earliest_start=_minutes(job.window_start),
				latest_start=_minutes(job.window_end),
				skills={t.tag: t.level for t in tags.get(job.name, [])},
				priority=PRIORITY.get(job.priority, day_planner.PRIORITY_NORMAL),
				locked_technician=job.technician if locked else None,
				locked_start=_minutes(job.start_time) if locked and job.start_time else None,
				needs_assistant=bool(job.needs_assistant),
				status=under_way or day_planner.STATUS_SCHEDULED,
				kind=job.job_type or "",
				title=job.subject or "",
			)
		)
	return planned, versions, unplaceable


def time_limit(requested=None, settings=None) -> float:
	"""The solver's time limit: the one asked for, or the setting's, never over the setting's
	maximum (a dispatcher cannot hold a worker for longer than the site allows)."""
	settings = settings or dispatch_settings()
	most = float(settings.get("max_planning_time_limit") or DEFAULT_MAX_TIME_LIMIT_S)
	default = float(settings.planning_time_limit or DEFAULT_TIME_LIMIT_S)
	try:
		asked = float(requested) if requested not in (None, "") else default
	except (TypeError, ValueError):
		frappe.throw(_("The time limit must be a number of seconds"))
	if asked <= 0:
		asked = default
	return max(0.1, min(asked, most))


def enqueue_preview(day, time_limit_s=None) -> dict:
	"""Plan `day` in a background job; the board gets its progress and the plan by realtime
	events. A preview of the same day already queued or running is not started again: whoever
	asked meanwhile gets the same result."""
	day = getdate(day)
	limit = time_limit(time_limit_s)
	frappe.cache.sadd(_waiters_key(day), frappe.session.user)
	frappe.cache.expire(frappe.cache.make_key(_waiters_key(day)), PREVIEW_TTL_S)
	job = frappe.enqueue(
		PREVIEW_JOB,
		queue="long",
		timeout=int(limit) + 300,
		job_id=_job_id(day),
		deduplicate=True,
		now=in_test(),
		day=str(day),
		time_limit_s=limit,
	)
	return {"date": str(day), "time_limit": limit, "queued": job is not None}


def run_preview(day: str, time_limit_s: float) -> dict | None:
	"""Background job: plan the day and push the plan (or the error) to whoever asked."""
	day = getdate(day)
	lock = frappe.cache.make_key(f"gigafibre_fsm:day_plan_running:{day}")
	if not frappe.cache.set(lock, frappe.session.user, nx=True, ex=int(time_limit_s) + 300):
		return None  # another worker is planning this day: its result goes to the same people
	try:
		_progress(day, "loading", 5, _("Loading technicians and jobs"), time_limit=time_limit_s)
		try:
			result = preview(
				day,
				time_limit_s,
				progress=lambda stage, percent, text: _progress(
					day, stage, percent, text, time_limit=time_limit_s
				),
			)
		except Exception as error:  # the board is told; a bug is also raised to the job's log
			message = str(getattr(error, "message", None) or error) or _("Planning failed")
			_publish(day, RESULT_EVENT, {"date": str(day), "error": message})
			if not isinstance(error, frappe.ValidationError):
				raise
			return None
		_progress(day, "done", 100, _("Done"))
		_publish(day, RESULT_EVENT, {"date": str(day), "plan": result})
		return result
	finally:
		frappe.cache.delete(lock)
		frappe.cache.delete_value(_waiters_key(day))


def _progress(day: date, stage: str, percent: int, text: str, **extra) -> None:
	_publish(
		day, PROGRESS_EVENT, {"date": str(day), "stage": stage, "percent": percent, "message": text, **extra}
	)


def _publish(day: date, event: str, message: dict) -> None:
	users = frappe.cache.smembers(_waiters_key(day)) or []
	for user in sorted(u.decode() if isinstance(u, bytes) else u for u in users):
		frappe.publish_realtime(event, message, user=user)


def _waiters_key(day: date) -> str:
	return f"gigafibre_fsm:day_plan_waiters:{day}"


def _job_id(day: date) -> str:
	return f"day_plan_preview:{day}"


def preview(day, time_limit_s: float | None = None, progress=None) -> dict:
	"""Plan `day` and keep the plan for `apply`; returns it as plain data for the board.
	`progress(stage, percent, text)` is told when the solver starts."""
	day = getdate(day)
	settings = dispatch_settings()
	tz = dispatch_time_zone(settings)
	technicians, warnings = load_technicians(day, tz)
	jobs, versions, unplaceable = load_jobs(day)
	limit = time_limit(time_limit_s, settings)
	if progress:
		progress(
			"planning",
			20,
			_("Planning {0} jobs for {1} technicians (up to {2} s)").format(
				len(jobs), len(technicians), round(limit)
			),
		)
	working = {t.name for t in technicians}
	for job in [
		j for j in jobs if j.status != day_planner.STATUS_SCHEDULED and j.locked_technician not in working
	]:
		# under way with someone the plan does not have (inactive, absent): leave it exactly as it is
		jobs.remove(job)
		warnings.append(
			_("{0} is under way with a technician who is not in the plan; it is left as it is").format(
				job.name
			)
		)
	with translated_errors():
		plan = day_planner.plan_day(
			technicians,
			jobs,
			travel_time_provider(settings),
			limit,
			day=day,
			timezone=tz,
			now=_now_if_today(day, tz),
		)
	result = serialise(plan, day, warnings, unplaceable)
	result["plan_id"] = uuid.uuid4().hex
	frappe.cache.set_value(
		_cache_key(result["plan_id"]), {"plan": result, "versions": versions}, expires_in_sec=PREVIEW_TTL_S
	)
	return result


def apply(plan_id: str) -> dict:
	"""Write a previewed plan: every job it read is unchanged since, or nothing is written."""
	kept = frappe.cache.get_value(_cache_key(plan_id))
	if not kept:
		frappe.throw(_("This plan has expired or does not exist; preview the day again"))
	plan, versions = kept["plan"], kept["versions"]
	for job, version in versions.items():
		current = frappe.db.get_value("Dispatch Job", job, "modified", for_update=True)
		if str(current) != version:
			with translated_errors():
				raise Conflict(
					mark("Job {job} changed after this plan was made; preview the day again"), job=job
				)
	changed = 0
	assigned = {}
	for route in plan["routes"]:
		for stop in route["stops"]:
			if stop["kind"] == "job":
				assigned.setdefault(stop["job"], {})["lead"] = (route["technician"], stop)
			elif stop["kind"] == "assist":
				assigned.setdefault(stop["job"], {})["assistant"] = route["technician"]
	for job_name in versions:
		doc = frappe.get_doc("Dispatch Job", job_name)
		if doc.status in UNDER_WAY or doc.locked:
			continue
		before = (doc.technician, str(doc.start_time or ""), [a.technician for a in doc.assistants])
		placement = assigned.get(job_name)
		if placement:
			technician, stop = placement["lead"]
			doc.technician = technician
			doc.start_time = get_datetime(stop["start"]).strftime("%H:%M")
			if placement.get("assistant"):
				doc.set("assistants", [{"technician": placement["assistant"]}])
		elif job_name in {u["job"] for u in plan["unassigned"] if u.get("planned")}:
			doc.technician = None
			doc.start_time = None
		if before == (doc.technician, str(doc.start_time or ""), [a.technician for a in doc.assistants]):
			continue
		doc.flags.from_day_plan = True
		doc.save()
		changed += 1
	frappe.cache.delete_value(_cache_key(plan_id))
	return {"date": plan["date"], "jobs_changed": changed}


def serialise(plan: day_planner.DayPlan, day: date, warnings: list[str], unplaceable: dict[str, str]) -> dict:
	names = dict(frappe.get_all("Dispatch Technician", fields=["name", "technician_name"], as_list=True))
	routes = []
	for technician, route in plan.routes.items():
		routes.append(
			{
				"technician": technician,
				"technician_name": names.get(technician, technician),
				"depart": route.depart.isoformat(),
				"return_home": route.return_home.isoformat(),
				"travel_minutes": round(route.travel_s / 60),
				"travel_km": round(route.travel_m / 1000, 1),
				"stops": [
					{
						"job": stop.job,
						"kind": stop.kind,
						"arrival": stop.arrival.isoformat(),
						"start": stop.start.isoformat(),
						"end": stop.end.isoformat(),
						"travel_minutes": round(stop.travel_s / 60),
						"kept": stop.kept,
					}
					for stop in route.stops
				],
			}
		)
	left_out = list(plan.unassigned) + list(unplaceable)
	subjects = dict(
		frappe.get_all(
			"Dispatch Job",
			filters={"name": ("in", left_out or [""])},
			fields=["name", "subject"],
			as_list=True,
		)
	)
	unassigned = [
		{
			"job": job,
			"subject": subjects.get(job, ""),
			"reason": translate_message(u.message, u.params, names),
			"planned": True,  # left out by the planner: applying the plan unassigns it
		}
		for job, u in plan.unassigned.items()
	] + [
		{"job": job, "subject": subjects.get(job, ""), "reason": reason, "planned": False}
		for job, reason in unplaceable.items()
	]
	return {
		"date": str(day),
		"routes": routes,
		"unassigned": unassigned,
		"warnings": warnings,
		"travel_minutes": round(plan.travel_s / 60),
		"travel_km": round(plan.travel_m / 1000, 1),
		"solve_seconds": round(plan.solve_seconds, 2),
	}


def _cache_key(plan_id: str) -> str:
	return f"gigafibre_fsm:day_plan:{plan_id}"


def _minutes(value) -> int | None:
	if value in (None, ""):
		return None
	t = work_schedule.parse_time(value)
	return t.hour * 60 + t.minute


def _now_if_today(day: date, tz: str) -> datetime | None:
	now = datetime.now(work_schedule.get_zone(tz))
	return now if now.date() == day else None
