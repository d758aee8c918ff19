"""Tolerant reading of a GenieACS device document (`_value`, `_type`, `_object` nodes).

Devices report odd things: a missing object, an empty string where a number belongs, "Auto"
as a bit rate, a value of the wrong type. Readers here never raise on such input: they return
None, and the summary shows None as "unknown".
"""

import math
import re
from datetime import datetime, timezone

from gigafibre_fsm.errors import _

UNKNOWN = _("unknown")

TR098 = "TR-098"
TR181 = "TR-181"

_INDEX = re.compile(r"^\d+$")


def data_model(doc: dict) -> str | None:
	"""TR-098 when the document has `InternetGatewayDevice.`, TR-181 when it has `Device.`."""
	if isinstance(doc.get("InternetGatewayDevice"), dict):
		return TR098
	if isinstance(doc.get("Device"), dict):
		return TR181
	return None


def node(doc, path: str):
	"""The node at a dotted path (a trailing dot is ignored), or None."""
	cur = doc
	for part in path.rstrip(".").split("."):
		if not isinstance(cur, dict):
			return None
		cur = cur.get(part)
		if cur is None:
			return None
	return cur


def value(doc, path: str, default=None):
	"""The `_value` at `path`, or `default` when absent."""
	n = node(doc, path)
	if isinstance(n, dict):
		v = n.get("_value")
		return default if v is None else v
	return default


def first(doc, *paths, default=None):
	"""The first non-empty `_value` among `paths`."""
	for p in paths:
		v = value(doc, p)
		if v not in (None, ""):
			return v
	return default


def instances(doc, path: str) -> list[tuple[str, dict]]:
	"""The numbered instances under a multi-instance object, in numeric order."""
	n = node(doc, path)
	if not isinstance(n, dict):
		return []
	out = [(k, v) for k, v in n.items() if _INDEX.match(k) and isinstance(v, dict)]
	out.sort(key=lambda kv: int(kv[0]))
	return out


def text(v) -> str | None:
	"""A trimmed string, or None for missing / empty."""
	if v is None:
		return None
	if isinstance(v, bool):
		return "true" if v else "false"
	s = str(v).strip()
	return s or None


def number(v) -> float | None:
	"""A finite float from an int, float or numeric string ("-21.5", " 3 "), else None."""
	if v is None or isinstance(v, bool):
		return None
	if isinstance(v, (int, float)):
		f = float(v)
	else:
		try:
			f = float(str(v).strip())
		except ValueError:
			return None
	return f if math.isfinite(f) else None


def integer(v) -> int | None:
	f = number(v)
	return int(f) if f is not None else None


def boolean(v) -> bool | None:
	if isinstance(v, bool):
		return v
	if isinstance(v, (int, float)):
		return v != 0
	s = text(v)
	if s is None:
		return None
	s = s.lower()
	if s in ("true", "1", "yes", "up", "enabled", "on"):
		return True
	if s in ("false", "0", "no", "down", "disabled", "off"):
		return False
	return None


def timestamp(v) -> datetime | None:
	"""A timezone-aware datetime from an ISO string (as the NBI returns dates) or a datetime."""
	if isinstance(v, datetime):
		return v if v.tzinfo else v.replace(tzinfo=timezone.utc)
	s = text(v)
	if s is None:
		return None
	if s.endswith("Z"):
		s = s[:-1] + "+00:00"
	try:
		d = datetime.fromisoformat(s)
	except ValueError:
		return None
	return d if d.tzinfo else d.replace(tzinfo=timezone.utc)


def normalize_mac(v) -> str | None:
	"""`aa:bb:cc:dd:ee:ff` (lower case, colons) from any common spelling, else None."""
	s = text(v)
	if s is None:
		return None
	hexdigits = re.sub(r"[^0-9a-fA-F]", "", s)
	if len(hexdigits) != 12:
		return None
	return ":".join(hexdigits[i : i + 2] for i in range(0, 12, 2)).lower()


def ref_path(v) -> str | None:
	"""A TR-181 reference ("Device.WiFi.Radio.1.") as a path without the trailing dot."""
	s = text(v)
	if s is None:
		return None
	return s.split(",")[0].strip().rstrip(".") or None
