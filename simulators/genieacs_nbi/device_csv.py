"""Turn a GenieACS "device data" CSV export into the device document the NBI returns.

Columns: Parameter, Object, Object timestamp, Writable, Writable timestamp, Value, Value type,
Value timestamp, … (older GenieACS versions wrote 5 columns: Parameter, Object, Writable,
Value, Value type; columns are found by name, so both read). The mapping is GenieACS's own
(`lib/db.ts` fetchDevice / saveDevice):
`DeviceID.ID` → `_id`, `DeviceID.X` → `_deviceId._X`, `Events.Inform` → `_lastInform`,
`Events.Registered` → `_registered`, `Events.1_BOOT` → `_lastBoot`, `Events.0_BOOTSTRAP` →
`_lastBootstrap`, `Tags.T` → `_tags`; every other row is a node with `_object`, `_writable`,
`_timestamp` and, for a parameter, `_value` and `_type`. Values are typed as MongoDB holds
them: numbers for xsd:int/unsignedInt, booleans, datetimes for xsd:dateTime.

Older exports have no `DeviceID.ID` row: the id is then derived as GenieACS derives it
(`generateDeviceId` in lib/common.ts): OUI-ProductClass-SerialNumber (OUI-SerialNumber when
there is no product class), each part escaped by replacing every character but A-Z a-z 0-9 _
with "%" and the upper-case hex of each of its UTF-8 bytes, unpadded ("-" -> "%2D",
" " -> "%20"), from the `DeviceID.*` rows, else from DeviceInfo's ManufacturerOUI,
ProductClass and SerialNumber (the values the Inform's DeviceId carries).
"""

import csv
import re
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


_UNESCAPED = re.compile(r"[^A-Za-z0-9_]")


def _esc(text: str) -> str:
	return _UNESCAPED.sub(lambda m: "".join(f"%{b:X}" for b in m.group(0).encode("utf-8")), text)


def generate_device_id(oui: str, product_class: str | None, serial: str) -> str:
	"""The device id GenieACS gives a device (lib/common.ts `generateDeviceId`)."""
	if product_class:
		return f"{_esc(oui)}-{_esc(product_class)}-{_esc(serial)}"
	return f"{_esc(oui)}-{_esc(serial)}"


def _copy_info(doc: dict, key: str, name: str) -> None:
	for root in ("InternetGatewayDevice", "Device"):
		v = ((doc.get(root) or {}).get("DeviceInfo") or {}).get(name, {}).get("_value")
		if v not in (None, ""):
			doc.setdefault("_deviceId", {})[key] = str(v)
			return


def _derived_id(doc: dict) -> str | None:
	ids = doc.get("_deviceId") or {}
	if not ids.get("_OUI") or not ids.get("_SerialNumber"):
		return None
	return generate_device_id(ids["_OUI"], ids.get("_ProductClass"), ids["_SerialNumber"])


def load_device_csv(path: str) -> dict:
	"""Read one export (any column layout GenieACS has written) and return its NBI document."""
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
	if "_id" not in doc:
		if not doc.get("_deviceId"):  # the Inform's DeviceId, as DeviceInfo reports it
			for key, name in (("_Manufacturer", "Manufacturer"), ("_OUI", "ManufacturerOUI")):
				_copy_info(doc, key, name)
			for key in ("ProductClass", "SerialNumber"):
				_copy_info(doc, "_" + key, key)
		device_id = _derived_id(doc)
		if device_id is None:
			raise ValueError(f"{path}: no DeviceID.ID row and no OUI/serial to derive the device id from")
		doc["_id"] = device_id
	return doc
