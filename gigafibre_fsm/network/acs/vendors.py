"""Vendor knowledge as data: where each vendor keeps an ONT's optical readings and its GPON
serial, and in which unit (`vendor_paths.json`, every row citing its public source).

This module loads and checks that table and converts the vendors' units. Nothing here knows a
vendor by name: a new model is a new row in the JSON file, with its source.
"""

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from gigafibre_fsm.errors import InvalidInput, _

TABLE = Path(__file__).with_name("vendor_paths.json")

POWER_UNITS = ("dBm", "0.001dBm", "0.1uW", "uW")
TEMPERATURE_UNITS = ("degC", "1/256degC")
VOLTAGE_UNITS = ("V", "mV")
BIAS_UNITS = ("mA", "uA")
READINGS = ("rx", "tx", "temperature", "voltage", "bias")

# What an ONT can physically report; anything outside is a misread or a placeholder.
POWER_RANGE_DBM = (-50.0, 10.0)
TEMPERATURE_RANGE_C = (-40.0, 125.0)
VOLTAGE_RANGE_V = (1.0, 6.0)
BIAS_RANGE_MA = (0.01, 200.0)

_NUMBER_WITH_UNIT = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)\s*(?:[a-zA-Z°µ/]+)?\s*$")


@dataclass(frozen=True)
class OpticalSource:
	"""One row of the table: where one vendor/model family keeps its optical readings.

	`{i}` in a path is any instance number. `unverified` names the readings whose unit the
	source does not state: they are shown, never alarmed on.
	"""

	vendor: str
	data_model: str
	rx: str
	tx: str | None
	power_unit: str
	source: str
	models: str = ""
	manufacturers: tuple[str, ...] = ()
	temperature: str | None = None
	temperature_unit: str | None = None
	voltage: str | None = None
	voltage_unit: str | None = None
	bias: str | None = None
	bias_unit: str | None = None
	unverified: frozenset = frozenset()
	note: str = ""


@dataclass(frozen=True)
class GponSerialSource:
	"""Where a vendor reports the ONT's GPON serial: `text` ("TPLG1234ABCD") or `hex` (16 digits)."""

	vendor: str
	data_model: str
	path: str
	form: str
	source: str


def _require(row: dict, key: str, where: str):
	value = row.get(key)
	if value in (None, ""):
		raise InvalidInput(_("The vendor table row {row} has no {field}"), row=where, field=key)
	return value


def _check_unit(row: dict, key: str, allowed: tuple, where: str) -> None:
	unit = row.get(key)
	if unit is not None and unit not in allowed:
		raise InvalidInput(
			_("The vendor table row {row} has an unknown unit {unit} for {field}"),
			row=where,
			unit=unit,
			field=key,
		)


def parse_table(data: dict) -> tuple[list[OpticalSource], list[GponSerialSource]]:
	"""The table's rows, checked: every row names its source, every unit is one we convert."""
	sources = data.get("sources") or {}
	optical = []
	for n, row in enumerate(data.get("optical") or [], start=1):
		where = f"optical #{n} ({row.get('vendor')})"
		for key in ("vendor", "data_model", "rx", "power_unit", "source"):
			_require(row, key, where)
		_check_unit(row, "power_unit", POWER_UNITS, where)
		_check_unit(row, "temperature_unit", TEMPERATURE_UNITS, where)
		_check_unit(row, "voltage_unit", VOLTAGE_UNITS, where)
		_check_unit(row, "bias_unit", BIAS_UNITS, where)
		for reading in ("temperature", "voltage", "bias"):
			if row.get(reading) and not row.get(reading + "_unit"):
				raise InvalidInput(
					_("The vendor table row {row} has no {field}"), row=where, field=reading + "_unit"
				)
		unverified = frozenset(row.get("unverified") or ())
		if not unverified <= set(READINGS):
			raise InvalidInput(_("The vendor table row {row} has no {field}"), row=where, field="unverified")
		optical.append(
			OpticalSource(
				vendor=row["vendor"],
				data_model=row["data_model"],
				rx=row["rx"],
				tx=row.get("tx"),
				power_unit=row["power_unit"],
				source=_cite(row["source"], sources),
				models=row.get("models") or "",
				manufacturers=tuple(m.lower() for m in row.get("manufacturers") or ()),
				temperature=row.get("temperature"),
				temperature_unit=row.get("temperature_unit"),
				voltage=row.get("voltage"),
				voltage_unit=row.get("voltage_unit"),
				bias=row.get("bias"),
				bias_unit=row.get("bias_unit"),
				unverified=unverified,
				note=row.get("note") or "",
			)
		)
	serials = []
	for n, row in enumerate(data.get("gpon_serial") or [], start=1):
		where = f"gpon_serial #{n} ({row.get('vendor')})"
		for key in ("vendor", "data_model", "path", "form", "source"):
			_require(row, key, where)
		if row["form"] not in ("text", "hex"):
			raise InvalidInput(
				_("The vendor table row {row} has an unknown unit {unit} for {field}"),
				row=where,
				unit=row["form"],
				field="form",
			)
		serials.append(
			GponSerialSource(
				vendor=row["vendor"],
				data_model=row["data_model"],
				path=row["path"],
				form=row["form"],
				source=_cite(row["source"], sources),
			)
		)
	return optical, serials


def _cite(text: str, sources: dict) -> str:
	"""A row's source with the short names it uses ("flashman …") followed by their full reference."""
	cited = [f"{name}: {ref}" for name, ref in sources.items() if re.search(rf"\b{re.escape(name)}\b", text)]
	return text if not cited else text + " [" + "; ".join(cited) + "]"


@cache
def load_table(path: str | None = None) -> tuple[tuple[OpticalSource, ...], tuple[GponSerialSource, ...]]:
	"""The vendor table shipped with the app (or the file at `path`), parsed and checked."""
	with open(path or TABLE, encoding="utf-8") as fh:
		optical, serials = parse_table(json.load(fh))
	return tuple(optical), tuple(serials)


def number(raw) -> float | None:
	"""A finite number from a value as vendors write it: 5624, "-3.409399", "-20.5 dBm"; else None."""
	if raw is None or isinstance(raw, bool):
		return None
	if isinstance(raw, (int, float)):
		v = float(raw)
	else:
		m = _NUMBER_WITH_UNIT.match(str(raw))
		if not m:
			return None
		v = float(m.group(1))
	return v if math.isfinite(v) else None


def _within(v: float | None, bounds: tuple[float, float]) -> float | None:
	return v if v is not None and bounds[0] <= v <= bounds[1] else None


def power_dbm(raw, unit: str) -> float | None:
	"""An optical power in dBm, or None when there is no reading.

	0 and empty are placeholders (no reading), never 0 dBm. 0.1 µW and µW are linear powers:
	dBm = 10·log10(mW), so 5624 × 0.1 µW = 0.5624 mW = −2.50 dBm; a negative linear power
	is not a reading. A result outside what an ONT can see (−50…+10 dBm) is refused.
	"""
	v = number(raw)
	if v is None or v == 0:
		return None
	if unit == "dBm":
		dbm = v
	elif unit == "0.001dBm":
		dbm = v / 1000
	elif unit in ("0.1uW", "uW"):
		if v < 0:
			return None
		microwatts = v / 10 if unit == "0.1uW" else v
		dbm = 10 * math.log10(microwatts / 1000)
	else:
		raise InvalidInput(_("Unknown optical power unit {unit}"), unit=unit)
	return _within(round(dbm, 2), POWER_RANGE_DBM)


def temperature_c(raw, unit: str | None) -> float | None:
	"""A transceiver temperature in °C (1/256 °C is SFF-8472's signed 16-bit unit); 0 is no reading."""
	v = number(raw)
	if v is None or v == 0 or unit is None:
		return None
	if unit == "1/256degC":
		if v >= 32768:
			v -= 65536
		v = v / 256
	return _within(round(v, 1), TEMPERATURE_RANGE_C)


def voltage_v(raw, unit: str | None) -> float | None:
	v = number(raw)
	if v is None or v == 0 or unit is None:
		return None
	return _within(round(v / 1000 if unit == "mV" else v, 3), VOLTAGE_RANGE_V)


def bias_ma(raw, unit: str | None) -> float | None:
	v = number(raw)
	if v is None or v == 0 or unit is None:
		return None
	return _within(round(v / 1000 if unit == "uA" else v, 2), BIAS_RANGE_MA)
