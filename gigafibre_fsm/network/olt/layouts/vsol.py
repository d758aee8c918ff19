"""V-SOL (Guangzhou V-Solution) V1600G series GPON (enterprise 37950).

Every ONU table of the V1600G MIB (`gOnuAuthList`, 1.3.6.1.4.1.37950.1.1.6.1.1) is indexed
`ponIndex.onuIndex` (PON 1..16, ONU 1..128): the box has one line card, so frame and slot are
always 0 here and the PON index is the port (as in the CLI's `gpon 0/port`). Source of every
OID: the V1600G MIB as published in librenms/librenms `mibs/vsolution/V1600G`; the ONU
description and RX power columns are also what LibreNMS walks
(`includes/definitions/discovery/vsolution.yaml`). `verified=False` marks what only the MIB
states (no public tool seen walking it): check those on a lab OLT.
"""

from __future__ import annotations

import re

from gigafibre_fsm.network.olt.model import DISABLED, ENABLED, OFFLINE, ONLINE, UNKNOWN

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

_ONU = "1.3.6.1.4.1.37950.1.1.6.1.1"  # gOnuAuthList
_AUTOFIND = "1.3.6.1.4.1.37950.1.1.6.1.2"  # gOnuAutoFind
MAX_PON = 16

# gOnuStaInfoPhaseSta as the V1600G MIB enumerates it; only working(3) carries service.
PHASE_STATES = {
	0: "logging",
	1: "los",
	2: "syncMib",
	3: ONLINE,
	4: "dyingGasp",
	5: "authFail",
	6: "offLine",
	7: "deactivated",
	8: "configFail",
}


def _parse_index(suffix: tuple[int, ...]) -> tuple[int, int, int, int] | None:
	if len(suffix) != 2 or not 1 <= suffix[0] <= MAX_PON:
		return None
	return 0, 0, suffix[0], suffix[1]


def _make_index(frame: int, slot: int, port: int, onu: int) -> tuple[int, ...]:
	return (port, onu)


def _phase(raw: object) -> str:
	state = PHASE_STATES.get(raw, UNKNOWN)  # type: ignore[call-overload]
	return state if state in (ONLINE, UNKNOWN) else OFFLINE


def _admin_status(raw: object) -> str | None:
	return {1: ENABLED, 2: DISABLED}.get(raw)  # type: ignore[call-overload]


def _preauthorisation(request: PreauthorisationRequest, onu_id: int) -> ProvisioningPlan:
	return manual_registration_plan(
		request,
		onu_id,
		(
			f"Register {request.serial} as ONU {onu_id} of PON port {request.port} by hand: "
			"no public source for V-SOL's GPON CLI dialect has been verified yet, so no commands "
			"are generated.",
			"No SNMP SET plan: the gOnuManualAdd objects of the V1600G MIB are not verified.",
		),
	)


VSOL_V1600G = VendorLayout(
	key="vsol_v1600g",
	vendor="V-SOL",
	model="V1600G series",
	technology="GPON",
	first_onu_id=1,
	max_onu_id=128,
	onu_columns=(
		# gOnuAuthInfoAuthInfo: the serial when the ONU authenticates by serial (gOnuAuthInfoAuthMode sn(1)).
		Column("serial", oid(f"{_ONU}.2.1.5"), decode_gpon_serial, verified=False),
		Column("description", oid(f"{_ONU}.4.1.24"), decode_text),  # gOnuDetailInfoOnuDesc
		Column("admin_state", oid(f"{_ONU}.1.1.3"), _admin_status, verified=False),  # gOnuStaInfoAdminSta
		Column("oper_state", oid(f"{_ONU}.1.1.5"), _phase, verified=False),  # gOnuStaInfoPhaseSta
		# gOnuStaInfoLastDeregisterReason is free text in the MIB
		Column("last_down_cause", oid(f"{_ONU}.1.1.10"), decode_text, verified=False),
		Column(
			"distance_m", oid(f"{_ONU}.12.1.3"), decode_positive_int, verified=False
		),  # gOnuRttDistance (metres assumed)
		Column("rx_power_dbm", oid(f"{_ONU}.3.1.7"), decode_dbm_text),  # gOnuOpticalInfoRxPwr, text
	),
	autofind_columns=(
		Column("serial", oid(f"{_AUTOFIND}.1.1.3"), decode_gpon_serial, verified=False),  # gOnuAutoFindBaseSn
		Column(
			"equipment_id", oid(f"{_AUTOFIND}.2.1.7"), decode_text, verified=False
		),  # gOnuAutoFindDetailModel
	),
	parse_index=_parse_index,
	make_index=_make_index,
	build_preauthorisation=_preauthorisation,
	# IANA PEN 37950 ("v-solution", v-solution.cn). A V1600D answers sysDescr "V1600D" and
	# sysObjectID 1.3.6.1.4.1.37950.1.1.5.10.14.1 (LibreNMS tests/snmpsim/vsolution_v1600d.snmprec).
	enterprises=(37950,),
	sys_descr=re.compile(r"^V1600G|V-?SOL|V-Solution", re.IGNORECASE),
	# The V1600D is V-SOL's EPON OLT: its ONU tables are elsewhere (.37950.1.1.5.12).
	other_model=re.compile(r"^V1600D", re.IGNORECASE),
)
