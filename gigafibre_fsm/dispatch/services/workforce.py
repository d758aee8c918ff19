"""Who works when: the technicians' schedules, extra shifts, absences, skills and booked jobs
of a day, loaded in a handful of queries and handed to the core as plain values."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import frappe
from frappe.utils import get_datetime

from gigafibre_fsm.dispatch import work_schedule

ACTIVE_JOB_STATUSES = ("Assigned", "En Route", "In Progress")


@dataclass
class TechnicianDay:
	name: str
	technician_name: str
	user: str | None
	phone: str | None
	home: tuple[float, float] | None
	time_zone: str
	skills: dict[str, int]
	free: list[tuple[datetime, datetime]]
	booked: list[work_schedule.BookedJob] = field(default_factory=list)


def children(doctype: str, parents: list[str], fields: list[str], **filters) -> dict[str, list]:
	rows = frappe.get_all(
		doctype, filters={"parent": ("in", parents or [""]), **filters}, fields=["parent", *fields]
	)
	by_parent: dict[str, list] = {}
	for row in rows:
		by_parent.setdefault(row.parent, []).append(row)
	return by_parent


def load_day(
	day: date, tz: str, with_booked_jobs: bool = False, exclude_job: str | None = None
) -> list[TechnicianDay]:
	"""Every active technician's working time on `day` (free intervals in `tz`)."""
	zone = work_schedule.get_zone(tz)
	techs = frappe.get_all(
		"Dispatch Technician",
		filters={"active": 1},
		fields=["name", "technician_name", "user", "phone", "home_latitude", "home_longitude", "time_zone"],
		order_by="name",
	)
	names = [t.name for t in techs]
	weekly = children("Dispatch Weekly Shift", names, ["weekday", "start_time", "end_time"])
	extra = children("Dispatch Extra Shift", names, ["shift_date", "start_time", "end_time"], shift_date=day)
	skills = children("Dispatch Technician Skill", names, ["tag", "level"])
	day_start, day_end = get_datetime(f"{day} 00:00:00"), get_datetime(f"{day} 23:59:59")
	absences: dict[str, list] = {}
	for row in frappe.get_all(
		"Dispatch Technician Absence",
		filters={
			"technician": ("in", names or [""]),
			"from_datetime": ("<=", day_end),
			"to_datetime": (">=", day_start),
		},
		fields=["technician", "from_datetime", "to_datetime"],
	):
		absences.setdefault(row.technician, []).append(
			work_schedule.Absence(
				row.from_datetime.replace(tzinfo=zone), row.to_datetime.replace(tzinfo=zone)
			)
		)
	booked = booked_jobs(day, zone, exclude_job) if with_booked_jobs else {}
	result = []
	for tech in techs:
		free = work_schedule.free_intervals(
			work_schedule.weekly_shifts_from_rows(
				{"weekday": r.weekday, "start": r.start_time, "end": r.end_time}
				for r in weekly.get(tech.name, [])
			),
			[
				work_schedule.ExtraShift(
					r.shift_date, work_schedule.parse_time(r.start_time), work_schedule.parse_time(r.end_time)
				)
				for r in extra.get(tech.name, [])
			],
			absences.get(tech.name, []),
			[],
			day,
			day,
			zone,
		)
		result.append(
			TechnicianDay(
				name=tech.name,
				technician_name=tech.technician_name,
				user=tech.user,
				phone=tech.phone,
				home=(tech.home_latitude, tech.home_longitude)
				if tech.home_latitude or tech.home_longitude
				else None,
				time_zone=tech.time_zone or tz,
				skills={r.tag: r.level for r in skills.get(tech.name, [])},
				free=free,
				booked=booked.get(tech.name, []),
			)
		)
	return result


def booked_jobs(day: date, zone, exclude_job: str | None = None) -> dict[str, list[work_schedule.BookedJob]]:
	"""The day's jobs already held by each technician (as lead or assistant), with their times."""
	jobs = frappe.get_all(
		"Dispatch Job",
		filters={
			"scheduled_date": day,
			"status": ("in", ACTIVE_JOB_STATUSES),
			"name": ("!=", exclude_job or ""),
		},
		fields=["name", "technician", "start_time", "duration_minutes", "latitude", "longitude"],
	)
	assistants = children("Dispatch Job Assistant", [j.name for j in jobs], ["technician"])
	by_tech: dict[str, list] = {}
	for job in jobs:
		if not job.start_time:
			continue  # a job without a time blocks no particular slot
		start = datetime.combine(day, work_schedule.parse_time(job.start_time), tzinfo=zone)
		booked = work_schedule.BookedJob(
			job.name,
			start,
			start + timedelta(minutes=job.duration_minutes or 60),
			(job.latitude, job.longitude) if job.latitude or job.longitude else None,
		)
		for tech in [job.technician, *(a.technician for a in assistants.get(job.name, []))]:
			if tech:
				by_tech.setdefault(tech, []).append(booked)
	return by_tech
