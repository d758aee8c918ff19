"""Pure functions: which data-manager reads are allowed, redaction, and the normalised status summary.

The modem answers with strings named after its data model (TR-098 style: DEV_INFO.upTime,
GPON_INTF_INFO.rxPower...); the rest of the app wants one stable shape whatever the firmware.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from gigafibre_fsm.errors import InvalidInput, _

_OID = re.compile(r"^[A-Z][A-Z0-9_]{0,47}$")
_ATTR = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]{0,63}$")
_MAX_ATTRS = 64
# Secrets a NOC operator must not read off a customer's modem through the bridge.
_SECRET = re.compile(r"pass(word|wd|phrase)?|psk|presharedkey|wepkey|secret|pwd", re.IGNORECASE)
REDACTED = "***"

STATUS_READS = (
	("DEV_INFO", "GET"),
	("GPON_INTF_INFO", "GET"),
	("WAN_IP_CONN", "GL"),
	("LAN_WLAN", "GL"),
)


def check_read(oid, attrs, readable_oids: dict) -> tuple[str, str, list[str]]:
	"""Validate a data-manager read. Returns (oid, "GET"|"GL", attrs); raises InvalidInput otherwise."""
	if not isinstance(oid, str) or not _OID.match(oid):
		raise InvalidInput(_("Data-manager object {oid} is not a valid object name"), oid=str(oid)[:48])
	if oid not in readable_oids:
		raise InvalidInput(_("Data-manager object {oid} is not readable through the bridge"), oid=oid)
	attrs = list(attrs or [])
	if len(attrs) > _MAX_ATTRS:
		raise InvalidInput(_("At most {limit} attributes can be read at once"), limit=_MAX_ATTRS)
	for attr in attrs:
		if not isinstance(attr, str) or not _ATTR.match(attr):
			raise InvalidInput(
				_("Attribute {attribute} is not a valid attribute name"), attribute=str(attr)[:64]
			)
	return oid, readable_oids[oid], attrs


def redact(entry: dict) -> dict:
	"""Hide credentials (Wi-Fi keys, passwords) from a data-manager object."""
	return {k: (REDACTED if _SECRET.search(k) else v) for k, v in entry.items()}


def shape_result(kind: str, result: dict):
	"""One $.exe() result -> a dict (GET) or a list of dicts (GL), redacted."""
	if kind == "GL":
		return [redact(entry) for entry in result.get("list", [])]
	return redact(result.get("attrs", {}))


def _num(value, cast=float):
	try:
		return cast(str(value).strip())
	except (TypeError, ValueError):
		return None


def _flag(value) -> bool | None:
	if value in (None, ""):
		return None
	return str(value).strip().lower() in ("1", "true", "up", "enabled")


@dataclass
class WanConnection:
	name: str
	status: str | None
	ip_address: str | None
	gateway: str | None
	dns_servers: list[str]
	mac_address: str | None
	connection_type: str | None
	uptime_s: int | None


@dataclass
class OpticalStatus:
	state: str | None  # ONU state (O1..O7; O5 = operational)
	rx_power_dbm: float | None
	tx_power_dbm: float | None
	temperature_c: float | None
	voltage_v: float | None
	bias_current_ma: float | None


@dataclass
class WifiRadio:
	name: str
	band: str | None
	ssid: str | None
	enabled: bool | None
	channel: int | None
	standard: str | None
	clients: int | None


@dataclass
class ModemStatus:
	model: str | None
	manufacturer: str | None
	serial_number: str | None
	hardware_version: str | None
	firmware: str | None
	uptime_s: int | None
	optical: OpticalStatus | None
	wan: list[WanConnection] = field(default_factory=list)
	wifi: list[WifiRadio] = field(default_factory=list)

	def to_dict(self) -> dict:
		return asdict(self)


def normalise_status(raw: dict) -> ModemStatus:
	"""Build the summary from raw reads: {"DEV_INFO": {...}, "GPON_INTF_INFO": {...},
	"WAN_IP_CONN": [...], "LAN_WLAN": [...]} (missing objects give None/empty parts)."""
	dev = raw.get("DEV_INFO") or {}
	pon = raw.get("GPON_INTF_INFO")
	optical = None
	if pon:
		optical = OpticalStatus(
			state=pon.get("status"),
			rx_power_dbm=_num(pon.get("rxPower")),
			tx_power_dbm=_num(pon.get("txPower")),
			temperature_c=_num(pon.get("temperature")),
			voltage_v=_num(pon.get("supplyVoltage")),
			bias_current_ma=_num(pon.get("biasCurrent")),
		)
	wan = [
		WanConnection(
			name=w.get("name", ""),
			status=w.get("connectionStatus"),
			ip_address=w.get("externalIPAddress") or None,
			gateway=w.get("defaultGateway") or None,
			dns_servers=[d.strip() for d in (w.get("DNSServers") or "").split(",") if d.strip()],
			mac_address=(w.get("MACAddress") or "").lower() or None,
			connection_type=w.get("connectionType"),
			uptime_s=_num(w.get("uptime"), int),
		)
		for w in raw.get("WAN_IP_CONN") or []
	]
	wifi = [
		WifiRadio(
			name=r.get("name", ""),
			band=r.get("X_TP_Band"),
			ssid=r.get("SSID"),
			enabled=_flag(r.get("enable")),
			channel=_num(r.get("channel"), int),
			standard=r.get("standard"),
			clients=_num(r.get("totalAssociations"), int),
		)
		for r in raw.get("LAN_WLAN") or []
	]
	return ModemStatus(
		model=dev.get("modelName"),
		manufacturer=dev.get("manufacturer"),
		serial_number=dev.get("serialNumber"),
		hardware_version=dev.get("hardwareVersion"),
		firmware=dev.get("softwareVersion"),
		uptime_s=_num(dev.get("upTime"), int),
		optical=optical,
		wan=wan,
		wifi=wifi,
	)
