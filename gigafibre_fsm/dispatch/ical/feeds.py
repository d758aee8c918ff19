"""iCalendar output: a technician's subscribable feed and a customer's appointment file."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event, vCalAddress, vDuration, vText

from gigafibre_fsm.dispatch.work_schedule import get_zone
from gigafibre_fsm.errors import InvalidInput, _

UTC = timezone.utc
PRODID = "-//Gigafibre//Gigafibre FSM//EN"
DEFAULT_TZ = "America/Toronto"
# How often subscribed clients should poll; Google ignores it (it polls every few hours).
REFRESH = timedelta(minutes=15)

# icalendar >= 6.1 writes VTIMEZONEs from zoneinfo; with an older one, times are written in UTC,
# which every client accepts (it only loses the zone name in the event's details).
_CAN_WRITE_VTIMEZONE = hasattr(Calendar, "add_missing_timezones")

_STATUSES = {"confirmed": "CONFIRMED", "tentative": "TENTATIVE", "cancelled": "CANCELLED"}


@dataclass(frozen=True)
class CalendarJob:
	"""A job as a calendar shows it. `name` (the Dispatch Job name) makes the UID, so an edited
	or cancelled job updates the same event. Times are aware datetimes."""

	name: str
	summary: str
	start: datetime
	end: datetime
	location: str = ""
	description: str = ""
	status: str = "confirmed"  # confirmed | tentative | cancelled
	sequence: int = 0  # bump on each change so clients replace their copy
	modified: datetime | None = None
	url: str = ""
	geo: tuple[float, float] | None = None


@dataclass(frozen=True)
class Company:
	"""Who the customer's appointment is with."""

	name: str
	email: str = ""
	phone: str = ""
	website: str = ""
	uid_domain: str = "gigafibre.ca"


def _aware(value: datetime, what: str) -> datetime:
	if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
		raise InvalidInput(
			_("{what} must be a date and time with a time zone, got {value}"), what=what, value=str(value)
		)
	return value


def job_uid(job_name: str, uid_domain: str = "gigafibre.ca") -> str:
	"""The stable UID of a job's event (RFC 5545 asks for a globally unique, persistent id)."""
	return f"{job_name}@{uid_domain}"


def _check_job(job: CalendarJob) -> None:
	_aware(job.start, _("Start"))
	_aware(job.end, _("End"))
	if job.end <= job.start:
		raise InvalidInput(
			_("Job {job} ends at {end}, which is not after its start {start}"),
			job=job.name,
			start=job.start.isoformat(),
			end=job.end.isoformat(),
		)
	if job.status not in _STATUSES:
		raise InvalidInput(
			_("Unknown calendar status {status}: use confirmed, tentative or cancelled"),
			status=str(job.status),
		)


def _event(
	job: CalendarJob, zone: ZoneInfo, stamp: datetime, uid_domain: str, summary: str, description: str
) -> Event:
	event = Event()
	event.add("uid", job_uid(job.name, uid_domain))
	event.add("dtstamp", stamp)
	# TZID=America/Toronto with a VTIMEZONE: Apple and Outlook need the VTIMEZONE, Google
	# reads the IANA name; both then show the job at the right local time across DST.
	zone_or_utc = zone if _CAN_WRITE_VTIMEZONE else UTC
	event.add("dtstart", job.start.astimezone(zone_or_utc))
	event.add("dtend", job.end.astimezone(zone_or_utc))
	event.add("summary", summary)
	if job.location:
		event.add("location", job.location)
	if description:
		event.add("description", description)
	event.add("status", _STATUSES[job.status])
	event.add("sequence", job.sequence)
	if job.modified is not None:
		event.add("last-modified", _aware(job.modified, _("Last modified")).astimezone(UTC))
	if job.url:
		event.add("url", job.url)
	if job.geo is not None:
		event.add("geo", job.geo)
	if job.status == "cancelled":
		# a cancelled job should not show the technician (or customer) as busy
		event.add("transp", "TRANSPARENT")
	return event


def _calendar(name: str | None, zone: ZoneInfo) -> Calendar:
	cal = Calendar()
	cal.add("prodid", PRODID)
	cal.add("version", "2.0")
	cal.add("calscale", "GREGORIAN")
	cal.add("method", "PUBLISH")
	if name:
		cal.add("name", name)  # RFC 7986
		cal.add("x-wr-calname", name)  # Apple, Google, Outlook
	cal.add("x-wr-timezone", zone.key)
	return cal


def _finish(cal: Calendar, zone: ZoneInfo, jobs: list[CalendarJob]) -> bytes:
	if jobs and _CAN_WRITE_VTIMEZONE:
		first = min(j.start.astimezone(zone).date() for j in jobs)
		last = max(j.end.astimezone(zone).date() for j in jobs)
		# bounded VTIMEZONE: the transitions around the feed's jobs, not fifty years of them
		cal.add_missing_timezones(
			first_date=date(first.year - 1, 1, 1), last_date=date(min(last.year + 2, 9999), 1, 1)
		)
	return cal.to_ical()


def technician_feed(
	technician_name: str,
	jobs: Iterable[CalendarJob],
	calendar_name: str,
	tz=DEFAULT_TZ,
	now: datetime | None = None,
	uid_domain: str = "gigafibre.ca",
) -> bytes:
	"""A technician's jobs as a subscribable iCalendar feed (text/calendar bytes).

	`calendar_name` is the title clients show (the technician's name if empty). One VEVENT per job with a UID stable per job, DTSTAMP (`now`, UTC), DTSTART/DTEND in `tz`
	with a VTIMEZONE, LOCATION, DESCRIPTION, STATUS (CANCELLED for cancelled jobs, which also
	stop showing as busy) and SEQUENCE. Cancelled jobs stay in the feed so that subscribed
	clients remove or strike them instead of keeping a stale copy.
	"""
	zone = get_zone(tz)
	stamp = (
		_aware(now, _("The current time")).astimezone(UTC)
		if now is not None
		else datetime.now(UTC).replace(microsecond=0)
	)
	jobs = sorted(jobs, key=lambda j: (_aware(j.start, _("Start")).astimezone(UTC), j.name))
	cal = _calendar(calendar_name or technician_name, zone)
	cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
	cal.add("x-published-ttl", vDuration(REFRESH).to_ical().decode())  # Outlook's name for it
	for job in jobs:
		_check_job(job)
		cal.add_component(_event(job, zone, stamp, uid_domain, job.summary, job.description))
	return _finish(cal, zone, jobs)


APPOINTMENT_SUMMARY = _("Technician visit - {company}")
APPOINTMENT_CONTACT = _("Questions or changes: {phone}")


def appointment_ics(
	job: CalendarJob,
	company: Company,
	tz=DEFAULT_TZ,
	now: datetime | None = None,
	translate: Callable[[str], str] | None = None,
) -> bytes:
	"""A customer's appointment as an .ics file to attach to an email or offer as a download.

	METHOD:PUBLISH (not REQUEST): the customer adds it to their calendar without an RSVP
	workflow. The summary and contact line are translatable templates (`translate` is the
	shell's `_` for the customer's language); the job's own summary goes into the description.
	"""
	_check_job(job)
	zone = get_zone(tz)
	translate = translate or (lambda s: s)
	stamp = (
		_aware(now, _("The current time")).astimezone(UTC)
		if now is not None
		else datetime.now(UTC).replace(microsecond=0)
	)
	summary = translate(APPOINTMENT_SUMMARY).format(company=company.name)
	lines = [line for line in (job.summary, job.description) if line]
	if company.phone:
		lines.append(translate(APPOINTMENT_CONTACT).format(phone=company.phone))
	if company.website:
		lines.append(company.website)
	cal = _calendar(None, zone)
	event = _event(job, zone, stamp, company.uid_domain, summary, "\n".join(lines))
	if company.email:
		organizer = vCalAddress(f"mailto:{company.email}")
		organizer.params["cn"] = vText(company.name)
		event.add("organizer", organizer)
	cal.add_component(event)
	return _finish(cal, zone, [job])
