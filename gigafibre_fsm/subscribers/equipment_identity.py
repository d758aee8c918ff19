"""How a piece of equipment is identified: its MAC address and serial number.

Technicians type, scan and paste these in every notation the vendors print (dashes, dots,
lower case, a GPON serial's vendor prefix as hex). Stored values are normalised so that the
database's unique index catches the same device entered twice in two notations.
"""

import re

from gigafibre_fsm.errors import InvalidInput, _

_HEX12 = re.compile(r"^[0-9A-F]{12}$")
_SEPARATORS = re.compile(r"[\s:.\-]")
_SERIAL = re.compile(r"^[A-Z0-9][A-Z0-9\-_/]{2,63}$")
_GPON_HEX = re.compile(r"^([0-9A-F]{8})([0-9A-F]{8})$")


def normalise_mac(value: str | None) -> str | None:
	"""Return the MAC as AA:BB:CC:DD:EE:FF, None when empty.

	Accepts aa:bb:cc:dd:ee:ff, AA-BB-CC-DD-EE-FF, aabb.ccdd.eeff and aabbccddeeff.
	Refuses anything else, and the all-zero and broadcast addresses, which no real device has.
	"""
	if value is None or not str(value).strip():
		return None
	raw = str(value).strip()
	digits = _SEPARATORS.sub("", raw).upper()
	if not _HEX12.match(digits):
		raise InvalidInput(_("{value} is not a MAC address (expected 12 hexadecimal digits)"), value=raw)
	if digits in ("000000000000", "FFFFFFFFFFFF"):
		raise InvalidInput(_("{value} is not the MAC address of a real device"), value=raw)
	return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def normalise_serial(value: str | None) -> str:
	"""Return the serial in upper case without spaces.

	A GPON serial written as 16 hex digits (vendor id as hex, e.g. 48575443A94196A5) becomes
	its printed form (HWTCA94196A5), the form OLTs and ACSs report, so both notations meet.
	"""
	raw = "" if value is None else str(value)
	serial = re.sub(r"\s+", "", raw).upper()
	if not serial:
		raise InvalidInput(_("A serial number is required"))
	gpon = _GPON_HEX.match(serial)
	if gpon:
		vendor = bytes.fromhex(gpon.group(1))
		if all(65 <= b <= 90 for b in vendor):  # four capital letters: a GPON vendor id
			serial = vendor.decode("ascii") + gpon.group(2)
	if not _SERIAL.match(serial):
		raise InvalidInput(
			_("{value} is not a serial number (letters, digits, - _ / only, 3 to 64 characters)"), value=raw
		)
	return serial
