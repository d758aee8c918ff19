"""Generate deterministic .snmprec recordings of an OLT's ONU tables, in a vendor's layout.

The raw encodings (Huawei's 0.01 dBm integers and 8-byte serials, ZTE's "1,ZTEG…" strings and
raw*0.002-30 power) are written here independently of the decoders in gigafibre_fsm, so the
tests exercise the decoders against the vendor's wire format rather than against themselves.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from pathlib import Path

from gigafibre_fsm.network.olt.layouts import CDATA_GPON, HUAWEI_MA5800, VSOL_V1600G, ZTE_C320, oid, zte
from gigafibre_fsm.network.olt.layouts import huawei as hw

# What each simulated OLT answers as sysObjectID / sysDescr. Values seen on real agents:
# - Huawei SmartAX: sysDescr from librenms tests/snmpsim/smartax.snmprec; sysObjectID .2011.2.248
#   is one of the SmartAX ids in Observium's os definitions (includes/definitions/os.inc.php);
# - ZTE C320: both from librenms tests/snmpsim/zxa10.snmprec;
# - V-SOL: both from librenms tests/snmpsim/vsolution_v1600d.snmprec, with "V1600D" (the EPON
#   model) renamed "V1600G" (no public capture of a V1600G's system group was found);
# - C-Data: sysObjectID from librenms tests/snmpsim/cdata.snmprec, whose sysDescr is the host
#   name (here the OLT's name).
IDENTITIES = {
	HUAWEI_MA5800.key: ("1.3.6.1.4.1.2011.2.248", "Huawei Integrated Access Software"),
	ZTE_C320.key: (
		"1.3.6.1.4.1.3902.1082.1001.320.2.1",
		"C320 Version V2.1.0 Software, Copyright (c) by ZTE Corporation Compiled",
	),
	VSOL_V1600G.key: ("1.3.6.1.4.1.37950.1.1.5.10.14.1", "V1600G"),
	CDATA_GPON.key: ("1.3.6.1.4.1.17409", None),
}


@dataclass(frozen=True)
class SimOnu:
	frame: int
	slot: int
	port: int
	onu: int
	serial: str
	online: bool = True
	admin_enabled: bool = True
	rx_dbm: float = -20.0
	distance_m: int = 1500
	down_cause: int = 0
	description: str = ""


@dataclass(frozen=True)
class SimUnregistered:
	frame: int
	slot: int
	port: int
	serial: str
	equipment_id: str = "HG8010H"


@dataclass
class SimOlt:
	"""The content of one simulated OLT: its vendor layout, its ONUs and its autofind table."""

	layout_key: str
	name: str = "OLT-SIM"
	onus: list[SimOnu] = field(default_factory=list)
	unregistered: list[SimUnregistered] = field(default_factory=list)
	# None: the vendor's usual answer (IDENTITIES); "" leaves the object out of the recording
	sys_object_id: str | None = None
	sys_descr: str | None = None

	def with_down(self, pons: set[tuple[int, int, int]] | None = None, onus: set[str] | None = None, cause=1):
		"""A copy where the ONUs of these PON ports (frame, slot, port), or these serials, are offline."""
		pons, onus = pons or set(), onus or set()
		return replace(
			self,
			onus=[
				replace(o, online=False, down_cause=cause)
				if (o.frame, o.slot, o.port) in pons or o.serial in onus
				else o
				for o in self.onus
			],
			unregistered=list(self.unregistered),
		)

	def emptied(self) -> SimOlt:
		"""A copy that answers with no ONU at all (a wiped OLT, an agent serving an empty tree)."""
		return replace(self, onus=[], unregistered=[])


def generate_fleet(
	layout_key: str,
	onu_count: int = 4096,
	ports_per_card: int = 16,
	onus_per_port: int = 128,
	seed: int = 7,
	offline_fraction: float = 0.03,
	unregistered: int = 4,
	name: str = "OLT-SIM",
) -> SimOlt:
	"""A deterministic OLT: ONUs fill ports in order (16 ports a card, 128 ONUs a port by default),
	so 4,096 ONUs are 2 cards x 16 ports x 128; a few are offline with a cause; a few unregistered
	ONUs wait in the autofind table."""
	rng = random.Random(f"{layout_key}:{seed}:{onu_count}")
	if layout_key not in NUMBERING:
		raise ValueError(f"no simulator encoding for layout {layout_key}")
	prefix, place = NUMBERING[layout_key]
	onus: list[SimOnu] = []
	for n in range(onu_count):
		port_n, onu_n = divmod(n, onus_per_port)
		card_n, port = divmod(port_n, ports_per_card)
		frame, slot, port, onu = place(card_n, port, onu_n, ports_per_card)
		offline = rng.random() < offline_fraction
		onus.append(
			SimOnu(
				frame=frame,
				slot=slot,
				port=port,
				onu=onu,
				serial=f"{prefix}{rng.getrandbits(32):08X}",
				online=not offline,
				rx_dbm=round(rng.uniform(-27.0, -14.0), 2),
				distance_m=rng.randint(80, 19000),
				down_cause=rng.choice((1, 13)) if offline else 0,
				description=f"LOC-{n + 1:05d}",
			)
		)
	pending = []
	for i in range(unregistered):
		frame, slot, port, _onu = place(0, i % ports_per_card, 0, ports_per_card)
		pending.append(
			SimUnregistered(
				frame=frame,
				slot=slot,
				port=port,
				serial=f"{prefix}{rng.getrandbits(32):08X}",
				equipment_id=EQUIPMENT[layout_key],
			)
		)
	return SimOlt(layout_key, name, onus, pending)


# Where the n-th card, port and ONU of a generated fleet sit in each vendor's numbering:
# (frame, slot, port, onu) as the layout reports them.
def _huawei_place(card: int, port: int, onu: int, ports_per_card: int) -> tuple[int, int, int, int]:
	return 0, 1 + card, port, onu  # 0/1/0:0 first


def _zte_place(card: int, port: int, onu: int, ports_per_card: int) -> tuple[int, int, int, int]:
	return 1, 1 + card, port + 1, onu + 1  # gpon-onu_1/1/1:1 first


def _vsol_place(card: int, port: int, onu: int, ports_per_card: int) -> tuple[int, int, int, int]:
	# one line card: PON ports 1..16 are numbered straight through
	pon = card * ports_per_card + port + 1
	if pon > 16:
		raise ValueError("a V-SOL V1600G has at most 16 PON ports")
	return 0, 0, pon, onu + 1


def _cdata_place(card: int, port: int, onu: int, ports_per_card: int) -> tuple[int, int, int, int]:
	return 1, card, port + 1, onu + 1  # device 1, card 0, port 1, ONU 1 first


NUMBERING = {
	HUAWEI_MA5800.key: ("HWTC", _huawei_place),
	ZTE_C320.key: ("ZTEG", _zte_place),
	VSOL_V1600G.key: ("VSOL", _vsol_place),
	CDATA_GPON.key: ("CDTC", _cdata_place),
}
EQUIPMENT = {
	HUAWEI_MA5800.key: "HG8145V5",
	ZTE_C320.key: "F670L",
	VSOL_V1600G.key: "V2802GWT",
	CDATA_GPON.key: "FD512XW",
}


# snmprec ---------------------------------------------------------------------------------


def _serial_bytes(serial: str) -> bytes:
	return serial[:4].encode("ascii") + bytes.fromhex(serial[4:])


def _records(olt: SimOlt) -> list[tuple[tuple[int, ...], str, str]]:
	usual_id, usual_descr = IDENTITIES.get(olt.layout_key, ("", None))
	object_id = usual_id if olt.sys_object_id is None else olt.sys_object_id
	descr = (usual_descr or olt.name) if olt.sys_descr is None else olt.sys_descr
	rows: list[tuple[tuple[int, ...], str, str]] = [
		(oid("1.3.6.1.2.1.1.3.0"), "67", "123456"),
		(oid("1.3.6.1.2.1.1.5.0"), "4", olt.name),
	]
	if descr:
		rows.append((oid("1.3.6.1.2.1.1.1.0"), "4", descr))
	if object_id:
		rows.append((oid("1.3.6.1.2.1.1.2.0"), "6", object_id))
	if olt.layout_key == HUAWEI_MA5800.key:
		cols = {c.field: c.oid for c in HUAWEI_MA5800.onu_columns}
		for o in olt.onus:
			idx = (hw.pon_ifindex(o.frame, o.slot, o.port), o.onu)
			rows += [
				(cols["serial"] + idx, "4x", _serial_bytes(o.serial).hex()),
				(cols["description"] + idx, "4", o.description),
				(cols["admin_state"] + idx, "2", "1" if o.admin_enabled else "2"),
				(cols["oper_state"] + idx, "2", "1" if o.online else "2"),
				(cols["distance_m"] + idx, "2", str(o.distance_m if o.online else -1)),
				(cols["last_down_cause"] + idx, "2", str(o.down_cause or -1)),
				(cols["rx_power_dbm"] + idx, "2", str(round(o.rx_dbm * 100) if o.online else 2147483647)),
			]
		af = {c.field: c.oid for c in HUAWEI_MA5800.autofind_columns}
		positions: dict[tuple[int, int, int], int] = {}
		for u in olt.unregistered:
			pos = positions[(u.frame, u.slot, u.port)] = positions.get((u.frame, u.slot, u.port), 0) + 1
			idx = (hw.pon_ifindex(u.frame, u.slot, u.port), pos)
			rows += [
				(af["equipment_id"] + idx, "4", u.equipment_id),
				(af["serial"] + idx, "4x", _serial_bytes(u.serial).hex()),
			]
	elif olt.layout_key == ZTE_C320.key:
		cols = {c.field: c.oid for c in ZTE_C320.onu_columns}
		for o in olt.onus:
			idx = (zte.pon_ifindex(o.slot, o.port), o.onu)
			rows += [
				(cols["description"] + idx, "4", o.description),
				(cols["serial"] + idx, "4", f"1,{o.serial}"),
				(cols["oper_state"] + idx, "2", "4" if o.online else ("5" if o.down_cause == 9 else "2")),
				(cols["last_down_cause"] + idx, "2", str(o.down_cause or 0)),
				(cols["distance_m"] + idx, "2", str(o.distance_m if o.online else 0)),
				(
					cols["rx_power_dbm"] + idx + (1,),
					"2",
					str(round((o.rx_dbm + 30) / 0.002) if o.online else 0),
				),
			]
		af = {c.field: c.oid for c in ZTE_C320.autofind_columns}
		positions = {}
		for u in olt.unregistered:
			pos = positions[(u.slot, u.port)] = positions.get((u.slot, u.port), 0) + 1
			idx = (zte.pon_type_index(u.slot, u.port), pos)
			rows += [
				(af["serial"] + idx, "4x", _serial_bytes(u.serial).hex()),
				(af["equipment_id"] + idx, "4", u.equipment_id),
			]
	elif olt.layout_key == VSOL_V1600G.key:
		rows += _vsol_records(olt)
	elif olt.layout_key == CDATA_GPON.key:
		rows += _cdata_records(olt)
	else:
		raise ValueError(f"no simulator encoding for layout {olt.layout_key}")
	rows.sort(key=lambda r: r[0])
	return rows


# V-SOL and C-Data: OIDs written out from their MIBs here, not taken from the layouts, so that a
# wrong OID in a layout fails the tests instead of agreeing with itself.
_VSOL = "1.3.6.1.4.1.37950.1.1.6.1"  # V1600G MIB: v1600gOnu (.1 gOnuAuthList, .2 gOnuAutoFind)


def _vsol_records(olt: SimOlt) -> list[tuple[tuple[int, ...], str, str]]:
	rows = []
	for o in olt.onus:
		i = f"{o.port}.{o.onu}"  # ponIndex.onuIndex
		dying = o.down_cause == 13
		rows += [
			(oid(f"{_VSOL}.1.1.1.3.{i}"), "2", "1" if o.admin_enabled else "2"),  # gOnuStaInfoAdminSta
			# gOnuStaInfoPhaseSta: working(3), los(1), dyingGasp(4)
			(oid(f"{_VSOL}.1.1.1.5.{i}"), "2", "3" if o.online else ("4" if dying else "1")),
			(oid(f"{_VSOL}.1.2.1.5.{i}"), "4", o.serial),  # gOnuAuthInfoAuthInfo (sn auth)
			(oid(f"{_VSOL}.1.4.1.24.{i}"), "4", o.description),  # gOnuDetailInfoOnuDesc
			(oid(f"{_VSOL}.1.12.1.3.{i}"), "2", str(o.distance_m if o.online else 0)),  # gOnuRttDistance
			# gOnuOpticalInfoRxPwr: text, "0.00" for an ONU that is not there (as LibreNMS skips it)
			(oid(f"{_VSOL}.1.3.1.7.{i}"), "4", f"{o.rx_dbm:.2f}" if o.online else "0.00"),
		]
		if not o.online:  # gOnuStaInfoLastDeregisterReason
			rows.append((oid(f"{_VSOL}.1.1.1.10.{i}"), "4", "dying gasp" if dying else "LOS"))
	positions: dict[int, int] = {}
	for u in olt.unregistered:
		pos = positions[u.port] = positions.get(u.port, 0) + 1
		rows += [
			(oid(f"{_VSOL}.2.1.1.3.{u.port}.{pos}"), "4", u.serial),  # gOnuAutoFindBaseSn
			(oid(f"{_VSOL}.2.2.1.7.{u.port}.{pos}"), "4", u.equipment_id),  # gOnuAutoFindDetailModel
		]
	return rows


_CDATA = "1.3.6.1.4.1.34592.1.5.1.1.2.18"  # CDATA-GPON-MIB: gponOnuObjects


def _cdata_records(olt: SimOlt) -> list[tuple[tuple[int, ...], str, str]]:
	rows = []
	for o in olt.onus:
		i = f"{o.frame}.{o.slot}.{o.port}.{o.onu}"  # deviceId.cardId.portId.onuId
		rows += [
			(oid(f"{_CDATA}.1.1.4.{i}"), "4", o.serial),  # gponOnuSn, 12 characters
			(oid(f"{_CDATA}.1.1.8.{i}"), "4", o.description),  # gponOnuDescription
			(oid(f"{_CDATA}.2.1.1.{i}"), "2", "1" if o.online else "2"),  # gponOnuRunState
			(oid(f"{_CDATA}.2.1.4.{i}"), "2", str(o.distance_m if o.online else 0)),  # gponOnuDistance
		]
		if o.online:  # gponOnuOpticalRxPower: no row for an ONU without optics reading
			rows.append((oid(f"{_CDATA}.6.1.4.{i}"), "4", f"{o.rx_dbm:.2f}"))
	positions: dict[tuple[int, int, int], int] = {}
	for u in olt.unregistered:
		key = (u.frame, u.slot, u.port)
		pos = positions[key] = positions.get(key, 0) + 1
		i = f"{u.frame}.{u.slot}.{u.port}.{pos}"
		rows += [
			(oid(f"{_CDATA}.5.1.3.{i}"), "4", u.serial),  # gponOnuAutofindSn
			(oid(f"{_CDATA}.5.1.7.{i}"), "4", u.equipment_id),  # gponOnuAutofindEquipmentID
		]
	return rows


def write_snmprec(olt: SimOlt, directory: Path | str, community: str, slow_ms: int = 0) -> Path:
	"""Write `<community>.snmprec` (records in numeric OID order) and return its path.

	`slow_ms` makes every ONU-table record answer after that many milliseconds (snmpsim's delay
	variation module), to simulate an overloaded OLT.
	"""
	path = Path(directory) / f"{community}.snmprec"
	lines = []
	for key, tag, value in _records(olt):
		dotted = ".".join(map(str, key))
		if slow_ms and key[:6] == (1, 3, 6, 1, 4, 1):
			# delay variation: the value must be written as the variation's parameters
			if tag == "4x":
				lines.append(f"{dotted}|4:delay|hexvalue={value},wait={slow_ms}")
			else:
				lines.append(f"{dotted}|{tag}:delay|value={value},wait={slow_ms}")
		else:
			lines.append(f"{dotted}|{tag}|{value}")
	path.write_text("\n".join(lines) + "\n", encoding="utf-8")
	return path
