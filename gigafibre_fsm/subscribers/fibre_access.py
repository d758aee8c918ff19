"""The fibre drop of a service location: OLT, PON port, ONU id and VLANs."""

import ipaddress
import re

from gigafibre_fsm.errors import InvalidInput, _

_PON_PORT = re.compile(r"^\d{1,2}/\d{1,2}/\d{1,3}$")
MAX_ONU_ID = 255  # GPON: 128 on older OLTs, 256 on current ones; the OLT refuses the rest


def normalise_pon_port(value: str | None) -> str | None:
	"""Return a PON port as frame/slot/port (e.g. 0/1/3), accepting 0-1-3 and spaces."""
	if value is None or not str(value).strip():
		return None
	port = re.sub(r"\s+", "", str(value)).replace("-", "/")
	if not _PON_PORT.match(port):
		raise InvalidInput(_("{value} is not a PON port (expected frame/slot/port, e.g. 0/1/3)"), value=value)
	return "/".join(str(int(p)) for p in port.split("/"))


def validate_onu_id(value) -> None:
	"""Refuse an ONU id outside 0–255."""
	if value in (None, ""):
		return
	if not isinstance(value, int) or not 0 <= value <= MAX_ONU_ID:
		raise InvalidInput(_("ONU ID {value} is outside 0 to {maximum}"), value=value, maximum=MAX_ONU_ID)


def validate_vlan(label: str, value) -> None:
	"""Refuse a VLAN id outside 1–4094 (0 and 4095 are reserved by 802.1Q). 0 means unset."""
	if value in (None, "", 0):
		return
	if not isinstance(value, int) or not 1 <= value <= 4094:
		raise InvalidInput(_("{label} {value} is outside 1 to 4094"), label=label, value=value)


def validate_ip_address(label: str, value: str | None) -> str | None:
	"""Return the IP address in canonical form, None when empty."""
	if value is None or not str(value).strip():
		return None
	try:
		return str(ipaddress.ip_address(str(value).strip()))
	except ValueError:
		raise InvalidInput(_("{label} {value} is not an IP address"), label=label, value=value)
