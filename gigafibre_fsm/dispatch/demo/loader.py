"""Read a user's own export (CSV or JSON) into the planner's input.

Columns and JSON shape are documented in README.md. Every bad row is refused with its row
number (or JSON path) and the field at fault.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from gigafibre_fsm.dispatch.day_planner import LunchBreak, PlanJob, PlanTechnician
from gigafibre_fsm.dispatch.day_planner.model import PRIORITY_NAMES
from gigafibre_fsm.errors import InvalidInput, _

TECHNICIAN_FIELDS = [
	"name",
	"lat",
	"lon",
	"shift_start",
	"shift_end",
	"skills",
	"lunch_earliest",
	"lunch_latest",
	"lunch_minutes",
	"max_jobs",
	"timezone",
]
JOB_FIELDS = [
	"name",
	"lat",
	"lon",
	"duration_min",
	"earliest_start",
	"latest_start",
	"skills",
	"priority",
	"locked_technician",
	"locked_start",
	"needs_assistant",
	"status",
	"kind",
	"title",
]
CSV_COLUMNS = ["record", *dict.fromkeys(TECHNICIAN_FIELDS + JOB_FIELDS)]


@dataclass
class PlanInput:
	day: date
	timezone: str
	technicians: list[PlanTechnician]
	jobs: list[PlanJob]


class _Row:
	def __init__(self, where: str, data: dict, day: date, tz: ZoneInfo):
		self.where, self.data, self.day, self.tz = where, data, day, tz

	def raw(self, field):
		value = self.data.get(field)
		if isinstance(value, str):
			value = value.strip()
		return None if value in (None, "") else value

	def required(self, field):
		value = self.raw(field)
		if value is None:
			raise InvalidInput(_("Row {row}: the field {field} is required"), row=self.where, field=field)
		return value

	def number(self, field, required=True, integer=False):
		value = self.required(field) if required else self.raw(field)
		if value is None:
			return None
		try:
			number = float(value)
			if integer:
				if number != int(number):
					raise ValueError
				return int(number)
			return number
		except (TypeError, ValueError):
			raise InvalidInput(
				_("Row {row}: the field {field} must be a number (got {value})"),
				row=self.where,
				field=field,
				value=repr(value),
			)

	def when(self, field, required=False):
		value = self.required(field) if required else self.raw(field)
		if value is None:
			return None
		try:
			if isinstance(value, str) and len(value) <= 5 and ":" in value:
				h, m = value.split(":")
				return datetime.combine(self.day, time(int(h), int(m)), tzinfo=self.tz)
			dt = datetime.fromisoformat(str(value))
		except ValueError:
			raise InvalidInput(
				_("Row {row}: the field {field} must be a time HH:MM or an ISO 8601 date-time (got {value})"),
				row=self.where,
				field=field,
				value=repr(value),
			)
		return dt if dt.tzinfo else dt.replace(tzinfo=self.tz)

	def skills(self, field="skills"):
		value = self.raw(field)
		if value is None:
			return {}
		if isinstance(value, dict):
			pairs = list(value.items())
		else:
			pairs = []
			for part in str(value).replace(",", ";").split(";"):
				if not part.strip():
					continue
				tag, sep, level = part.partition(":")
				pairs.append((tag.strip(), level.strip() if sep else "1"))
		out = {}
		for tag, level in pairs:
			try:
				out[str(tag)] = int(level)
			except (TypeError, ValueError):
				raise InvalidInput(
					_(
						"Row {row}: the field {field} must list tag:level pairs such as fibre_splicing:3;ont_install:2 (got {value})"
					),
					row=self.where,
					field=field,
					value=repr(value),
				)
		return out

	def flag(self, field):
		value = self.raw(field)
		if value is None or isinstance(value, bool):
			return bool(value)
		text = str(value).lower()
		if text in ("1", "true", "yes", "oui", "y"):
			return True
		if text in ("0", "false", "no", "non", "n"):
			return False
		raise InvalidInput(
			_("Row {row}: the field {field} must be yes or no (got {value})"),
			row=self.where,
			field=field,
			value=repr(value),
		)

	def point(self):
		lat, lon = self.raw("lat"), self.raw("lon")
		if lat is None and lon is None:
			return None
		return (self.number("lat"), self.number("lon"))


def _technician(row: _Row) -> PlanTechnician:
	lunch = None
	if row.raw("lunch_earliest") is not None or row.raw("lunch_latest") is not None:
		lunch = LunchBreak(
			row.when("lunch_earliest", required=True),
			row.when("lunch_latest", required=True),
			row.number("lunch_minutes", required=False, integer=True) or 30,
		)
	return PlanTechnician(
		name=str(row.required("name")),
		home=row.point(),
		shift_start=row.when("shift_start", required=True),
		shift_end=row.when("shift_end", required=True),
		skills=row.skills(),
		lunch=lunch,
		max_jobs=row.number("max_jobs", required=False, integer=True),
		timezone=str(row.raw("timezone") or row.tz.key),
	)


def _job(row: _Row) -> PlanJob:
	priority = row.raw("priority")
	if priority is None:
		priority = 2
	elif isinstance(priority, str) and priority.lower() in PRIORITY_NAMES:
		priority = PRIORITY_NAMES[priority.lower()]
	else:
		priority = row.number("priority", integer=True)
	return PlanJob(
		name=str(row.required("name")),
		location=row.point(),
		duration_min=row.number("duration_min", integer=False),
		earliest_start=row.when("earliest_start"),
		latest_start=row.when("latest_start"),
		skills=row.skills(),
		priority=priority,
		locked_technician=row.raw("locked_technician"),
		locked_start=row.when("locked_start"),
		needs_assistant=row.flag("needs_assistant"),
		status=str(row.raw("status") or "scheduled"),
		kind=str(row.raw("kind") or ""),
		title=str(row.raw("title") or ""),
	)


def _zone(name: str) -> ZoneInfo:
	try:
		return ZoneInfo(name)
	except (ZoneInfoNotFoundError, ValueError):
		raise InvalidInput(_("Unknown time zone {zone}"), zone=name)


def load_plan_file(path: str | Path, day: date | None = None, timezone: str | None = None) -> PlanInput:
	"""Technicians and jobs from a CSV (one row per record) or JSON export.

	Times written HH:MM are on `day` (or the file's `date`, else today) in `timezone` (or the
	file's, else America/Toronto).
	"""
	path = Path(path)
	if not path.is_file():
		raise InvalidInput(_("File {path} not found"), path=str(path))
	text = path.read_text(encoding="utf-8-sig")
	if path.suffix.lower() == ".json":
		try:
			doc = json.loads(text)
		except json.JSONDecodeError as e:
			raise InvalidInput(_("{path} is not valid JSON: {error}"), path=str(path), error=str(e))
		if (
			not isinstance(doc, dict)
			or not isinstance(doc.get("technicians"), list)
			or not isinstance(doc.get("jobs"), list)
		):
			raise InvalidInput(
				_("{path} must hold an object with technicians and jobs lists"), path=str(path)
			)
		tz_name = timezone or doc.get("timezone") or "America/Toronto"
		tz = _zone(tz_name)
		try:
			day = day or (date.fromisoformat(doc["date"]) if doc.get("date") else date.today())
		except ValueError:
			raise InvalidInput(
				_("{path}: the date {value} is not YYYY-MM-DD"), path=str(path), value=doc["date"]
			)
		techs, jobs = [], []
		for i, item in enumerate(doc["technicians"]):
			row = _Row(f"technicians[{i}]", _flatten(item), day, tz)
			techs.append(_technician(row))
		for i, item in enumerate(doc["jobs"]):
			row = _Row(f"jobs[{i}]", _flatten(item), day, tz)
			jobs.append(_job(row))
		return PlanInput(day, tz_name, techs, jobs)
	tz_name = timezone or "America/Toronto"
	tz = _zone(tz_name)
	day = day or date.today()
	reader = csv.DictReader(text.splitlines())
	if not reader.fieldnames or "record" not in reader.fieldnames:
		raise InvalidInput(
			_("{path}: the first line must name the columns, starting with record"), path=str(path)
		)
	techs, jobs = [], []
	for n, data in enumerate(reader, start=2):
		row = _Row(str(n), data, day, tz)
		kind = (row.raw("record") or "").lower()
		if kind in ("technician", "tech"):
			techs.append(_technician(row))
		elif kind == "job":
			jobs.append(_job(row))
		else:
			raise InvalidInput(
				_("Row {row}: unknown record type {value} (use technician or job)"),
				row=row.where,
				value=repr(kind),
			)
	return PlanInput(day, tz_name, techs, jobs)


def _flatten(item) -> dict:
	if not isinstance(item, dict):
		return {}
	out = dict(item)
	for key in ("home", "location"):
		if isinstance(out.get(key), list | tuple) and len(out[key]) == 2:
			out["lat"], out["lon"] = out[key]
	lunch = out.get("lunch")
	if isinstance(lunch, dict):
		out.setdefault("lunch_earliest", lunch.get("earliest"))
		out.setdefault("lunch_latest", lunch.get("latest"))
		out.setdefault("lunch_minutes", lunch.get("minutes"))
	return out


def write_csv(path: str | Path, technicians: list[PlanTechnician], jobs: list[PlanJob]) -> None:
	"""Write technicians and jobs in the CSV layout `load_plan_file` reads (a template to start from)."""

	def hm(value):
		return value.strftime("%H:%M") if isinstance(value, datetime) else ("" if value is None else value)

	with open(path, "w", newline="", encoding="utf-8") as f:
		w = csv.DictWriter(f, fieldnames=CSV_COLUMNS)
		w.writeheader()
		for t in technicians:
			w.writerow(
				{
					"record": "technician",
					"name": t.name,
					"lat": t.home[0] if t.home else "",
					"lon": t.home[1] if t.home else "",
					"shift_start": hm(t.shift_start),
					"shift_end": hm(t.shift_end),
					"skills": ";".join(f"{k}:{v}" for k, v in t.skills.items()),
					"lunch_earliest": hm(t.lunch.earliest) if t.lunch else "",
					"lunch_latest": hm(t.lunch.latest) if t.lunch else "",
					"lunch_minutes": t.lunch.duration_min if t.lunch else "",
					"max_jobs": t.max_jobs or "",
					"timezone": t.timezone,
				}
			)
		for j in jobs:
			w.writerow(
				{
					"record": "job",
					"name": j.name,
					"lat": j.location[0] if j.location else "",
					"lon": j.location[1] if j.location else "",
					"duration_min": j.duration_min,
					"earliest_start": hm(j.earliest_start),
					"latest_start": hm(j.latest_start),
					"skills": ";".join(f"{k}:{v}" for k, v in j.skills.items()),
					"priority": j.priority,
					"locked_technician": j.locked_technician or "",
					"locked_start": hm(j.locked_start),
					"needs_assistant": "yes" if j.needs_assistant else "",
					"status": j.status,
					"kind": j.kind,
					"title": j.title,
				}
			)
