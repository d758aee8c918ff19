"""Generate deterministic .snmprec recordings of an OLT's ONU tables, in a vendor's layout.

The raw encodings (Huawei's 0.01 dBm integers and 8-byte serials, ZTE's "1,ZTEG…" strings and
raw*0.002-30 power) are written here independently of the decoders in gigafibre_fsm, so the
tests exercise the decoders against the vendor's wire format rather than against themselves.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from pathlib import Path

from gigafibre_fsm.network.olt.layouts import HUAWEI_MA5800, ZTE_C320, oid, zte
from gigafibre_fsm.network.olt.layouts import huawei as hw


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

	def with_down(self, pons: set[tuple[int, int, int]] | None = None, onus: set[str] | None = None, cause=1):
		"""A copy where the ONUs of these PON ports (frame, slot, port), or these serials, are offline."""
		pons, onus = pons or set(), onus or set()
		return SimOlt(
			self.layout_key,
			self.name,
			[
				replace(o, online=False, down_cause=cause)
				if (o.frame, o.slot, o.port) in pons or o.serial in onus
				else o
				for o in self.onus
			],
			list(self.unregistered),
		)


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
	huawei = layout_key == HUAWEI_MA5800.key
	frame = 0 if huawei else 1
	first_slot = 1
	first_onu = 0 if huawei else 1
	prefix = "HWTC" if huawei else "ZTEG"
	onus: list[SimOnu] = []
	for n in range(onu_count):
		port_n, onu_n = divmod(n, onus_per_port)
		card_n, port = divmod(port_n, ports_per_card)
		offline = rng.random() < offline_fraction
		onus.append(
			SimOnu(
				frame=frame,
				slot=first_slot + card_n,
				port=port if huawei else port + 1,
				onu=first_onu + onu_n,
				serial=f"{prefix}{rng.getrandbits(32):08X}",
				online=not offline,
				rx_dbm=round(rng.uniform(-27.0, -14.0), 2),
				distance_m=rng.randint(80, 19000),
				down_cause=rng.choice((1, 13)) if offline else 0,
				description=f"LOC-{n + 1:05d}",
			)
		)
	pending = [
		SimUnregistered(
			frame=frame,
			slot=first_slot,
			port=(i % ports_per_card) if huawei else (i % ports_per_card) + 1,
			serial=f"{prefix}{rng.getrandbits(32):08X}",
			equipment_id="HG8145V5" if huawei else "F670L",
		)
		for i in range(unregistered)
	]
	return SimOlt(layout_key, name, onus, pending)


# snmprec ---------------------------------------------------------------------------------


def _serial_bytes(serial: str) -> bytes:
	return serial[:4].encode("ascii") + bytes.fromhex(serial[4:])


def _records(olt: SimOlt) -> list[tuple[tuple[int, ...], str, str]]:
	rows: list[tuple[tuple[int, ...], str, str]] = [
		(oid("1.3.6.1.2.1.1.1.0"), "4", f"{olt.name} simulated {olt.layout_key}"),
		(oid("1.3.6.1.2.1.1.3.0"), "67", "123456"),
		(oid("1.3.6.1.2.1.1.5.0"), "4", olt.name),
	]
	if olt.layout_key == HUAWEI_MA5800.key:
		rows.append((oid("1.3.6.1.2.1.1.2.0"), "6", "1.3.6.1.4.1.2011.2.248"))
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
		rows.append((oid("1.3.6.1.2.1.1.2.0"), "6", "1.3.6.1.4.1.3902.1015.1082.1.1.2"))
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
	else:
		raise ValueError(f"no simulator encoding for layout {olt.layout_key}")
	rows.sort(key=lambda r: r[0])
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
