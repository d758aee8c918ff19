"""Repeating jobs: a Dispatch Job Series, and one Dispatch Job per occurrence over a rolling horizon.

The core (`dispatch.recurrence`) decides which occurrences exist, what "this one / this and
following / all" does to a series, and which jobs to create, move or delete; this module loads
the series and its jobs, and saves. A job is keyed by its series and the day of its occurrence
(`occurrence_key`, unique in the database), so an occurrence is never created twice, even by two
workers at once. A job moved or resized on its own stays where it was put.
"""

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import frappe
from frappe import _
from frappe.database.database import savepoint
from frappe.utils import getdate

from gigafibre_fsm.dispatch import recurrence, work_schedule
from gigafibre_fsm.dispatch.services.settings import dispatch_settings, dispatch_zone
from gigafibre_fsm.services.core_errors import translated_errors

SERIES = "Dispatch Job Series"
GENERATE_JOB = "gigafibre_fsm.dispatch.services.recurring_jobs.generate_series"
# Jobs the series may still move, change or delete; the others are left as they are.
EDITABLE_STATUSES = ("Open", "Assigned")
# What every job of a series starts from; "this and following" / "all" edits change them too.
DETAIL_FIELDS = (
	"subject", "job_type", "priority", "technician", "needs_assistant", "customer", "service_location",
	"latitude", "longitude", "window_start", "window_end", "notes",
)  # fmt: skip
SCHEDULE_FIELDS = (
	"scheduled_date",
	"start_time",
	"duration_minutes",
	"recurrence_rule",
	"recurrence_exceptions",
)
SCOPES = ("this", "following", "all")
DEFAULT_HORIZON_WEEKS = 8


def occurrence_key(series: str, day) -> str:
	return f"{series}/{getdate(day).isoformat()}"


def _hhmm(value) -> str:
	return work_schedule.parse_time(value).strftime("%H:%M")


def _today(zone) -> date:
	return datetime.now(zone).date()


def horizon(zone, today: date | None = None, settings=None) -> tuple[datetime, datetime]:
	"""[today 00:00, today + the setting's weeks) in the dispatch time zone."""
	settings = settings or dispatch_settings()
	weeks = settings.get("recurrence_horizon_weeks") or DEFAULT_HORIZON_WEEKS
	start = datetime.combine(today or _today(zone), time(0), tzinfo=zone)
	return start, start + timedelta(weeks=max(1, int(weeks)))


def core_series(doc, zone=None) -> recurrence.RecurringSeries:
	"""The series document as the core's RecurringSeries (no overrides)."""
	zone = zone or dispatch_zone()
	with translated_errors():
		start = datetime.combine(
			getdate(doc.start_date), work_schedule.parse_time(doc.start_time), tzinfo=zone
		)
		return recurrence.series_from_values(
			doc.recurrence_rule,
			start,
			doc.duration_minutes or 0,
			recurrence.parse_skipped_dates(doc.recurrence_exceptions),
		)


def _existing(doc, from_day: date, zone) -> tuple[list[recurrence.ExistingJob], dict[date, str]]:
	"""The series' jobs whose occurrence day is `from_day` or later, and their names by day."""
	rows = frappe.get_all(
		"Dispatch Job",
		filters={"recurring_series": doc.name, "occurrence_date": (">=", from_day)},
		fields=[
			"name",
			"occurrence_date",
			"scheduled_date",
			"start_time",
			"duration_minutes",
			"status",
			"locked",
		],
		order_by="occurrence_date asc",
	)
	today = _today(zone)
	jobs, names = [], {}
	for row in rows:
		day = getdate(row.occurrence_date)
		when = work_schedule.parse_time(row.start_time or doc.start_time)
		start = datetime.combine(getdate(row.scheduled_date or day), when, tzinfo=zone)
		editable = (
			row.status in EDITABLE_STATUSES and not row.locked and getdate(row.scheduled_date or day) >= today
		)
		jobs.append(
			recurrence.ExistingJob(day, start, timedelta(minutes=row.duration_minutes or 0), editable)
		)
		names[day] = row.name
	return jobs, names


def current_series(doc, zone=None, from_day: date | None = None, follow=()) -> recurrence.RecurringSeries:
	"""The series with its jobs moved or resized on their own read back as overrides."""
	zone = zone or dispatch_zone()
	jobs, _names = _existing(doc, from_day or _today(zone), zone)
	with translated_errors():
		return recurrence.with_job_overrides(core_series(doc, zone), jobs, follow)


# -- creating a series from a job ----------------------------------------------------------------


def start_series(job) -> str:
	"""A job saved with a repeat rule becomes the first job of a new series; returns its name."""
	start_time = job.start_time or job.window_start or "08:00"
	series = frappe.get_doc(
		{
			"doctype": SERIES,
			**{field: job.get(field) for field in DETAIL_FIELDS},
			"recurrence_rule": job.recurrence_rule,
			"recurrence_exceptions": job.recurrence_exceptions,
			"start_date": job.scheduled_date,
			"start_time": _hhmm(start_time),
			"duration_minutes": job.duration_minutes,
			"required_tags": [
				{"tag": row.tag, "level": row.level, "required": row.required} for row in job.required_tags
			],
		}
	)
	series.flags.from_job = True
	series.insert(ignore_permissions=True)
	job.recurring_series = series.name
	job.occurrence_date = getdate(job.scheduled_date)
	job.occurrence_key = occurrence_key(series.name, job.scheduled_date)
	job.recurrence_rule = series.recurrence_rule
	job.recurrence_exceptions = series.recurrence_exceptions
	return series.name


def enqueue_generation(series: str, after_commit: bool = True) -> None:
	frappe.enqueue(
		GENERATE_JOB,
		queue="default",
		job_id=f"dispatch_job_series:{series}",
		deduplicate=True,
		enqueue_after_commit=after_commit,
		series=series,
	)


# -- generating and keeping the jobs in step -----------------------------------------------------


def enqueue_series_generation() -> int:
	"""Scheduler (daily): one background job per series whose jobs do not reach the horizon yet."""
	zone = dispatch_zone()
	_start, end = horizon(zone)
	last_day = end.date() - timedelta(days=1)
	names = frappe.get_all(
		SERIES,
		filters={"start_date": ("<=", last_day)},
		or_filters=[["generated_until", "is", "not set"], ["generated_until", "<", last_day]],
		pluck="name",
	)
	for name in names:
		enqueue_generation(name, after_commit=False)
	return len(names)


def generate_series(series: str) -> dict:
	"""Background job: create the series' missing jobs up to the horizon (idempotent)."""
	if not frappe.db.exists(SERIES, series):
		return {"created": 0, "moved": 0, "deleted": 0}
	doc = frappe.get_doc(SERIES, series)
	return sync(doc)


def sync(
	doc,
	series: recurrence.RecurringSeries | None = None,
	details: dict | None = None,
	details_from: date | None = None,
	zone=None,
	today: date | None = None,
) -> dict:
	"""Make the series' jobs match it over the horizon; returns how many were created/moved/deleted.

	`series` is the core's view of it (with overrides); without it, it is read from the document
	and the jobs. `details` are values to write on every editable job whose occurrence day is
	`details_from` or later (an edit of "this and following" or "all").
	"""
	zone = zone or dispatch_zone()
	start, end = horizon(zone, today)
	jobs, names = _existing(doc, start.date(), zone)
	if series is None:
		with translated_errors():
			series = recurrence.with_job_overrides(core_series(doc, zone), jobs)
	with translated_errors():
		plan = recurrence.reconcile(series, start, end, jobs)
	created = 0
	frappe.flags.dispatch_series_sync = True
	try:
		for occurrence in plan.create:
			created += _create_job(doc, occurrence, zone)
		for day, occurrence in plan.move:
			job = frappe.get_doc("Dispatch Job", names[day])
			local = occurrence.start.astimezone(zone)
			job.scheduled_date = local.date()
			job.start_time = local.strftime("%H:%M")
			job.duration_minutes = occurrence.duration // timedelta(minutes=1)
			job.save(ignore_permissions=True)
		for day in plan.delete:
			frappe.delete_doc("Dispatch Job", names[day], ignore_permissions=True)
		if details:
			_write_details(doc, details, details_from or start.date(), zone)
	finally:
		frappe.flags.dispatch_series_sync = False
	_mirror_rule(doc, start.date())
	doc.db_set("generated_until", end.date() - timedelta(days=1), update_modified=False)
	return {"created": created, "moved": len(plan.move), "deleted": len(plan.delete)}


def _create_job(doc, occurrence: recurrence.Occurrence, zone) -> int:
	local = occurrence.start.astimezone(zone)
	day = occurrence.original_start.astimezone(zone).date()
	key = occurrence_key(doc.name, day)
	if frappe.db.exists("Dispatch Job", {"occurrence_key": key}):
		return 0
	job = frappe.get_doc(
		{
			"doctype": "Dispatch Job",
			**{field: doc.get(field) for field in DETAIL_FIELDS},
			"status": "Open",
			"scheduled_date": local.date(),
			"start_time": local.strftime("%H:%M"),
			"duration_minutes": occurrence.duration // timedelta(minutes=1),
			"recurring_series": doc.name,
			"occurrence_date": day,
			"occurrence_key": key,
			"recurrence_rule": doc.recurrence_rule,
			"recurrence_exceptions": doc.recurrence_exceptions,
			"required_tags": [
				{"tag": row.tag, "level": row.level, "required": row.required} for row in doc.required_tags
			],
		}
	)
	inserted = False
	# the unique key is the guarantee: another worker may have made it since the check above
	with savepoint(catch=(frappe.DuplicateEntryError, frappe.UniqueValidationError)):
		job.insert(ignore_permissions=True)
		inserted = True
	return int(inserted)


def _write_details(doc, details: dict, from_day: date, zone) -> None:
	for name in frappe.get_all(
		"Dispatch Job",
		filters={
			"recurring_series": doc.name,
			"occurrence_date": (">=", from_day),
			"status": ("in", EDITABLE_STATUSES),
			"scheduled_date": (">=", _today(zone)),
		},
		pluck="name",
	):
		job = frappe.get_doc("Dispatch Job", name)
		job.update(details)
		job.save(ignore_permissions=True)


def _mirror_rule(doc, from_day: date) -> None:
	"""The series' rule and skipped dates, shown on its jobs from `from_day` on."""
	job = frappe.qb.DocType("Dispatch Job")
	(
		frappe.qb.update(job)
		.set(job.recurrence_rule, doc.recurrence_rule)
		.set(job.recurrence_exceptions, doc.recurrence_exceptions)
		.where((job.recurring_series == doc.name) & (job.occurrence_date >= from_day))
	).run()


# -- editing: this one, this and following, all ----------------------------------------------------


def _store(doc, series: recurrence.RecurringSeries, zone) -> None:
	start = series.dtstart.astimezone(zone)
	doc.recurrence_rule = series.rule
	doc.start_date = start.date()
	doc.start_time = start.strftime("%H:%M")
	doc.duration_minutes = series.duration // timedelta(minutes=1)
	doc.recurrence_exceptions = recurrence.format_skipped_dates(series.exdates)


def edit_job(job_name: str, scope: str, changes: dict, expected_modified: str | None = None) -> dict:
	"""Change a job of a series: only this one, this one and the following ones, or all of them.

	`changes` are Dispatch Job fields (details, date, start time, duration, repeat rule, skipped
	dates). For "following" and "all", a new date or time moves the series' start by as much, the
	details go to every job still open from there on, and jobs are created, moved or deleted to
	match; a job moved on its own keeps its place. "following" splits the series in two.
	"""
	if scope not in SCOPES:
		frappe.throw(_("Apply the change to this job, to this and the following jobs, or to all jobs"))
	allowed = set(DETAIL_FIELDS) | set(SCHEDULE_FIELDS)
	changes = {k: v for k, v in (changes or {}).items() if k in allowed}
	job = frappe.get_doc("Dispatch Job", job_name)
	job.check_permission("write")
	if expected_modified and str(job.modified) != str(expected_modified):
		frappe.throw(
			_("Someone else changed job {0} a moment ago; reload and try again").format(job.name),
			frappe.TimestampMismatchError,
		)
	if scope == "this" or not job.recurring_series:
		job.update(changes)
		job.save()
		return {"job": job.name, "series": job.recurring_series, "scope": "this"}

	zone = dispatch_zone()
	doc = frappe.get_doc(SERIES, job.recurring_series)
	doc.check_permission("write")
	frappe.db.get_value(SERIES, doc.name, "name", for_update=True)  # one edit of a series at a time
	day = getdate(job.occurrence_date)
	before = current_series(doc, zone, min(day, _today(zone)), follow=[day])
	core_changes = {}
	with translated_errors():
		if "recurrence_exceptions" in changes:
			before = replace(
				before, exdates=tuple(recurrence.parse_skipped_dates(changes["recurrence_exceptions"]))
			)
		original = recurrence.occurrence_start(before, day)
		if original is None:
			frappe.throw(_("Job {0} is no longer an occurrence of its series").format(job.name))
		if "recurrence_rule" in changes:
			core_changes["rule"] = changes["recurrence_rule"]
		if changes.get("duration_minutes") not in (None, ""):
			core_changes["duration"] = timedelta(minutes=int(changes["duration_minutes"]))
		if changes.get("start_time") or changes.get("scheduled_date"):
			shift = getdate(changes.get("scheduled_date") or job.scheduled_date) - getdate(job.scheduled_date)
			base = before.dtstart if scope == "all" else original
			when = work_schedule.parse_time(
				changes.get("start_time") or base.astimezone(zone).strftime("%H:%M")
			)
			core_changes["dtstart"] = datetime.combine(
				base.astimezone(zone).date() + shift, when, tzinfo=zone
			)
		old, new = (
			(None, recurrence.edit_series(before, core_changes))
			if scope == "all"
			else recurrence.split_series(before, original, core_changes)
		)
		recurrence.validate_job_rule(new.rule, new.dtstart)
	details = {k: v for k, v in changes.items() if k in DETAIL_FIELDS}
	if old is None:
		_store(doc, new, zone)
		doc.update(details)
		doc.flags.from_edit = True
		doc.save()
		result = sync(doc, new, details, day if scope == "following" else None, zone)
		return {"job": job.name, "series": doc.name, "scope": scope, **result}

	_store(doc, old, zone)
	doc.flags.from_edit = True
	doc.save()
	following = frappe.copy_doc(doc)
	_store(following, new, zone)
	following.update(details)
	following.flags.from_edit = True
	following.insert()
	for name, occurrence_date in frappe.get_all(
		"Dispatch Job",
		filters={"recurring_series": doc.name, "occurrence_date": (">=", day)},
		fields=["name", "occurrence_date"],
		as_list=True,
	):
		frappe.db.set_value(
			"Dispatch Job",
			name,
			{
				"recurring_series": following.name,
				"occurrence_key": occurrence_key(following.name, occurrence_date),
			},
			update_modified=False,
		)
	sync(doc, old, zone=zone)
	result = sync(following, new, details, day, zone)
	return {"job": job.name, "series": following.name, "previous_series": doc.name, "scope": scope, **result}


def series_changed(doc) -> None:
	"""The series' own form was saved: its rule, start, length, skipped dates or details changed
	for all its jobs (an edit of "all"); keep the jobs in step."""
	before = doc.get_doc_before_save()
	if before is None:
		return
	zone = dispatch_zone()
	with translated_errors():
		old = recurrence.with_job_overrides(
			core_series(before, zone), _existing(before, _today(zone), zone)[0]
		)
		old = replace(old, exdates=tuple(recurrence.parse_skipped_dates(doc.recurrence_exceptions)))
		new = recurrence.edit_series(
			old,
			{
				"rule": doc.recurrence_rule,
				"dtstart": core_series(doc, zone).dtstart,
				"duration": timedelta(minutes=doc.duration_minutes or 0),
			},
		)
	details = {f: doc.get(f) for f in DETAIL_FIELDS if str(doc.get(f) or "") != str(before.get(f) or "")}
	sync(doc, new, details, zone=zone)


def job_deleted(job) -> None:
	"""A job of a series was deleted by hand: its day becomes a skipped date, so it is not made again."""
	if frappe.flags.get("dispatch_series_sync") or not job.recurring_series or not job.occurrence_date:
		return
	if not frappe.db.exists(SERIES, job.recurring_series):
		return
	doc = frappe.get_doc(SERIES, job.recurring_series)
	series = core_series(doc)
	original = recurrence.occurrence_start(series, getdate(job.occurrence_date))
	if original is None:
		return
	with translated_errors():
		series = recurrence.edit_occurrence(series, original, {"cancelled": True})
	doc.recurrence_exceptions = recurrence.format_skipped_dates(series.exdates)
	doc.flags.from_edit = True
	doc.save(ignore_permissions=True)
	_mirror_rule(doc, _today(dispatch_zone()))
