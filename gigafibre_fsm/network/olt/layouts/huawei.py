"""Huawei SmartAX MA5600T/MA5683T/MA5800 GPON (enterprise 2011, HUAWEI-XPON-MIB).

ONU tables are indexed `ponIfIndex.ontId`; the MA5800 encodes a GPON port's ifIndex as
0xFA000000 + slot << 13 + port << 8 (4194312448 is 0/1/1). Sources per column are in
the README; `verified=False` marks OIDs seen in a single public tool only.
"""

from __future__ import annotations

import re

from gigafibre_fsm.network.olt.model import DISABLED, ENABLED, OFFLINE, ONLINE, UNKNOWN

from .base import (
	Column,
	PreauthorisationRequest,
	ProvisioningPlan,
	VendorLayout,
	decode_gpon_serial,
	decode_text,
	oid,
)

_BASE = "1.3.6.1.4.1.2011.6.128.1.1.2"
_IFINDEX_BASE = 0xFA000000
NOT_AVAILABLE = 2147483647

# hwGponDeviceOntControlLastDownCause, as labelled by a public Huawei driver (verify on the MIB).
DOWN_CAUSES = {
	1: "LOS",
	2: "LOSi/LOBi",
	3: "LOFi",
	4: "SFi",
	5: "LOAi",
	6: "LOAMi",
	7: "deactivate failure",
	8: "deactivated",
	9: "reset",
	10: "re-register",
	11: "pop-up failure",
	13: "dying gasp",
	15: "loss of key sync",
	18: "ring deactivation",
	30: "optical module shutdown",
	31: "reset by ONT command",
	32: "reset by ONT button",
	33: "reset by ONT software",
	34: "broadcast attack",
	35: "operator check failure",
	37: "rogue ONT",
}


def pon_ifindex(frame: int, slot: int, port: int) -> int:
	return _IFINDEX_BASE + (frame << 18) + (slot << 13) + (port << 8)


def split_ifindex(ifindex: int) -> tuple[int, int, int] | None:
	if ifindex < _IFINDEX_BASE:
		return None
	rest = ifindex - _IFINDEX_BASE
	return (rest >> 18) & 0x3F, (rest >> 13) & 0x1F, (rest >> 8) & 0x1F


def _parse_index(suffix: tuple[int, ...]) -> tuple[int, int, int, int] | None:
	if len(suffix) != 2:
		return None
	fsp = split_ifindex(suffix[0])
	return None if fsp is None else (*fsp, suffix[1])


def _make_index(frame: int, slot: int, port: int, onu: int) -> tuple[int, ...]:
	return (pon_ifindex(frame, slot, port), onu)


def _run_status(raw: object) -> str:
	return {1: ONLINE, 2: OFFLINE}.get(raw, UNKNOWN)  # type: ignore[call-overload]


def _admin_status(raw: object) -> str | None:
	return {1: ENABLED, 2: DISABLED}.get(raw)  # type: ignore[call-overload]


def _rx_power(raw: object) -> float | None:
	# 0.01 dBm, signed; 2147483647 when the ONT is offline or has no DDM.
	if not isinstance(raw, int) or raw == NOT_AVAILABLE:
		return None
	return round(raw / 100.0, 2)


def _distance(raw: object) -> int | None:
	if not isinstance(raw, int) or raw < 0 or raw == NOT_AVAILABLE:
		return None
	return raw


def _down_cause(raw: object) -> str | None:
	if not isinstance(raw, int) or raw < 0 or raw == NOT_AVAILABLE:
		return None
	return DOWN_CAUSES.get(raw, f"code {raw}")


def _preauthorisation(request: PreauthorisationRequest, onu_id: int) -> ProvisioningPlan:
	f, s, p = request.frame, request.slot, request.port
	desc = request.description or request.serial
	cli = [
		"config",
		f"interface gpon {f}/{s}",
		f'ont add {p} {onu_id} sn-auth "{request.serial}" omci '
		f'ont-lineprofile-name "{request.line_profile}" ont-srvprofile-name "{request.service_profile}" '
		f'desc "{desc}"',
		"quit",
	]
	for gemport, vlan in enumerate(request.vlans, start=1):
		cli.append(
			f"service-port vlan {vlan} gpon {f}/{s}/{p} ont {onu_id} gemport {gemport} "
			f"multi-service user-vlan {vlan} tag-transform translate"
		)
	cli.append("quit")
	return ProvisioningPlan(
		olt=request.olt,
		frame=f,
		slot=s,
		port=p,
		onu_id=onu_id,
		serial=request.serial,
		vlans=tuple(request.vlans),
		cli=tuple(cli),
		notes=(
			"CLI plan for MA5600T/MA5800 (VRP). The line/service profiles must exist on the OLT and "
			"map GEM port N to the Nth VLAN.",
			"No SNMP SET plan: the row-creation columns of hwGponDeviceOntTable are not verified.",
		),
	)


HUAWEI_MA5800 = VendorLayout(
	key="huawei_ma5800",
	vendor="Huawei",
	model="MA5600T/MA5683T/MA5800",
	technology="GPON",
	first_onu_id=0,
	max_onu_id=127,
	onu_columns=(
		Column("serial", oid(f"{_BASE}.43.1.3"), decode_gpon_serial),
		Column("description", oid(f"{_BASE}.43.1.9"), decode_text),
		Column("admin_state", oid(f"{_BASE}.46.1.1"), _admin_status, verified=False),
		Column("oper_state", oid(f"{_BASE}.46.1.15"), _run_status),
		Column("distance_m", oid(f"{_BASE}.46.1.20"), _distance),
		Column("last_down_cause", oid(f"{_BASE}.46.1.24"), _down_cause, verified=False),
		Column("rx_power_dbm", oid(f"{_BASE}.51.1.4"), _rx_power),
	),
	autofind_columns=(
		Column("equipment_id", oid(f"{_BASE}.52.1.2"), decode_text, verified=False),
		Column("serial", oid(f"{_BASE}.52.1.3"), decode_gpon_serial, verified=False),
	),
	parse_index=_parse_index,
	make_index=_make_index,
	build_preauthorisation=_preauthorisation,
	# IANA PEN 2011 (HUAWEI Technology Co.,Ltd). SmartAX agents answer sysDescr
	# "Huawei Integrated Access Software" (LibreNMS tests/snmpsim/smartax.snmprec).
	enterprises=(2011,),
	sys_descr=re.compile(r"Huawei Integrated Access Software", re.IGNORECASE),
)
