"""A served address as the operator records it: checked, normalised, and given its keys.

The same rules serve the desk form (the Served Address controller), Frappe's Data Import (which
saves through that controller) and the bench import (`import_plan` below): one CSV row, one
address, refused with its reason or reduced to the values to store.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date

from gigafibre_fsm.errors import GigafibreError, InvalidInput
from gigafibre_fsm.errors import _ as mark
from gigafibre_fsm.sales.eligibility.normalise import (
	PROVINCES,
	fold,
	municipality_key,
	parse_street,
	postal_code,
	unit_key,
)
from gigafibre_fsm.subscribers.fibre_access import normalise_pon_port

SERVED, SOON, NOT_SERVED = "Served", "Soon", "Not Served"
STATUSES = (SERVED, SOON, NOT_SERVED)
# The status as an operator's export may spell it, folded.
_STATUS_SPELLINGS = {
	"served": SERVED,
	"desservi": SERVED,
	"desservie": SERVED,
	"yes": SERVED,
	"oui": SERVED,
	"soon": SOON,
	"bientot": SOON,
	"a venir": SOON,
	"not served": NOT_SERVED,
	"non desservi": NOT_SERVED,
	"non desservie": NOT_SERVED,
	"no": NOT_SERVED,
	"non": NOT_SERVED,
}
MAX_RANGE_SPAN = 500  # a range is a building or a block face, not a whole street
_CIVIC = re.compile(r"\s*(\d{1,6})\s*([a-zA-Z])?\s*(?:-\s*(\d{1,6}))?\s*")

# The CSV columns (the doctype's field names, so that Frappe's Data Import reads the same file).
COLUMNS = (
	"civic",
	"civic_end",
	"unit",
	"street",
	"municipality",
	"province",
	"postal_code",
	"status",
	"expected_date",
	"olt",
	"pon_port",
)
REQUIRED_COLUMNS = ("civic", "street", "municipality")


@dataclass(frozen=True, slots=True)
class ServedRecord:
	"""A served address, normalised: the values to store (as the doctype's fields) and its keys."""

	civic: int
	civic_end: int | None
	unit: str
	street: str
	municipality: str
	province: str
	postal_code: str | None
	status: str
	expected_date: str | None
	olt: str | None
	pon_port: str | None
	search_key: str  # the street's key: name|type|direction (indexed with the civic number)
	street_name: str  # its name's key, for ranking
	street_type: str
	direction: str
	municipality_key: str
	unit_key: str
	address_key: str  # civic|unit|street|municipality: one record per address (unique)

	def values(self) -> dict:
		return asdict(self)


def _text(value) -> str:
	return "" if value is None else str(value).strip()


def read_civic(civic, civic_end=None, unit: str = "") -> tuple[int, int | None, str]:
	"""The civic number, the end of its range (None for one civic) and the unit.

	Accepts `1200`, `1200-1210` (a range, when `civic_end` is not given) and `1200A` (civic
	1200, unit A, when no unit is given). Raises InvalidInput otherwise, or for a range that
	runs backwards or spans more than MAX_RANGE_SPAN numbers."""
	raw = _text(civic)
	match = _CIVIC.fullmatch(raw)
	if not match or int(match.group(1)) < 1:
		raise InvalidInput(mark("{civic} is not a civic number"), civic=raw or "-")
	start = int(match.group(1))
	end_text = _text(civic_end) or match.group(3) or ""
	if match.group(2):
		if unit and unit_key(unit) != match.group(2).upper():
			raise InvalidInput(mark("{civic} is not a civic number"), civic=raw)
		unit = unit or match.group(2).upper()
	end = None
	if end_text and end_text != "0":
		if not end_text.isdigit():
			raise InvalidInput(mark("{civic} is not a civic number"), civic=end_text)
		end = int(end_text)
		if end < start:
			raise InvalidInput(mark("The civic range {start}-{end} runs backwards"), start=start, end=end)
		if end - start > MAX_RANGE_SPAN:
			raise InvalidInput(
				mark("The civic range {start}-{end} spans more than {span} numbers"),
				start=start,
				end=end,
				span=MAX_RANGE_SPAN,
			)
		if end == start:
			end = None
	return start, end, unit


def read_status(status) -> str:
	"""Served, Soon or Not Served (also as a French export spells them). Empty: Served."""
	raw = _text(status)
	if not raw:
		return SERVED
	if raw in STATUSES:
		return raw
	found = _STATUS_SPELLINGS.get(" ".join(fold(raw).replace("-", " ").split()))
	if not found:
		raise InvalidInput(mark("Unknown status {status}: Served, Soon or Not Served"), status=raw)
	return found


def read_date(value) -> str | None:
	"""An ISO date (`2027-03-01`) or None."""
	if isinstance(value, date):
		return value.isoformat()
	raw = _text(value)
	if not raw:
		return None
	try:
		return date.fromisoformat(raw[:10]).isoformat()
	except ValueError:
		raise InvalidInput(mark("{date} is not a date (YYYY-MM-DD)"), date=raw)


def served_record(
	civic,
	street,
	municipality,
	*,
	civic_end=None,
	unit=None,
	province=None,
	postal_code_text=None,
	status=None,
	expected_date=None,
	olt=None,
	pon_port=None,
) -> ServedRecord:
	"""Check and normalise one served address. Raises InvalidInput (a GigafibreError) with the
	first thing wrong: civic number or range, street, municipality, province, postal code
	(Canadian format, of that province), status, expected date (required when Soon), PON port."""
	start, end, unit_text = read_civic(civic, civic_end, _text(unit))
	street_text = " ".join(_text(street).split())
	if not street_text:
		raise InvalidInput(mark("The street is missing"))
	reading = parse_street(street_text)[0]
	municipality_text = " ".join(_text(municipality).split())
	if not municipality_key(municipality_text):
		raise InvalidInput(mark("The municipality is missing"))
	province_text = _text(province).upper() or "QC"
	if fold(province_text) in ("quebec", "que", "pq"):
		province_text = "QC"
	if province_text not in PROVINCES:
		raise InvalidInput(mark("Unknown province {province}"), province=province_text)
	code = postal_code(_text(postal_code_text), province_text)
	state = read_status(status)
	when = read_date(expected_date)
	if state == SOON and not when:
		raise InvalidInput(mark("An address served soon needs its expected date"))
	port = normalise_pon_port(pon_port)  # as Service Locations store it: 0/1/3
	olt_name = _text(olt) or None
	if port and not olt_name:
		raise InvalidInput(mark("A PON port needs its OLT"))
	unit_k = unit_key(unit_text)
	town = municipality_key(municipality_text)
	return ServedRecord(
		civic=start,
		civic_end=end,
		unit=unit_k,  # shown as Canada Post writes it: 12-345 rue X
		street=street_text,
		municipality=municipality_text,
		province=province_text,
		postal_code=code,
		status=state,
		expected_date=when,
		olt=olt_name,
		pon_port=port,
		search_key=reading.key,
		street_name=reading.name,
		street_type=reading.type,
		direction=reading.direction,
		municipality_key=town,
		unit_key=unit_k,
		address_key=f"{start}|{unit_k}|{reading.key}|{town}",
	)


def address_label(
	civic: int,
	street: str,
	municipality: str,
	civic_end: int | None = None,
	unit: str | None = None,
	province: str | None = None,
	postal_code_text: str | None = None,
) -> str:
	"""The address on one line, Canada Post's way: `4-1200 boulevard Saint-Laurent, Montréal QC
	H2X 2S6` (the unit before the civic number, joined by a dash)."""
	number = f"{civic}-{civic_end}" if civic_end and civic_end != civic else str(civic)
	if unit:
		number = f"{unit}-{number}"
	place = " ".join(p for p in (municipality, province, postal_code_text) if p)
	return f"{number} {street}, {place}"


def record_from_row(row: Mapping) -> ServedRecord:
	"""A CSV row (COLUMNS as keys) as a ServedRecord; raises InvalidInput."""
	return served_record(
		row.get("civic"),
		row.get("street"),
		row.get("municipality"),
		civic_end=row.get("civic_end"),
		unit=row.get("unit"),
		province=row.get("province"),
		postal_code_text=row.get("postal_code"),
		status=row.get("status"),
		expected_date=row.get("expected_date"),
		olt=row.get("olt"),
		pon_port=row.get("pon_port"),
	)


# --- the import ---------------------------------------------------------------------------

CREATE, UPDATE, UNCHANGED, REFUSE = "create", "update", "unchanged", "refuse"
# The stored fields an import compares and writes (the keys follow from them).
STORED_FIELDS = (
	"civic",
	"civic_end",
	"unit",
	"street",
	"municipality",
	"province",
	"postal_code",
	"status",
	"expected_date",
	"olt",
	"pon_port",
)


@dataclass(frozen=True, slots=True)
class RowOutcome:
	"""What the import does with one CSV row (`line`: its line in the file, the header is 1)."""

	line: int
	action: str  # create, update, unchanged or refuse
	record: ServedRecord | None = None
	existing: str | None = None  # the name of the record updated or left unchanged
	changed: tuple[str, ...] = ()
	error: GigafibreError | None = None


def read_csv(text: str) -> list[dict]:
	"""The rows of a CSV export (UTF-8, a BOM tolerated), by column. Raises InvalidInput if a
	required column is missing or a column is unknown."""
	reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
	header = [(h or "").strip() for h in reader.fieldnames or []]
	missing = [c for c in REQUIRED_COLUMNS if c not in header]
	if missing:
		raise InvalidInput(mark("Columns missing from the file: {columns}"), columns=", ".join(missing))
	unknown = [h for h in header if h and h not in COLUMNS]
	if unknown:
		raise InvalidInput(mark("Unknown columns in the file: {columns}"), columns=", ".join(unknown))
	return [{(k or "").strip(): v for k, v in row.items()} for row in reader]


def _comparable(value):
	if value is None or value == "" or value == 0:  # an empty Int is stored as 0
		return None
	return str(value)


def import_plan(
	rows: Iterable[Mapping], existing: Mapping[str, Mapping], known_olts: Iterable[str] | None = None
) -> list[RowOutcome]:
	"""Decide, row by row, what an import does: create, update (which fields), leave unchanged,
	or refuse (why). `existing` maps address keys to the stored records (their `name` and
	STORED_FIELDS). Idempotent: the same file imported again plans nothing but `unchanged`.
	A second row for an address already in the file is refused; `known_olts`, when given, are
	the OLTs a PON port may name."""
	olts = set(known_olts) if known_olts is not None else None
	seen: dict[str, int] = {}
	outcomes = []
	for line, row in enumerate(rows, start=2):
		try:
			record = record_from_row(row)
			if olts is not None and record.olt and record.olt not in olts:
				raise InvalidInput(mark("Unknown OLT {olt}"), olt=record.olt)
			if record.address_key in seen:
				raise InvalidInput(mark("The same address as line {line}"), line=seen[record.address_key])
		except GigafibreError as e:
			outcomes.append(RowOutcome(line, REFUSE, error=e))
			continue
		seen[record.address_key] = line
		stored = existing.get(record.address_key)
		if stored is None:
			outcomes.append(RowOutcome(line, CREATE, record))
			continue
		values = record.values()
		changed = tuple(f for f in STORED_FIELDS if _comparable(values[f]) != _comparable(stored.get(f)))
		outcomes.append(RowOutcome(line, UPDATE if changed else UNCHANGED, record, stored["name"], changed))
	return outcomes
