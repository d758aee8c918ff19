"""Who can take this one job now: the core's ranking, fed from the site's documents."""

from datetime import datetime, timedelta

import frappe
from frappe import _
from frappe.utils import getdate

from gigafibre_fsm.dispatch import best_technician, work_schedule
from gigafibre_fsm.dispatch.services import workforce
from gigafibre_fsm.dispatch.services.settings import (
	dispatch_settings,
	dispatch_time_zone,
	travel_time_provider,
)
from gigafibre_fsm.services.core_errors import translate_message, translated_errors


def travel_function(provider):
	"""The core's `travel(a, b) -> timedelta`, memoised: a ranking asks for the same legs often."""
	cache: dict = {}

	def travel(a, b) -> timedelta:
		key = (tuple(a), tuple(b))
		if key not in cache:
			cache[key] = timedelta(seconds=provider.matrix([tuple(a), tuple(b)])[0][1])
		return cache[key]

	return travel


def rank_for_job(job_name: str) -> dict:
	"""The technicians who can take `job_name`, best first, and why each other one cannot."""
	job = frappe.get_doc("Dispatch Job", job_name)
	job.check_permission("read")
	if not job.scheduled_date or not job.start_time:
		frappe.throw(_("Give the job a date and a start time before looking for a technician"))
	settings = dispatch_settings()
	tz = dispatch_time_zone(settings)
	zone = work_schedule.get_zone(tz)
	day = getdate(job.scheduled_date)
	start = datetime.combine(day, work_schedule.parse_time(job.start_time), tzinfo=zone)
	request = best_technician.JobRequest(
		name=job.name,
		tags=[best_technician.RequiredTag(t.tag, t.level, bool(t.required)) for t in job.required_tags],
		start=start,
		end=start + timedelta(minutes=job.duration_minutes or 60),
		location=(job.latitude, job.longitude) if job.latitude or job.longitude else None,
	)
	people = workforce.load_day(day, tz, with_booked_jobs=True, exclude_job=job.name)
	profiles = [
		best_technician.TechnicianProfile(
			name=t.name, skills=t.skills, home=t.home, active=True, free=t.free, booked=t.booked
		)
		for t in people
	]
	with translated_errors():
		ranking = best_technician.rank_technicians(
			request, profiles, travel_function(travel_time_provider(settings))
		)
	names = {t.name: t.technician_name for t in people}
	return {
		"job": job.name,
		"ranked": [
			{
				"technician": c.technician,
				"technician_name": names.get(c.technician, c.technician),
				"skill_surplus": c.skill_surplus,
				"travel_minutes": round(c.travel_from_previous.total_seconds() / 60),
				"travel_from": c.travel_from,
				"previous_job": c.previous_job,
				"workload_minutes": c.workload_minutes,
				"preferred_matched": c.preferred_matched,
			}
			for c in ranking.ranked
		],
		"excluded": [
			{
				"technician": technician,
				"technician_name": names.get(technician, technician),
				"code": e.code,
				"reason": translate_message(e.message, e.params, names),
			}
			for technician, e in ranking.excluded.items()
		],
	}
