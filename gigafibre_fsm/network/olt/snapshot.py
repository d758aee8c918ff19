"""Turn the raw columns of a walk into an OltSnapshot (pure: no SNMP here)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from .layouts.base import Column, VendorLayout
from .model import OltSnapshot, OnuStatus, UnregisteredOnu

RawColumn = Iterable[tuple[tuple[int, ...], object]]


def build_snapshot(
	layout: VendorLayout,
	olt: str,
	taken_at: datetime,
	columns: Mapping[tuple[int, ...], RawColumn],
) -> OltSnapshot:
	"""Decode walked columns (column OID -> [(index suffix, raw value)]) into a snapshot.

	Rows whose index the layout does not understand are skipped rather than guessed; a column
	the OLT did not answer leaves its field None on every ONU.
	"""
	onu_fields: dict[tuple[int, int, int, int], dict] = {}
	for column in layout.onu_columns:
		for key, value in _decoded(layout, column, columns.get(column.oid, ())):
			onu_fields.setdefault(key, {})[column.field] = value
	snapshot = OltSnapshot(olt=olt, taken_at=taken_at)
	for (frame, slot, port, onu), fields in onu_fields.items():
		if "oper_state" not in fields:
			fields["oper_state"] = "unknown"
		status = OnuStatus(olt=olt, frame=frame, slot=slot, port=port, onu=onu, **fields)
		snapshot.onus[status.id] = status

	found: dict[tuple[int, int, int, int], dict] = {}
	for column in layout.autofind_columns:
		for key, value in _decoded(layout, column, columns.get(column.oid, ())):
			found.setdefault(key, {})[column.field] = value
	for (frame, slot, port, _position), fields in sorted(found.items()):
		if fields.get("serial"):
			snapshot.unregistered.append(
				UnregisteredOnu(
					olt=olt,
					frame=frame,
					slot=slot,
					port=port,
					serial=fields["serial"],
					equipment_id=fields.get("equipment_id"),
				)
			)
	return snapshot


def _decoded(layout: VendorLayout, column: Column, rows: RawColumn):
	trailer = column.trailer
	cut = len(trailer)
	for suffix, raw in rows:
		if cut:
			if suffix[-cut:] != trailer:
				continue
			suffix = suffix[:-cut]
		key = layout.parse_index(tuple(suffix))
		if key is not None:
			yield key, column.decode(raw)
