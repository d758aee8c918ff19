"""What a vendor layout is: where an OLT keeps its ONU table and how to read and configure it.

A layout is data plus a few small functions. The SNMP adapter only knows "walk these columns,
hand each (index, raw value) to the layout"; everything vendor-specific (OID numbers, how a PON
port is encoded in an ifIndex, what 2147483647 means, which CLI pre-authorises an ONU) lives in
one layout module, so adding an OLT model is adding one file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from gigafibre_fsm.errors import InvalidInput, _


def oid(text: str) -> tuple[int, ...]:
	"""Parse a dotted OID ("1.3.6…" or ".1.3.6…") into a tuple of ints."""
	return tuple(int(part) for part in text.strip(".").split("."))


@dataclass(frozen=True)
class Column:
	"""One column of an ONU (or autofind) table.

	`field` names the OnuStatus/UnregisteredOnu attribute it fills, `decode` turns the raw
	value (int for integers, bytes for octet strings) into that attribute's value (None when
	the OLT says "not available"). `trailer` is a fixed index tail some vendors add after the
	ONU id (ZTE's optical table has `.1`). `verified` is False where the OID is inferred and
	must be checked against a real OLT (see the README).
	"""

	field: str
	oid: tuple[int, ...]
	decode: Callable[[object], object]
	trailer: tuple[int, ...] = ()
	verified: bool = True


@dataclass(frozen=True)
class SnmpSet:
	"""One SNMP SET of a command plan: OID, ASN.1 type name ("Integer", "OctetString"…) and value."""

	oid: tuple[int, ...]
	type: str
	value: object


@dataclass(frozen=True)
class PreauthorisationRequest:
	"""What the shell knows when a new subscriber's ONU must be pre-authorised.

	The location (OLT, frame/slot/port) comes from the Service Location; the serial from the
	Service Equipment (or the technician's scan); `vlans` are the subscriber's service VLANs
	(the first one is the internet VLAN); `onu_id` is None to take the lowest free one.
	"""

	olt: str
	frame: int
	slot: int
	port: int
	serial: str
	vlans: tuple[int, ...]
	description: str = ""
	onu_id: int | None = None
	line_profile: str = "gigafibre"
	service_profile: str = "gigafibre"
	onu_type: str | None = None


@dataclass(frozen=True)
class ProvisioningPlan:
	"""The vendor-specific commands that pre-authorise one ONU, ready for a CLI session or SNMP."""

	olt: str
	frame: int
	slot: int
	port: int
	onu_id: int
	serial: str
	vlans: tuple[int, ...]
	cli: tuple[str, ...]
	snmp_sets: tuple[SnmpSet, ...] = ()
	notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class VendorLayout:
	"""One OLT family's SNMP layout and provisioning dialect."""

	key: str
	vendor: str
	model: str
	technology: str
	first_onu_id: int
	max_onu_id: int
	onu_columns: tuple[Column, ...]
	autofind_columns: tuple[Column, ...]
	# index suffix after a column OID -> (frame, slot, port, onu id or autofind position)
	parse_index: Callable[[tuple[int, ...]], tuple[int, int, int, int] | None]
	# (frame, slot, port, onu) -> index suffix (without a column trailer)
	make_index: Callable[[int, int, int, int], tuple[int, ...]]
	build_preauthorisation: Callable[[PreauthorisationRequest, int], ProvisioningPlan]
	serial_pattern: re.Pattern = field(default=re.compile(r"^[A-Z0-9]{4}[0-9A-F]{8}$"))
	# Who the OLT says it is before it is walked (identity.py): IANA private enterprise numbers
	# its sysObjectID may sit under, and a sysDescr pattern for agents whose sysObjectID does not
	# say (an OEM number, none at all).
	enterprises: tuple[int, ...] = ()
	sys_descr: re.Pattern | None = None
	# a sysDescr that names a sibling model of the same vendor this layout does not read
	other_model: re.Pattern | None = None

	def columns_to_walk(self, include_autofind: bool = True) -> tuple[Column, ...]:
		return self.onu_columns + (self.autofind_columns if include_autofind else ())


# Shared decoders -------------------------------------------------------------------


def decode_text(raw: object) -> str | None:
	"""An OCTET STRING as text; empty means absent."""
	if isinstance(raw, bytes | bytearray):
		text = bytes(raw).decode("utf-8", "replace").strip("\x00 ").strip()
		return text or None
	if raw is None:
		return None
	return str(raw)


_DBM_IN_PARENTHESES = re.compile(r"\(\s*(-?\d+(?:\.\d+)?)\s*dBm\s*\)", re.IGNORECASE)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def decode_dbm_text(raw: object) -> float | None:
	"""Optical power written as text: "-18.52", "-18.52 dBm", or "0.03 mW (-14.61 dBm)".

	The dBm in parentheses wins when there is one (the mW figure comes first). "0.00", empty
	and text without a number mean "not available" (what offline ONUs report); a real PON
	receiver never sits at exactly 0 dBm.
	"""
	text = decode_text(raw) if not isinstance(raw, int | float) else str(raw)
	if not text:
		return None
	found = _DBM_IN_PARENTHESES.search(text) or _NUMBER.search(text)
	if found is None:
		return None
	value = float(found.group(1) if found.re is _DBM_IN_PARENTHESES else found.group(0))
	return None if value == 0.0 else round(value, 2)


def decode_gpon_serial(raw: object) -> str | None:
	"""A GPON serial: 4 ASCII vendor letters + 4 binary bytes ("HWTC" + "35B9519B").

	Some firmwares return it as the 12/16-character text instead; both give the same result.
	"""
	if isinstance(raw, bytes | bytearray):
		raw = bytes(raw)
		if len(raw) == 8 and raw[:4].isalnum():
			return raw[:4].decode("ascii").upper() + raw[4:].hex().upper()
		text = decode_text(raw)
	else:
		text = None if raw is None else str(raw)
	if not text:
		return None
	text = text.strip().upper()
	if re.fullmatch(r"[0-9A-F]{16}", text):
		vendor = bytes.fromhex(text[:8])
		if vendor.isalnum():
			return vendor.decode("ascii") + text[8:]
	return text


def normalise_serial(layout: VendorLayout, serial: str) -> str:
	"""Upper-case a serial and check it is a GPON serial; InvalidInput otherwise."""
	value = (serial or "").strip().upper().replace("-", "")
	if not layout.serial_pattern.match(value):
		raise InvalidInput(_("{serial} is not a valid GPON serial number"), serial=serial)
	return value


_DESCRIPTION = re.compile(r"^[A-Za-z0-9 _.#-]{0,64}$")


def check_request(layout: VendorLayout, request: PreauthorisationRequest) -> None:
	"""Refuse anything that could not safely go into a CLI line (quotes, newlines, bad VLANs)."""
	if not request.vlans:
		raise InvalidInput(_("At least one service VLAN is required to pre-authorise an ONU"))
	for vlan in request.vlans:
		if not isinstance(vlan, int) or not 1 <= vlan <= 4094:
			raise InvalidInput(_("VLAN {vlan} is out of range (1 to 4094)"), vlan=vlan)
	if not _DESCRIPTION.match(request.description or ""):
		raise InvalidInput(
			_("Description {description} may only hold letters, digits, spaces and _ . # -"),
			description=request.description,
		)
	for name in (request.line_profile, request.service_profile, request.onu_type or "x"):
		if not re.fullmatch(r"[A-Za-z0-9_.-]{1,32}", name or ""):
			raise InvalidInput(_("Profile or ONU type {name} is not a valid name"), name=name)


def decode_positive_int(raw: object) -> int | None:
	"""A count or a distance: 0 and negatives are the OLT's "not measured", never a value."""
	if not isinstance(raw, int) or raw <= 0:
		return None
	return raw


def manual_registration_plan(
	request: PreauthorisationRequest, onu_id: int, why_no_commands: tuple[str, ...]
) -> ProvisioningPlan:
	"""A plan that picks the ONU id but leaves the registration to a person: for vendors whose
	CLI and SNMP row creation no public source verifies yet (`why_no_commands` says which)."""
	return ProvisioningPlan(
		olt=request.olt,
		frame=request.frame,
		slot=request.slot,
		port=request.port,
		onu_id=onu_id,
		serial=request.serial,
		vlans=tuple(request.vlans),
		cli=(),
		notes=why_no_commands,
	)
