"""What a decoded barcode says: a serial number, a MAC address, a GPON serial, or something else.

A modem's label carries one value per 1D barcode ("48575443A94196A5", "00259EA1B2C3"), and
often a QR or DataMatrix code holding several ("SN:...;MAC:...", a URL with ?sn=&mac=, a
Wi-Fi joining code). Each value is normalised with the rules of `equipment_identity`, so what
is read meets what is stored. Wi-Fi and admin passwords are dropped here, before anything
else sees the text: they are never returned, logged or stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

from gigafibre_fsm.errors import InvalidInput
from gigafibre_fsm.subscribers.equipment_identity import normalise_mac, normalise_serial

SERIAL = "serial"
MAC = "mac"
GPON_SERIAL = "gpon_serial"
WIFI_SSID = "wifi_ssid"
OTHER = "other"
KINDS = (GPON_SERIAL, SERIAL, MAC, WIFI_SSID, OTHER)

# GPON vendor ids printed on ONT labels and reported by OLTs (ITU-T G.984.3 vendor_id), and
# whose they are; an unknown four-letter prefix is still read as a GPON serial, less surely.
GPON_VENDORS = {
	"ALCL": "Nokia",  # Alcatel-Lucent's id, kept by Nokia
	"HWTC": "Huawei",
	"ZTEG": "ZTE",
	"FHTT": "FiberHome",
	"TPLG": "TP-Link",
	"CXNK": "Calix",
	"ADTN": "Adtran",
	"DSNW": "Dasan",
	"ZNTS": "DZS",
	"SCOM": "Sercomm",
	"SMBS": "Sagemcom",
	"UBNT": "Ubiquiti",
	"CIGG": "CIG",
	"ICTR": "ICT",
	"PTIN": "Altice Labs",
	"YHTC": "Youhua",
	"GPON": None,  # white-label ONTs
}
KNOWN_GPON_VENDORS = frozenset(GPON_VENDORS)

# Keys of multi-field codes, compared upper case without spaces, dashes, dots or slashes.
_KEYS = {
	SERIAL: {
		"SN",
		"SERIAL",
		"SERIALNO",
		"SERIALNUMBER",
		"SERIENO",
		"NS",
		"NODESERIE",
		"DEVICESN",
		"DEVSN",
		"PSN",
	},
	MAC: {
		"MAC",
		"MACADDR",
		"MACADDRESS",
		"BASEMAC",
		"LANMAC",
		"WANMAC",
		"ETHMAC",
		"CMMAC",
		"HWADDR",
		"ADRESSEMAC",
	},
	GPON_SERIAL: {"GPONSN", "PONSN", "ONTSN", "ONUSN", "GPONSERIAL", "PONSERIAL", "GPONSERIALNUMBER", "GPON"},
	WIFI_SSID: {"SSID", "WIFI", "WIFINAME", "WLAN", "NETWORK", "RESEAU"},
}
# Secrets: never returned, whatever the code calls them.
_SECRET_KEYS = {
	"P",
	"PASS",
	"PWD",
	"PASSWD",
	"PASSWORD",
	"MOTDEPASSE",
	"MDP",
	"KEY",
	"WPAKEY",
	"WIFIKEY",
	"WIFIPASSWORD",
	"WIFIPWD",
	"WPA",
	"PSK",
	"PIN",
	"WPSPIN",
	"ADMINPASSWORD",
	"ADMINPWD",
	"USERPASSWORD",
	"LOGINPASSWORD",
	"CLE",
	"CLEWIFI",
}
_SECRET_PARTS = ("PASS", "PWD", "PSK", "KEY")
_REDACTED = "•••"

_KEY_VALUE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9 ._/\-]{0,30}?)\s*[:=]\s*(.*?)\s*$", re.S)
_FIELD_SEPARATORS = re.compile(r"[;\n\r|&,\t]+")
_PRINTED_GPON = re.compile(r"^[A-Z]{4}[0-9A-F]{8}$")
_MAC_SPELLED = re.compile(
	r"^(?:[0-9A-Fa-f]{2}([:\-. ])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})$"
)
_BARE_HEX12 = re.compile(r"^[0-9A-Fa-f]{12}$")
# Retail product codes (a GTIN, not this unit) and symbologies that carry nothing identifying.
_PRODUCT_SYMBOLOGIES = frozenset({"EAN13", "EAN8", "UPCA", "UPCE", "ISBN", "EAN2", "EAN5"})


@dataclass(frozen=True)
class Identity:
	"""One value read from a label.

	`kind` is one of KINDS; `value` the normalised form (AA:BB:CC:DD:EE:FF, HWTCA94196A5);
	`raw` the field as the code spelled it; `confidence` 0–1; `symbology` the code it came from
	(zxing-cpp's format name: Code128, QRCode, DataMatrix …); `key` the field's name in a
	multi-field code ("MAC", "SN"), None for a code holding the value alone."""

	kind: str
	value: str
	raw: str
	confidence: float
	symbology: str
	key: str | None = None


def _key(name: str) -> str:
	return re.sub(r"[\s._/\-]", "", name).upper()


def kind_of_key(name: str) -> str | None:
	"""The kind a multi-field code's key names ("S/N" → serial), "secret" for passwords."""
	key = _key(name)
	if key in _SECRET_KEYS or any(part in key for part in _SECRET_PARTS):
		return "secret"
	for kind, keys in _KEYS.items():
		if key in keys:
			return kind
	return None


def gpon_serial(value: str) -> str | None:
	"""The printed GPON serial (HWTCA94196A5) if `value` is one, in either spelling, else None."""
	try:
		printed = normalise_serial(value)
	except InvalidInput:
		return None
	return printed if _PRINTED_GPON.match(printed) else None


def _as_mac(value: str) -> str | None:
	try:
		return normalise_mac(value)
	except InvalidInput:
		return None


def _as_serial(value: str) -> str | None:
	try:
		return normalise_serial(value)
	except InvalidInput:
		return None


def classify_value(raw: str, symbology: str, key: str | None = None) -> Identity:
	"""What one value is, with how sure we are.

	A key from a multi-field code decides the kind (the value must still have its shape); a
	bare value is judged by its shape alone: a GPON serial (4 letters + 8 hex, or its 16-hex
	form), a MAC (12 hex digits, with or without separators), else a serial if it has a
	serial's shape. Retail codes (EAN/UPC) are the product's GTIN, never the unit's."""
	value = raw.strip()
	keyed = kind_of_key(key) if key else None
	if keyed == "secret":
		return Identity(OTHER, _REDACTED, _REDACTED, 1.0, symbology, key)
	if keyed == WIFI_SSID:
		return Identity(WIFI_SSID, value, value, 0.95, symbology, key)
	if symbology in _PRODUCT_SYMBOLOGIES and not keyed:
		return Identity(OTHER, value, value, 0.9, symbology, key)
	gpon = gpon_serial(value)
	mac = _as_mac(value)
	if keyed == GPON_SERIAL or (keyed == SERIAL and gpon):
		if gpon:
			return Identity(GPON_SERIAL, gpon, value, 0.98, symbology, key)
	elif keyed == MAC:
		if mac:
			return Identity(MAC, mac, value, 0.98, symbology, key)
	elif keyed == SERIAL:
		serial = _as_serial(value)
		if serial:
			return Identity(SERIAL, serial, value, 0.95, symbology, key)
	elif key is None:
		if gpon:
			known = gpon[:4] in KNOWN_GPON_VENDORS
			return Identity(GPON_SERIAL, gpon, value, 0.95 if known else 0.75, symbology)
		if mac and _MAC_SPELLED.match(value):
			return Identity(MAC, mac, value, 0.95, symbology)
		if mac and _BARE_HEX12.match(value):
			# 12 hex digits: a MAC as most labels print it; all decimal could be a serial too
			return Identity(MAC, mac, value, 0.6 if value.isdigit() else 0.85, symbology)
		serial = _as_serial(value)
		if serial and any(c.isdigit() for c in serial):
			# unit serials run 10–20 characters; a shorter code is as likely a model or part number
			return Identity(SERIAL, serial, value, 0.7 if len(serial) >= 10 else 0.45, symbology)
	return Identity(OTHER, value, value, 0.5, symbology, key)


def _wifi_fields(text: str) -> list[tuple[str, str]]:
	"""The fields of a Wi-Fi joining code, `WIFI:S:<ssid>;T:WPA;P:<password>;H:false;;`,
	with backslash escapes (\\; \\: \\, \\\\) honoured."""
	body = text[5:]
	fields, key, current, escaped = [], None, [], False
	for ch in body:
		if escaped:
			current.append(ch)
			escaped = False
		elif ch == "\\":
			escaped = True
		elif ch == ":" and key is None:
			key, current = "".join(current), []
		elif ch == ";":
			if key is not None:
				fields.append((key, "".join(current)))
			key, current = None, []
		else:
			current.append(ch)
	if key is not None and current:
		fields.append((key, "".join(current)))
	return fields


def split_fields(text: str) -> list[tuple[str | None, str]]:
	"""The (key, value) pairs a code holds: one (None, text) for a single value.

	Understands Wi-Fi joining codes, URLs (their query string, and a last path segment that
	is an identifier), and key:value / key=value lists separated by ; , | & tab or new lines."""
	text = text.strip()
	if text.upper().startswith("WIFI:"):
		# only the network name: the type (T) and hidden flag (H) say nothing of the device
		return [
			("SSID" if k.upper() == "S" else k, v)
			for k, v in _wifi_fields(text)
			if k.upper() != "T" and k.upper() != "H"
		]
	if re.match(r"^[a-z][a-z0-9+.\-]*://", text, re.I):
		parts = urlsplit(text)
		pairs: list[tuple[str | None, str]] = [
			(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=False)
		]
		if not pairs:
			last = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1]) if parts.path else ""
			if last:
				pairs.append((None, last))
		return pairs
	chunks = [c for c in _FIELD_SEPARATORS.split(text) if c.strip()]
	pairs = []
	for chunk in chunks:
		m = _KEY_VALUE.match(chunk)
		# "00:25:9E:..." is a MAC, not a key "00" with a value
		if m and not _as_mac(chunk) and kind_of_key(m.group(1)) is not None:
			pairs.append((m.group(1).strip(), m.group(2)))
		elif m and not _as_mac(chunk) and len(chunks) > 1 and m.group(1)[0].isalpha():
			pairs.append((m.group(1).strip(), m.group(2)))
		else:
			pairs.append((None, chunk))
	return pairs


def classify_text(text: str, symbology: str) -> list[Identity]:
	"""Every value one decoded code holds, classified; passwords are dropped, not returned."""
	out = []
	for key, value in split_fields(text):
		if value is None or not str(value).strip() or (key and kind_of_key(key) == "secret"):
			continue
		out.append(classify_value(str(value), symbology, key))
	return out


def redact(text: str) -> str:
	"""The decoded text with every secret field's value masked, for showing what was read."""
	if text.strip().upper().startswith("WIFI:"):
		return re.sub(r"(?<=[;:])P:(?:\\.|[^;\\])*", f"P:{_REDACTED}", text, flags=re.I)
	if re.match(r"^[a-z][a-z0-9+.\-]*://", text.strip(), re.I):
		parts = urlsplit(text.strip())
		if not parts.query:
			return text
		kept = [
			(k, _REDACTED if kind_of_key(k) == "secret" else v)
			for k, v in parse_qsl(parts.query, keep_blank_values=True)
		]
		query = "&".join(f"{k}={v}" for k, v in kept)
		return parts._replace(query=query).geturl()

	def mask(m: re.Match) -> str:
		return (
			m.group(0)
			if kind_of_key(m.group(2)) != "secret"
			else f"{m.group(1)}{m.group(2)}{m.group(3)}{_REDACTED}"
		)

	return re.sub(
		r"(^|[;\n\r|&,\t])(\s*[A-Za-z][A-Za-z0-9 ._/\-]{0,30}?)(\s*[:=]\s*)[^;\n\r|&,\t]*", mask, text
	)
