"""ZTE ZXA10 C300/C320 GPON (enterprise 3902).

The ONU tables under .3902.1082.500 are indexed `ponIfIndex.onuId`, with
ponIfIndex = 0x11010000 + slot << 8 + port (285278465 is slot 1, port 1); the optical table adds
a trailing `.1`. The unconfigured-ONU table under .3902.1012.3.13.3 is indexed by the older
"type index" 0x10000000 + slot << 16 + port << 8, then a position. The C320 has one shelf, so
frame is always 1 here (as in `gpon-olt_1/slot/port`).
"""

from __future__ import annotations

import re

from gigafibre_fsm.network.olt.model import OFFLINE, ONLINE, UNKNOWN

from .base import (
	Column,
	PreauthorisationRequest,
	ProvisioningPlan,
	VendorLayout,
	decode_gpon_serial,
	decode_text,
	oid,
)

_ONU = "1.3.6.1.4.1.3902.1082.500"
_IF_BASE = 0x11010000
_TYPE_BASE = 0x10000000

# zxAnGponOnuPhaseState as published by a public C320 driver: only `working` is online.
PHASE_STATES = {1: "logging", 2: "los", 3: "syncMib", 4: ONLINE, 5: "dyingGasp", 6: "authFailed", 7: OFFLINE}
DOWN_CAUSES = {
	1: "unknown",
	2: "LOS",
	3: "LOSi",
	4: "LOFi",
	5: "SFi",
	6: "LOAi",
	7: "LOAMi",
	8: "authentication failure",
	9: "power off",
	10: "deactivated",
	11: "deactivate failure",
	12: "reboot",
	13: "shutdown",
}


def pon_ifindex(slot: int, port: int) -> int:
	return _IF_BASE + (slot << 8) + port


def pon_type_index(slot: int, port: int) -> int:
	return _TYPE_BASE + (slot << 16) + (port << 8)


def _parse_index(suffix: tuple[int, ...]) -> tuple[int, int, int, int] | None:
	if len(suffix) != 2:
		return None
	ifindex, last = suffix
	if _IF_BASE <= ifindex < _IF_BASE + 0x10000:
		rest = ifindex - _IF_BASE
		return 1, rest >> 8, rest & 0xFF, last
	if _TYPE_BASE <= ifindex < _IF_BASE:
		rest = ifindex - _TYPE_BASE
		return 1, (rest >> 16) & 0xFF, (rest >> 8) & 0xFF, last
	return None


def _make_index(frame: int, slot: int, port: int, onu: int) -> tuple[int, ...]:
	return (pon_ifindex(slot, port), onu)


def _phase(raw: object) -> str:
	state = PHASE_STATES.get(raw, UNKNOWN)  # type: ignore[call-overload]
	# Every non-working phase means the subscriber has no service.
	return state if state in (ONLINE, UNKNOWN) else OFFLINE


def _rx_power(raw: object) -> float | None:
	# raw * 0.002 - 30 dBm; 0 and 65535 are what offline ONUs report.
	if not isinstance(raw, int) or raw in (0, 65535) or raw < 0:
		return None
	return round(raw * 0.002 - 30.0, 2)


def _distance(raw: object) -> int | None:
	if not isinstance(raw, int) or raw <= 0:
		return None
	return raw


def _down_cause(raw: object) -> str | None:
	if not isinstance(raw, int) or raw <= 0:
		return None
	return DOWN_CAUSES.get(raw, f"code {raw}")


def _preauthorisation(request: PreauthorisationRequest, onu_id: int) -> ProvisioningPlan:
	s, p = request.slot, request.port
	onu_if = f"gpon-onu_1/{s}/{p}:{onu_id}"
	onu_type = request.onu_type or "ZTE-F660"
	cli = [
		"configure terminal",
		f"interface gpon-olt_1/{s}/{p}",
		f"onu {onu_id} type {onu_type} sn {request.serial}",
		"exit",
		f"interface {onu_if}",
	]
	if request.description:
		cli.append(f"description {request.description.replace(' ', '_')}")
	cli.append(f"tcont 1 profile {request.line_profile}")
	for n, vlan in enumerate(request.vlans, start=1):
		cli += [f"gemport {n} tcont 1", f"service-port {n} vport {n} user-vlan {vlan} vlan {vlan}"]
	cli += ["exit", f"pon-onu-mng {onu_if}"]
	for n, vlan in enumerate(request.vlans, start=1):
		cli.append(f"service s{n} gemport {n} vlan {vlan}")
	cli += ["exit", "end"]
	return ProvisioningPlan(
		olt=request.olt,
		frame=1,
		slot=s,
		port=p,
		onu_id=onu_id,
		serial=request.serial,
		vlans=tuple(request.vlans),
		cli=tuple(cli),
		notes=(
			"CLI plan for ZXA10 C300/C320 (ZXAN). The T-CONT bandwidth profile and ONU type must exist.",
			"No SNMP SET plan: ZTE's ONU row-creation objects are not verified.",
		),
	)


ZTE_C320 = VendorLayout(
	key="zte_c320",
	vendor="ZTE",
	model="ZXA10 C300/C320",
	technology="GPON",
	first_onu_id=1,
	max_onu_id=128,
	onu_columns=(
		Column("description", oid(f"{_ONU}.10.2.3.3.1.3"), decode_text),
		Column("serial", oid(f"{_ONU}.10.2.3.3.1.18"), lambda raw: _zte_serial(raw)),
		Column("oper_state", oid(f"{_ONU}.10.2.3.8.1.4"), _phase),
		Column("last_down_cause", oid(f"{_ONU}.10.2.3.8.1.7"), _down_cause),
		Column("distance_m", oid(f"{_ONU}.10.2.3.10.1.2"), _distance),
		Column("rx_power_dbm", oid(f"{_ONU}.20.2.2.2.1.10"), _rx_power, trailer=(1,)),
	),
	autofind_columns=(
		Column("serial", oid("1.3.6.1.4.1.3902.1012.3.13.3.1.2"), decode_gpon_serial, verified=False),
		Column("equipment_id", oid("1.3.6.1.4.1.3902.1012.3.13.3.1.11"), decode_text, verified=False),
	),
	parse_index=_parse_index,
	make_index=_make_index,
	build_preauthorisation=_preauthorisation,
	# IANA PEN 3902 (Zhongxing Telecom, ZTE). A C320 answers sysDescr "C320 Version V2.1.0
	# Software, Copyright (c) by ZTE Corporation Compiled" (LibreNMS tests/snmpsim/zxa10.snmprec);
	# older agents start with "ZXA10" (Observium's zxa10 definition).
	enterprises=(3902,),
	sys_descr=re.compile(r"^(ZTE )?ZXA10|\bC3[02]0\b.*ZTE Corporation", re.IGNORECASE),
)


def _zte_serial(raw: object) -> str | None:
	# The C320 answers "1,ZTEGC1234567" (a type prefix, a comma, the serial).
	text = decode_text(raw) if isinstance(raw, bytes | bytearray) else raw
	if isinstance(text, str) and "," in text:
		text = text.split(",", 1)[1]
	return decode_gpon_serial(text.encode() if isinstance(text, str) else text)
