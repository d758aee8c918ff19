"""C-Data (Shenzhen C-Data Technology) GPON OLTs, CDATA-GPON-MIB (enterprise 34592).

The ONU tables under `gponOnuObjects` (1.3.6.1.4.1.34592.1.5.1.1.2.18) are indexed
`deviceId.cardId.portId.onuId` (device 1..8, card 0..8, ONU 1..128); they are read here as
frame.slot.port:onu, which is an inference from the MIB's INDEX clauses: how the device id
lines up with the CLI's frame number is not verified. Source of every OID: CDATA-GPON-MIB as
published in librenms/librenms `mibs/cdata/CDATA-GPON-MIB`. No public tool was seen walking
these ONU tables (LibreNMS reads only C-Data's CPU, temperature and card status), so every
column is `verified=False`: check them on a lab OLT.
"""

from __future__ import annotations

import re

from gigafibre_fsm.network.olt.model import OFFLINE, ONLINE, UNKNOWN

from .base import (
	Column,
	PreauthorisationRequest,
	ProvisioningPlan,
	VendorLayout,
	decode_dbm_text,
	decode_gpon_serial,
	decode_positive_int,
	decode_text,
	manual_registration_plan,
	oid,
)

_ONU = "1.3.6.1.4.1.34592.1.5.1.1.2.18"  # gponOnuObjects


def _parse_index(suffix: tuple[int, ...]) -> tuple[int, int, int, int] | None:
	if len(suffix) != 4:
		return None
	device, card, port, onu = suffix
	if not (1 <= device <= 8 and 0 <= card <= 8):
		return None
	return device, card, port, onu


def _make_index(frame: int, slot: int, port: int, onu: int) -> tuple[int, ...]:
	return (frame, slot, port, onu)


def _run_state(raw: object) -> str:
	# gponOnuRunState: online(1), offline(2)
	return {1: ONLINE, 2: OFFLINE}.get(raw, UNKNOWN)  # type: ignore[call-overload]


def _preauthorisation(request: PreauthorisationRequest, onu_id: int) -> ProvisioningPlan:
	return manual_registration_plan(
		request,
		onu_id,
		(
			f"Register {request.serial} as ONU {onu_id} of PON port "
			f"{request.frame}/{request.slot}/{request.port} by hand: no public source for C-Data's "
			"GPON CLI dialect has been verified yet, so no commands are generated.",
			"No SNMP SET plan: the row creation of gponOnuConfigTable (gponOnuRowStatus) is not verified.",
		),
	)


CDATA_GPON = VendorLayout(
	key="cdata_gpon",
	vendor="C-Data",
	model="FD16xx GPON (CDATA-GPON-MIB)",
	technology="GPON",
	first_onu_id=1,
	max_onu_id=128,
	onu_columns=(
		Column("serial", oid(f"{_ONU}.1.1.4"), decode_gpon_serial, verified=False),  # gponOnuSn
		Column("description", oid(f"{_ONU}.1.1.8"), decode_text, verified=False),  # gponOnuDescription
		Column("oper_state", oid(f"{_ONU}.2.1.1"), _run_state, verified=False),  # gponOnuRunState
		Column(
			"distance_m", oid(f"{_ONU}.2.1.4"), decode_positive_int, verified=False
		),  # gponOnuDistance (metres assumed)
		# gponOnuOpticalRxPower is a DisplayString; its exact text is not documented
		Column("rx_power_dbm", oid(f"{_ONU}.6.1.4"), decode_dbm_text, verified=False),
	),
	autofind_columns=(
		Column("serial", oid(f"{_ONU}.5.1.3"), decode_gpon_serial, verified=False),  # gponOnuAutofindSn
		Column(
			"equipment_id", oid(f"{_ONU}.5.1.7"), decode_text, verified=False
		),  # gponOnuAutofindEquipmentID
	),
	parse_index=_parse_index,
	make_index=_make_index,
	build_preauthorisation=_preauthorisation,
	# IANA PEN 34592 (Shenzhen C-Data Technology Co.,Ltd.) holds the MIB; C-Data OLTs have also
	# been seen answering sysObjectID .1.3.6.1.4.1.17409 (PEN 17409: National Standardization
	# Committee of Radio & Television, the NSCRTV EPON MIBs), with the host name as sysDescr
	# (LibreNMS tests/snmpsim/cdata.snmprec; LibreNMS detects its cdata OS on that prefix).
	enterprises=(34592, 17409),
	sys_descr=re.compile(r"C-?DATA", re.IGNORECASE),
)
