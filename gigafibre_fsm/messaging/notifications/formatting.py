"""Dates, times and amounts as a Québec customer reads them, in French or in English.

French follows the Office québécois de la langue française: "mardi 15 décembre à 13 h 30",
"13 h", "1 234,56 $". English: "Tuesday, December 15 at 1:30 PM", "$1,234.56". Written by hand
rather than through a locale library: the site's locale is the server's, not the customer's,
and every character here is GSM-7 (a non-breaking space would make the SMS UCS-2).
"""

from datetime import datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal

FR_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
FR_MONTHS = (
	"janvier", "février", "mars", "avril", "mai", "juin",
	"juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
EN_MONTHS = (
	"January", "February", "March", "April", "May", "June",
	"July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _local(moment: datetime, zone: tzinfo | None) -> datetime:
	return moment.astimezone(zone) if zone is not None and moment.tzinfo is not None else moment


def format_time(moment: datetime, language: str, zone: tzinfo | None = None) -> str:
	"""13 h 30 / 13 h (fr); 1:30 PM (en)."""
	local = _local(moment, zone)
	if language == "fr":
		return f"{local.hour} h {local.minute:02d}" if local.minute else f"{local.hour} h"
	hour = local.hour % 12 or 12
	return f"{hour}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}"


def format_date(moment: datetime, language: str, zone: tzinfo | None = None) -> str:
	"""mardi 15 décembre (fr); Tuesday, December 15 (en)."""
	local = _local(moment, zone)
	if language == "fr":
		day = "1er" if local.day == 1 else str(local.day)
		return f"{FR_DAYS[local.weekday()]} {day} {FR_MONTHS[local.month - 1]}"
	return f"{EN_DAYS[local.weekday()]}, {EN_MONTHS[local.month - 1]} {local.day}"


def format_appointment(
	start: datetime, language: str, zone: tzinfo | None = None, window_end: datetime | None = None
) -> str:
	"""An appointment: a time ("mardi 15 décembre à 13 h 30") or an arrival window
	("mardi 15 décembre entre 8 h et 12 h"; "Tuesday, December 15 between 8:00 AM and 12:00 PM")."""
	date = format_date(start, language, zone)
	if window_end is not None and window_end > start:
		first, last = format_time(start, language, zone), format_time(window_end, language, zone)
		return f"{date} entre {first} et {last}" if language == "fr" else f"{date} between {first} and {last}"
	return (
		f"{date} à {format_time(start, language, zone)}"
		if language == "fr"
		else (f"{date} at {format_time(start, language, zone)}")
	)


def format_amount(amount, currency: str, language: str) -> str:
	"""1 234,56 $ (fr) / $1,234.56 (en) for Canadian dollars; other currencies by their code."""
	value = Decimal(str(amount or 0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
	sign = "-" if value < 0 else ""
	whole, cents = f"{abs(value):,.2f}".split(".")
	dollar = (currency or "CAD").upper() == "CAD"  # a US dollar is written USD, not $
	if language == "fr":
		text = f"{sign}{whole.replace(',', ' ')},{cents}"
		return f"{text} $" if dollar else f"{text} {currency.upper()}"
	text = f"{whole}.{cents}"
	return f"{sign}${text}" if dollar else f"{sign}{text} {currency.upper()}"
