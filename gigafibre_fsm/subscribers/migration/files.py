"""The four CSV files of an operator's export: which columns they have, read into plain rows.

The columns are the seed system's field names (Customer, Address, Service Location, Service
Equipment, Service Subscription), so that an export from it needs no renaming; README.md lists
them. A file's problem (an unknown or missing column) stops the whole import before anything is
planned: it is the file that is wrong, not a row.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from gigafibre_fsm.errors import InvalidInput, _

MAX_FILE_BYTES = 50 * 1024 * 1024  # per CSV once unzipped: a 50 MB export is ~200,000 rows
CUSTOMERS, LOCATIONS, EQUIPMENT, SUBSCRIPTIONS = "customers", "locations", "equipment", "subscriptions"
# The order rows are planned and written in: a row only refers to rows of the files before it.
KINDS = (CUSTOMERS, LOCATIONS, EQUIPMENT, SUBSCRIPTIONS)

# kind -> (required columns, optional columns)
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
	CUSTOMERS: (
		("name", "customer_name"),
		("customer_type", "is_commercial", "email_id", "mobile_no", "language"),
	),
	LOCATIONS: (
		("name", "customer", "address_line1", "city", "pincode"),
		(
			"location_name",
			"status",
			"address_line2",
			"state",
			"latitude",
			"longitude",
			"olt",
			"pon_port",
			"onu_id",
			"onu_serial",
			"internet_vlan",
			"iptv_vlan",
			"voip_vlan",
			"management_vlan",
			"connection_type",
			"pppoe_username",
			"static_ip",
		),
	),
	EQUIPMENT: (
		("name", "equipment_type", "serial_number"),
		(
			"status",
			"mac_address",
			"manufacturer",
			"model",
			"firmware_version",
			"management_ip",
			"service_location",
			"customer",
		),
	),
	SUBSCRIPTIONS: (
		("name", "customer", "service_location", "plan_type", "plan"),
		("status", "actual_price", "start_date", "end_date"),
	),
}


def record_fields(kind: str) -> tuple[str, ...]:
	"""Every column of a kind of row except its key (`name`): the fields it sets on its record."""
	required, optional = COLUMNS[kind]
	return tuple(c for c in (*required, *optional) if c != "name")


def file_name(kind: str) -> str:
	"""The file a kind of row is read from: customers → customers.csv."""
	return f"{kind}.csv"


@dataclass(frozen=True)
class Row:
	"""One data row of one file: its line in the file (the header is line 1) and its cells,
	stripped, keyed by column."""

	kind: str
	line: int
	cells: dict[str, str]


def read_csv(kind: str, text: str) -> list[Row]:
	"""The rows of one file's text. Raises InvalidInput when a column is unknown, missing or
	repeated, so that a misspelt header never silently drops a field."""
	required, optional = COLUMNS[kind]
	reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
	header = next(reader, None)
	if not header:
		raise InvalidInput(_("{file} is empty: it needs a header row"), file=file_name(kind))
	header = [h.strip().lower() for h in header]
	known = set(required) | set(optional)
	for column in header:
		if column not in known:
			raise InvalidInput(
				_("{file}: unknown column {column}; the columns are {columns}"),
				file=file_name(kind),
				column=column,
				columns=", ".join((*required, *optional)),
			)
		if header.count(column) > 1:
			raise InvalidInput(
				_("{file}: the column {column} appears twice"), file=file_name(kind), column=column
			)
	for column in required:
		if column not in header:
			raise InvalidInput(
				_("{file}: the column {column} is missing"), file=file_name(kind), column=column
			)
	rows = []
	for cells in reader:
		if not any(c.strip() for c in cells):
			continue  # blank lines, as spreadsheets leave them at the end
		values = {column: (cells[i].strip() if i < len(cells) else "") for i, column in enumerate(header)}
		rows.append(Row(kind, reader.line_num, values))
	return rows


def read_folder(folder: str | Path) -> dict[str, list[Row]]:
	"""The rows of every file the folder holds (customers.csv, locations.csv, equipment.csv,
	subscriptions.csv; any of them may be absent). Raises InvalidInput when it holds none."""
	folder = Path(folder)
	found = {}
	for kind in KINDS:
		path = folder / file_name(kind)
		if path.is_file():
			found[kind] = read_csv(kind, path.read_text(encoding="utf-8"))
	if not found:
		raise InvalidInput(
			_("{folder} holds none of {files}"),
			folder=str(folder),
			files=", ".join(file_name(k) for k in KINDS),
		)
	return found


def read_zip(data: bytes) -> dict[str, list[Row]]:
	"""The rows of the four files in a zip archive (at its top level or in one folder, as
	"compress this folder" makes it), read in memory. Raises InvalidInput when it is not a zip,
	holds none of the files, or a file unzips to more than MAX_FILE_BYTES."""
	try:
		archive = zipfile.ZipFile(io.BytesIO(data))
	except zipfile.BadZipFile:
		raise InvalidInput(_("The file is not a zip archive")) from None
	members = {}
	for info in archive.infolist():
		parts = info.filename.replace("\\", "/").split("/")
		kind = parts[-1].lower().removesuffix(".csv")
		if info.is_dir() or len(parts) > 2 or parts[0] == "__MACOSX" or kind not in KINDS:
			continue
		if kind in members:
			raise InvalidInput(_("The archive holds {file} twice"), file=file_name(kind))
		members[kind] = info
	found = {}
	with archive:
		for kind in (k for k in KINDS if k in members):
			info = members[kind]
			if info.file_size > MAX_FILE_BYTES:
				raise InvalidInput(
					_("{file} is larger than {size} MB once unzipped"),
					file=file_name(kind),
					size=MAX_FILE_BYTES // (1024 * 1024),
				)
			with archive.open(info) as fh:
				raw = fh.read(MAX_FILE_BYTES + 1)  # the header's size may lie
			if len(raw) > MAX_FILE_BYTES:
				raise InvalidInput(
					_("{file} is larger than {size} MB once unzipped"),
					file=file_name(kind),
					size=MAX_FILE_BYTES // (1024 * 1024),
				)
			try:
				text = raw.decode("utf-8")
			except UnicodeDecodeError:
				raise InvalidInput(_("{file} is not UTF-8 text"), file=file_name(kind)) from None
			found[kind] = read_csv(kind, text)
	if not found:
		raise InvalidInput(
			_("The archive holds none of {files}"), files=", ".join(file_name(k) for k in KINDS)
		)
	return found
