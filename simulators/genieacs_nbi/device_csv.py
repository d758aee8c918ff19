"""Turn a GenieACS "device data" CSV export into the device document the NBI returns.

Columns: Parameter, Object, Object timestamp, Writable, Writable timestamp, Value, Value type,
Value timestamp, … The mapping is GenieACS's own (`lib/db.ts` fetchDevice / saveDevice):
`DeviceID.ID` → `_id`, `DeviceID.X` → `_deviceId._X`, `Events.Inform` → `_lastInform`,
`Events.Registered` → `_registered`, `Events.1_BOOT` → `_lastBoot`, `Events.0_BOOTSTRAP` →
`_lastBootstrap`, `Tags.T` → `_tags`; every other row is a node with `_object`, `_writable`,
`_timestamp` and, for a parameter, `_value` and `_type`. Values are typed as MongoDB holds
them: numbers for xsd:int/unsignedInt, booleans, datetimes for xsd:dateTime.
"""

import csv
from datetime import datetime

from simulators.genieacs_nbi.mongo import parse_date

_EVENTS = {
	"Events.Inform": "_lastInform",
	"Events.Registered": "_registered",
	"Events.1_BOOT": "_lastBoot",
	"Events.0_BOOTSTRAP": "_lastBootstrap",
}
_INT_TYPES = {"xsd:int", "xsd:unsignedInt", "xsd:long", "xsd:unsignedLong"}


def typed_value(raw: str, xsd_type: str):
	"""The Python value MongoDB would hold for a CSV cell of this xsd type."""
	if xsd_type in _INT_TYPES:
		try:
			return int(raw)
		except ValueError:
			return raw
	if xsd_type == "xsd:boolean":
		return raw.strip().lower() in ("true", "1")
	if xsd_type == "xsd:dateTime":
		d = parse_date(raw) if raw else None
		if d is not None:
			return d
		try:  # GenieACS keeps year-1 dates (0001-01-01T…) as Dates too
			return datetime.fromisoformat(raw.replace("Z", "+00:00"))
		except ValueError:
			return raw
	return raw


def _ts(text: str):
	return parse_date(text) if text else None


def load_device_csv(path: str) -> dict:
	"""Read one export (in place, never copied) and return its NBI device document."""
	doc: dict = {}
	with open(path, newline="", encoding="utf-8") as fh:
		reader = csv.reader(fh)
		header = next(reader)
		col = {name: i for i, name in enumerate(header)}
		for row in reader:
			if not row:
				continue
			name = row[0]
			cell = lambda c: row[col[c]] if col.get(c) is not None and col[c] < len(row) else ""  # noqa: E731
			value, vtype = cell("Value"), cell("Value type")
			if name == "DeviceID.ID":
				doc["_id"] = value
			elif name.startswith("DeviceID."):
				doc.setdefault("_deviceId", {})["_" + name[9:]] = value
			elif name in _EVENTS:
				doc[_EVENTS[name]] = parse_date(value) or value
			elif name.startswith("Tags."):
				doc.setdefault("_tags", []).append(name[5:])
			elif name in ("DeviceID", "Events", "Tags"):
				continue
			else:
				node = doc
				for part in name.split("."):
					node = node.setdefault(part, {})
				is_object = cell("Object") == "true"
				node["_object"] = is_object
				node["_writable"] = cell("Writable") == "true"
				if is_object:
					ts = _ts(cell("Object timestamp"))
				else:
					node["_value"] = typed_value(value, vtype)
					node["_type"] = vtype
					ts = _ts(cell("Value timestamp"))
				if ts is not None:
					node["_timestamp"] = ts
	return doc
