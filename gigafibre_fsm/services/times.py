"""Moments between the cores (aware UTC datetimes, epoch seconds, ISO strings) and Frappe
(naive datetimes in the system time zone)."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from frappe.utils import get_datetime, get_system_timezone


def utc_now() -> datetime:
	return datetime.now(timezone.utc)


def system_naive(value) -> datetime | None:
	"""An aware datetime, ISO string or epoch seconds as Frappe stores it (naive, system zone)."""
	if value in (None, ""):
		return None
	if isinstance(value, int | float):
		moment = datetime.fromtimestamp(value, timezone.utc)
	elif isinstance(value, str):
		moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
	else:
		moment = value
	if moment.tzinfo is None:
		return moment
	return moment.astimezone(ZoneInfo(get_system_timezone())).replace(tzinfo=None)


def aware(value) -> datetime | None:
	"""A Frappe datetime (naive, system zone) as an aware datetime."""
	if not value:
		return None
	moment = get_datetime(value)
	if moment.tzinfo is None:
		moment = moment.replace(tzinfo=ZoneInfo(get_system_timezone()))
	return moment
