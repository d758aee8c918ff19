"""Load the demo day (40-odd technicians, 300 jobs around Montréal and the Laurentides) into a
site, so that the board, the planner and `bench gigafibre plan-day` can be tried on real
documents. The same data `make demo` plans without a site."""

from datetime import date

import frappe
from frappe import _

from gigafibre_fsm.dispatch.demo import demo_day
from gigafibre_fsm.dispatch.demo.data import TAGS

PRIORITIES = {1: "Low", 2: "Medium", 3: "High", 4: "Urgent"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def _hhmm(moment) -> str | None:
	return moment.strftime("%H:%M") if moment is not None else None


def load(day: date, technicians: int = 42, jobs: int = 300) -> dict:
	"""Create the demo's tags, technicians (if missing) and jobs on `day`; refuse a day that has jobs."""
	if frappe.db.exists("Dispatch Job", {"scheduled_date": day}):
		frappe.throw(_("{0} already has jobs; load the demo on another day").format(day))
	demo = demo_day(technicians=technicians, jobs=jobs, day=day)
	for tag in TAGS:
		if not frappe.db.exists("Dispatch Tag", tag):
			frappe.get_doc({"doctype": "Dispatch Tag", "tag_name": tag}).insert(ignore_permissions=True)
	names = {}
	for tech in demo.technicians:
		existing = frappe.db.get_value("Dispatch Technician", {"technician_name": tech.name})
		if existing:
			names[tech.name] = existing
			continue
		doc = frappe.get_doc(
			{
				"doctype": "Dispatch Technician",
				"technician_name": tech.name,
				"home_latitude": tech.home[0],
				"home_longitude": tech.home[1],
				"time_zone": demo.timezone,
				"skills": [{"tag": tag, "level": level} for tag, level in tech.skills.items()],
				"weekly_schedule": [
					{
						"weekday": weekday,
						"start_time": _hhmm(tech.shift_start),
						"end_time": _hhmm(tech.shift_end),
					}
					for weekday in WEEKDAYS
				],
			}
		).insert(ignore_permissions=True)
		names[tech.name] = doc.name
	for job in demo.jobs:
		frappe.get_doc(
			{
				"doctype": "Dispatch Job",
				"subject": job.title,
				"job_type": job.kind,
				"scheduled_date": day,
				"latitude": job.location[0],
				"longitude": job.location[1],
				"duration_minutes": job.duration_min,
				"window_start": _hhmm(job.earliest_start),
				"window_end": _hhmm(job.latest_start),
				"priority": PRIORITIES.get(job.priority, "Medium"),
				"needs_assistant": job.needs_assistant,
				"required_tags": [{"tag": tag, "level": level} for tag, level in job.skills.items()],
				"technician": names.get(job.locked_technician),
				"start_time": _hhmm(job.locked_start),
				"locked": 1 if job.locked_technician else 0,
			}
		).insert(ignore_permissions=True)
	return {"technicians": len(names), "jobs": len(demo.jobs)}
