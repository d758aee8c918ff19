"""How many SMS segments a body costs: GSM-7 (160 characters, 153 per part) or UCS-2 (70, 67).

French matters here: é è à ù É Ç are in GSM-7's basic table, but ê â î ô û ë ï ç and À È are
not, so one "ç" switches the whole message to UCS-2 and more than halves what a segment holds.
Characters of GSM-7's extension table (€ [ ] { } ~ ^ | \\ and form feed) cost two septets.
"""

from dataclasses import dataclass

GSM7_BASIC = frozenset(
	"@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")


@dataclass(frozen=True)
class SmsSegments:
	encoding: str  # "GSM-7" or "UCS-2"
	units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
	segments: int
	non_gsm: tuple[str, ...]  # the characters that forced UCS-2, in order of appearance


def sms_segments(body: str) -> SmsSegments:
	"""Encoding and segment count of `body` as carriers count them (information, not a limit)."""
	non_gsm = tuple(dict.fromkeys(c for c in body if c not in GSM7_BASIC and c not in GSM7_EXTENSION))
	if not non_gsm:
		units = sum(2 if c in GSM7_EXTENSION else 1 for c in body)
		single, part = 160, 153
		encoding = "GSM-7"
	else:
		units = len(body.encode("utf-16-le")) // 2
		single, part = 70, 67
		encoding = "UCS-2"
	if units == 0:
		segments = 0
	elif units <= single:
		segments = 1
	else:
		segments = -(-units // part)
	return SmsSegments(encoding=encoding, units=units, segments=segments, non_gsm=non_gsm)
