"""Find a device in the ACS from what a technician or a Service Equipment knows.

Strategies, in order; each is one NBI request that already carries the summary's projection,
so the common case (strategy 1) costs a single round trip:
1. the serial in the ACS device id (`_deviceId._SerialNumber`);
2. the serial the data model reports (DeviceInfo.SerialNumber) or the GPON serial where the
   vendor table (`vendor_paths.json`) says the model keeps it (Huawei `X_HW_SerialNumber`,
   TP-Link `Optical.Interface.1.GponAuth.GponSn` …). A GPON serial has two spellings, the
   4-letter vendor id + 8 hex printed on the label and reported by OLTs ("TPLGB4FB2AC8") and
   16 hex digits ("54504C47B4FB2AC8"); both are asked for, whichever one is typed;
3. the MAC address of a WAN or LAN interface (fixed instance numbers, see MAC_PATHS).
"""

import re
from dataclasses import dataclass

from gigafibre_fsm.errors import InvalidInput, _
from gigafibre_fsm.network.acs import params as P
from gigafibre_fsm.network.acs import vendors as V
from gigafibre_fsm.network.acs.summary import SUMMARY_PROJECTION
from gigafibre_fsm.subscribers.equipment_identity import normalise_serial

BY_DEVICE_ID = "device_id_serial"
BY_DATA_MODEL = "data_model_serial"
BY_MAC = "mac"

# The data models' own serial, then every GPON serial path of the vendor table.
SERIAL_PATHS = list(
	dict.fromkeys(
		["InternetGatewayDevice.DeviceInfo.SerialNumber", "Device.DeviceInfo.SerialNumber"]
		+ [row.path for row in V.load_table()[1]]
	)
)

MAC_PATHS = (
	[
		f"InternetGatewayDevice.WANDevice.1.WANConnectionDevice.{c}.{kind}.1.MACAddress"
		for c in (1, 2, 3, 4)
		for kind in ("WANIPConnection", "WANPPPConnection")
	]
	+ [f"InternetGatewayDevice.LANDevice.1.LANEthernetInterfaceConfig.{i}.MACAddress" for i in (1, 2)]
	+ ["InternetGatewayDevice.LANDevice.1.LANHostConfigManagement.MACAddress"]
	+ [f"Device.Ethernet.Interface.{i}.MACAddress" for i in (1, 2, 3, 4, 5)]
	+ [f"Device.Ethernet.Link.{i}.MACAddress" for i in (1, 2, 3)]
)

_SERIAL_RE = re.compile(r"^[A-Za-z0-9._:-]{3,64}$")


@dataclass
class LookupResult:
	device: dict
	strategy: str
	requests: int


_PRINTED_GPON = re.compile(r"^([A-Z]{4})([0-9A-F]{8})$")


def gpon_hex_form(printed: str) -> str | None:
	"""The 16-hex spelling of a printed GPON serial ("TPLG1234ABCD" -> "54504C471234ABCD"),
	None when it is not one. The other direction is `normalise_serial`'s (equipment_identity)."""
	m = _PRINTED_GPON.match(printed)
	return m.group(1).encode("ascii").hex().upper() + m.group(2) if m else None


def serial_variants(serial: str) -> list[str]:
	"""The spellings of one serial: as given, upper case, and both forms of a GPON serial
	(4-letter vendor id as text "HWTC…" or as hex "48575443…"), whichever was given."""
	s = serial.strip()
	out = [s, s.upper()]
	try:
		printed = normalise_serial(s)  # 16 hex with a letter vendor id -> the printed form
	except InvalidInput:
		printed = s.upper()
	out.append(printed)
	hex_form = gpon_hex_form(printed)
	if hex_form:
		out.append(hex_form)
	return list(dict.fromkeys(out))


def mac_variants(mac: str) -> list[str]:
	"""A MAC as CPEs write it: colons upper/lower, dashes, bare hex."""
	m = P.normalize_mac(mac)
	if m is None:
		raise InvalidInput(_("{mac} is not a MAC address"), mac=mac)
	bare = m.replace(":", "")
	return list(dict.fromkeys([m.upper(), m, m.replace(":", "-").upper(), bare.upper(), bare]))


def lookup_device(
	client, serial: str | None = None, mac: str | None = None, projection: list[str] | None = None
) -> LookupResult | None:
	"""The device matching `serial` (and/or `mac`), or None when no strategy finds it."""
	if not serial and not mac:
		raise InvalidInput(_("Give a serial number or a MAC address to find a device"))
	if serial is not None and not _SERIAL_RE.match(serial.strip()):
		raise InvalidInput(_("{serial} is not a serial number"), serial=serial)
	projection = projection or SUMMARY_PROJECTION
	attempts = []
	if serial:
		variants = serial_variants(serial)
		attempts.append((BY_DEVICE_ID, {"_deviceId._SerialNumber": {"$in": variants}}))
		attempts.append((BY_DATA_MODEL, {"$or": [{p: {"$in": variants}} for p in SERIAL_PATHS]}))
	if mac is None and serial and re.search(r"[:-]", serial) and P.normalize_mac(serial):
		mac = serial  # a MAC typed where the serial goes
	if mac:
		variants = mac_variants(mac)
		attempts.append((BY_MAC, {"$or": [{p: {"$in": variants}} for p in MAC_PATHS]}))
	for n, (strategy, query) in enumerate(attempts, start=1):
		docs = client.find_devices(query, projection, limit=2)
		if docs:
			return LookupResult(device=docs[0], strategy=strategy, requests=n)
	return None
