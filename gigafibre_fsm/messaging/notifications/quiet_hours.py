"""Quiet hours: no automatic text at night, except what cannot wait."""

from datetime import datetime, time, timedelta, tzinfo

from gigafibre_fsm.errors import InvalidInput, _
from gigafibre_fsm.messaging.notifications.events import IGNORE_QUIET_HOURS


def quiet_until(moment: datetime, start: time | None, end: time | None, zone: tzinfo) -> datetime | None:
	"""The end of the quiet window `moment` falls in, or None when it falls in none.

	`start`/`end` are wall-clock times in `zone` (the operator's); a window whose start is after
	its end runs over midnight (21:00-08:00). No start, no end, or start == end: no quiet hours.
	The answer is in `moment`'s own zone."""
	if moment.tzinfo is None:
		raise InvalidInput(_("A moment without a time zone cannot be placed in the quiet hours"))
	if start is None or end is None or start == end:
		return None
	local = moment.astimezone(zone)
	now = local.time().replace(tzinfo=None)
	if start < end:
		quiet = start <= now < end
		day = local.date()
	else:
		quiet = now >= start or now < end
		day = local.date() if now < end else local.date() + timedelta(days=1)
	if not quiet:
		return None
	# fold=0 and zoneinfo: an end inside a DST gap is read as the standard-time side, still a
	# real moment after `moment`
	until = datetime.combine(day, end, tzinfo=zone)
	return until.astimezone(moment.tzinfo)


def send_at(event: str, moment: datetime, start: time | None, end: time | None, zone: tzinfo) -> datetime:
	"""When a notification for `event` decided at `moment` may go: `moment` itself, or the end of
	the quiet hours it falls in (deferred, never dropped). Outages and sign-in codes ignore them."""
	if event in IGNORE_QUIET_HOURS:
		return moment
	return quiet_until(moment, start, end, zone) or moment


def parse_wall_time(value) -> time | None:
	"""A setting's time ("21:00", "21:00:00", a time, a timedelta as Frappe returns a Time field
	from MariaDB) as a time; None when empty."""
	if value in (None, ""):
		return None
	if isinstance(value, time):
		return value.replace(tzinfo=None)
	if isinstance(value, timedelta):
		seconds = int(value.total_seconds()) % 86400
		return time(seconds // 3600, seconds % 3600 // 60, seconds % 60)
	text = str(value).strip()
	try:
		parts = [int(p) for p in text.split(".")[0].split(":")]
		if not 2 <= len(parts) <= 3:
			raise ValueError
		return time(*parts)
	except ValueError:
		raise InvalidInput(_("{value} is not a time of day (HH:MM)"), value=text) from None
