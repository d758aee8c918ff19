"""What importing an operator's export would do, row by row: create, update, leave, or refuse.

Every row is checked with the same rules the desk applies (equipment_identity for MACs and
serials, fibre_access for the drop, the Canadian postal code, phonenumbers for phones, the
subscription lifecycle for statuses) and compared with what the site already holds, so that:

- the key of a row is the seed's own record name (a customer's ID, LOC-#####, EQP-#####,
  SUB-#####): a migrated record keeps its name, and a second run finds it by that name and
  changes nothing (`UNCHANGED`);
- a row referring to another record (a location's customer, a subscription's location) is
  accepted only when that record is in the files (and not refused there) or on the site;
- a key that appears twice in a file refuses every row that carries it: which one is right is
  for a person to say.

Nothing here touches a database: the shell passes what the site holds as a `SiteState` and
applies the plan.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from datetime import date

from gigafibre_fsm.errors import GigafibreError, InvalidInput, _
from gigafibre_fsm.geo import validate_coordinates
from gigafibre_fsm.messaging.sms.phone import normalise_phone
from gigafibre_fsm.sales.eligibility.normalise import PROVINCES, postal_code
from gigafibre_fsm.subscribers.equipment_identity import normalise_mac, normalise_serial
from gigafibre_fsm.subscribers.fibre_access import (
	normalise_pon_port,
	validate_ip_address,
	validate_onu_id,
	validate_vlan,
)
from gigafibre_fsm.subscribers.migration.files import (
	CUSTOMERS,
	EQUIPMENT,
	KINDS,
	LOCATIONS,
	SUBSCRIPTIONS,
	Row,
	file_name,
)
from gigafibre_fsm.subscribers.subscription_lifecycle import SUBSCRIPTION_LIFECYCLE

CREATE, UPDATE, UNCHANGED, REFUSE = "create", "update", "unchanged", "refuse"

# The seed's naming series: an imported record keeps its name, so it must be one of these.
SERIES = {LOCATIONS: "LOC-", EQUIPMENT: "EQP-", SUBSCRIPTIONS: "SUB-"}
DOCTYPES = {
	CUSTOMERS: "Customer",
	LOCATIONS: "Service Location",
	EQUIPMENT: "Service Equipment",
	SUBSCRIPTIONS: "Service Subscription",
}
CUSTOMER_TYPES = ("Individual", "Company")
LANGUAGES = ("fr", "en")
LOCATION_STATUSES = ("Pending Installation", "Active", "Suspended", "Disconnected")
CONNECTION_TYPES = ("PPPoE", "DHCP", "Static IP")
EQUIPMENT_TYPES = ("ONT", "Router", "Switch", "AP", "Decodeur")
EQUIPMENT_STATUSES = ("En stock", "Active", "Inactive", "Defectueux", "Retourne")
PLAN_TYPES = ("Internet", "IPTV", "VoIP", "Bundle")
MAX_NAME = 140  # Frappe's limit on a document name
# Columns the site fills in itself when a record is made without them (ERPNext gives a customer
# the system's language, a location is named after its address): left empty in a file, they
# keep what the site has instead of counting as a change on every run.
SITE_DEFAULTED = frozenset({"language", "location_name"})
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_YES = {"1": 1, "yes": 1, "oui": 1, "true": 1, "0": 0, "no": 0, "non": 0, "false": 0, "": 0}


@dataclass(frozen=True)
class SiteState:
	"""What the site holds that the files refer to, as plain values in the files' columns.

	`customers`, `locations`, `equipment`, `subscriptions`: record name → its values (the same
	keys as the file's columns, normalised as this module normalises a row); `equipment_by_serial`
	and `equipment_by_mac`: normalised serial / MAC → the Service Equipment holding it; `plans`:
	the Items that exist."""

	customers: dict[str, dict] = field(default_factory=dict)
	locations: dict[str, dict] = field(default_factory=dict)
	equipment: dict[str, dict] = field(default_factory=dict)
	subscriptions: dict[str, dict] = field(default_factory=dict)
	equipment_by_serial: dict[str, str] = field(default_factory=dict)
	equipment_by_mac: dict[str, str] = field(default_factory=dict)
	plans: frozenset[str] = frozenset()

	def records(self, kind: str) -> dict[str, dict]:
		return getattr(self, kind)


@dataclass(frozen=True)
class Lookups:
	"""What the shell must load from the site to plan these files (see `lookups`)."""

	names: dict[str, set[str]]
	serials: set[str]
	macs: set[str]
	plans: set[str]


@dataclass(frozen=True)
class RowOutcome:
	"""The decision on one row.

	`values`: the row normalised (what would be written); `changed`: the columns an update
	changes; `statuses`: for a subscription, the statuses it goes through after being created
	(or from its present status), one save each, as the lifecycle requires; `error` and
	`column`: why a row is refused, and in which column when it is one cell's fault."""

	kind: str
	line: int
	key: str | None
	action: str
	values: dict = field(default_factory=dict)
	changed: tuple[str, ...] = ()
	statuses: tuple[str, ...] = ()
	error: GigafibreError | None = None
	column: str | None = None

	@property
	def file(self) -> str:
		return file_name(self.kind)


class _Refused(Exception):
	def __init__(self, error: GigafibreError, column: str | None = None):
		super().__init__(str(error))
		self.error, self.column = error, column


def _cell(column: str, check, *args):
	"""Run one cell's rule; a broken rule refuses the row, naming the column."""
	try:
		return check(*args)
	except GigafibreError as e:
		raise _Refused(e, column) from None


def _required(cells: dict, column: str) -> str:
	value = cells.get(column, "")
	if not value:
		raise _Refused(InvalidInput(_("{column} is required"), column=column), column)
	return value


def _choice(cells: dict, column: str, choices: tuple[str, ...], default: str | None = None) -> str | None:
	value = cells.get(column, "")
	if not value:
		return default
	for choice in choices:
		if value.casefold() == choice.casefold():
			return choice
	raise _Refused(
		InvalidInput(_("{value} is not one of {choices}"), value=value, choices=", ".join(choices)),
		column,
	)


def _integer(cells: dict, column: str) -> int | None:
	value = cells.get(column, "")
	if not value:
		return None
	try:
		return int(value)
	except ValueError:
		raise _Refused(InvalidInput(_("{value} is not a whole number"), value=value), column) from None


def _number(cells: dict, column: str) -> float | None:
	value = cells.get(column, "").replace(",", ".")
	if not value:
		return None
	try:
		return float(value)
	except ValueError:
		raise _Refused(InvalidInput(_("{value} is not a number"), value=cells[column]), column) from None


def _date(cells: dict, column: str) -> str | None:
	value = cells.get(column, "")
	if not value:
		return None
	try:
		return date.fromisoformat(value).isoformat()
	except ValueError:
		raise _Refused(InvalidInput(_("{value} is not a date (YYYY-MM-DD)"), value=value), column) from None


def _key(kind: str, cells: dict) -> str:
	key = _required(cells, "name")
	if len(key) > MAX_NAME:
		raise _Refused(InvalidInput(_("{value} is longer than 140 characters"), value=key[:40] + "…"), "name")
	prefix = SERIES.get(kind)
	if prefix and not re.fullmatch(re.escape(prefix) + r"\d{1,9}", key):
		raise _Refused(
			InvalidInput(
				_("{value} is not a {doctype} ID ({prefix} followed by digits)"),
				value=key,
				doctype=DOCTYPES[kind],
				prefix=prefix,
			),
			"name",
		)
	return key


# --- one row → its values ---------------------------------------------------------------------


def customer_values(cells: dict) -> dict:
	"""A customers.csv row, checked and normalised (raises _Refused)."""
	email = cells.get("email_id", "").lower() or None
	if email and not _EMAIL.match(email):
		raise _Refused(
			InvalidInput(_("{value} is not an email address"), value=cells["email_id"]), "email_id"
		)
	mobile = cells.get("mobile_no", "")
	is_commercial = _YES.get(cells.get("is_commercial", "").lower())
	if is_commercial is None:
		raise _Refused(
			InvalidInput(_("{value} is not yes or no (1/0)"), value=cells["is_commercial"]), "is_commercial"
		)
	return {
		"name": _key(CUSTOMERS, cells),
		"customer_name": _required(cells, "customer_name"),
		"customer_type": _choice(cells, "customer_type", CUSTOMER_TYPES, "Individual"),
		"is_commercial": is_commercial,
		"email_id": email,
		"mobile_no": _cell("mobile_no", normalise_phone, mobile) if mobile else None,
		"language": _choice(cells, "language", LANGUAGES, None),
	}


def location_values(cells: dict) -> dict:
	"""A locations.csv row, checked and normalised (raises _Refused)."""
	state = _choice(cells, "state", PROVINCES, "QC")
	coordinates = _cell("latitude", validate_coordinates, cells.get("latitude"), cells.get("longitude"))
	values = {
		"name": _key(LOCATIONS, cells),
		"customer": _required(cells, "customer"),
		"location_name": cells.get("location_name") or None,
		"status": _choice(cells, "status", LOCATION_STATUSES, "Pending Installation"),
		"address_line1": _required(cells, "address_line1"),
		"address_line2": cells.get("address_line2") or None,
		"city": _required(cells, "city"),
		"state": state,
		"pincode": _cell("pincode", postal_code, _required(cells, "pincode"), state),
		"latitude": coordinates[0] if coordinates else None,
		"longitude": coordinates[1] if coordinates else None,
		"olt": cells.get("olt") or None,
		"pon_port": _cell("pon_port", normalise_pon_port, cells.get("pon_port")),
		"onu_id": _integer(cells, "onu_id"),
		"onu_serial": _cell("onu_serial", normalise_serial, cells["onu_serial"])
		if cells.get("onu_serial")
		else None,
		"connection_type": _choice(cells, "connection_type", CONNECTION_TYPES, None),
		"pppoe_username": cells.get("pppoe_username") or None,
		"static_ip": _cell("static_ip", validate_ip_address, "static_ip", cells.get("static_ip")),
	}
	_cell("onu_id", validate_onu_id, values["onu_id"])
	for column in ("internet_vlan", "iptv_vlan", "voip_vlan", "management_vlan"):
		values[column] = _integer(cells, column)
		_cell(column, validate_vlan, column, values[column])
	return values


def equipment_values(cells: dict) -> dict:
	"""An equipment.csv row, checked and normalised (raises _Refused)."""
	return {
		"name": _key(EQUIPMENT, cells),
		"equipment_type": _choice(cells, "equipment_type", EQUIPMENT_TYPES)
		or _required(cells, "equipment_type"),
		"status": _choice(cells, "status", EQUIPMENT_STATUSES, "En stock"),
		"serial_number": _cell("serial_number", normalise_serial, _required(cells, "serial_number")),
		"mac_address": _cell("mac_address", normalise_mac, cells.get("mac_address")),
		"manufacturer": cells.get("manufacturer") or None,
		"model": cells.get("model") or None,
		"firmware_version": cells.get("firmware_version") or None,
		"management_ip": _cell(
			"management_ip", validate_ip_address, "management_ip", cells.get("management_ip")
		),
		"service_location": cells.get("service_location") or None,
		"customer": cells.get("customer") or None,
	}


def subscription_values(cells: dict) -> dict:
	"""A subscriptions.csv row, checked and normalised (raises _Refused)."""
	values = {
		"name": _key(SUBSCRIPTIONS, cells),
		"customer": _required(cells, "customer"),
		"service_location": _required(cells, "service_location"),
		"plan_type": _choice(cells, "plan_type", PLAN_TYPES) or _required(cells, "plan_type"),
		"plan": _required(cells, "plan"),
		"status": _choice(cells, "status", SUBSCRIPTION_LIFECYCLE.statuses, SUBSCRIPTION_LIFECYCLE.initial),
		"actual_price": _number(cells, "actual_price"),
		"start_date": _date(cells, "start_date"),
		"end_date": _date(cells, "end_date"),
	}
	if values["actual_price"] is not None and values["actual_price"] < 0:
		raise _Refused(InvalidInput(_("The actual price cannot be negative")), "actual_price")
	if values["start_date"] and values["end_date"] and values["end_date"] < values["start_date"]:
		raise _Refused(InvalidInput(_("The end date cannot be before the start date")), "end_date")
	return values


VALUES = {
	CUSTOMERS: customer_values,
	LOCATIONS: location_values,
	EQUIPMENT: equipment_values,
	SUBSCRIPTIONS: subscription_values,
}


def status_path(old: str | None, new: str) -> tuple[str, ...]:
	"""The statuses a subscription goes through from `old` (None: just created, so the
	lifecycle's initial status) to `new`, shortest first; () when it is already there.
	Raises IllegalTransition when the lifecycle has no way there (Cancelled → Active)."""
	start = old or SUBSCRIPTION_LIFECYCLE.initial
	if start == new:
		return ()
	came_from = {start: None}
	queue = deque([start])
	while queue:
		status = queue.popleft()
		for following in sorted(SUBSCRIPTION_LIFECYCLE.transitions.get(status, ())):
			if following in came_from:
				continue
			came_from[following] = status
			if following == new:
				path = [new]
				while came_from[path[-1]] != start:
					path.append(came_from[path[-1]])
				return tuple(reversed(path))
			queue.append(following)
	SUBSCRIPTION_LIFECYCLE.check(start, new)  # no way there: raises, in the lifecycle's own words
	return (new,)  # not reached: a legal move would have been found above


def _same(a, b) -> bool:
	empty = (None, "", 0, 0.0)
	if a in empty and b in empty:
		return True
	if isinstance(a, float) or isinstance(b, float):
		try:
			return abs(float(a) - float(b)) < 1e-7
		except (TypeError, ValueError):
			return False
	return str(a) == str(b)


# --- the plan ---------------------------------------------------------------------------------


def lookups(files: dict[str, list[Row]]) -> Lookups:
	"""The record names, serials, MACs and plans the shell must look up on the site to plan
	these files: every row's key and every name a row refers to."""
	names = {kind: set() for kind in KINDS}
	serials, macs, plans = set(), set(), set()
	for kind, rows in files.items():
		for row in rows:
			cells = row.cells
			if cells.get("name"):
				names[kind].add(cells["name"])
			if cells.get("customer"):
				names[CUSTOMERS].add(cells["customer"])
			if cells.get("service_location"):
				names[LOCATIONS].add(cells["service_location"])
			if kind == SUBSCRIPTIONS and cells.get("plan"):
				plans.add(cells["plan"])
			if kind == EQUIPMENT:
				for column, found, normalise in (
					("serial_number", serials, normalise_serial),
					("mac_address", macs, normalise_mac),
				):
					try:
						value = normalise(cells.get(column))
					except GigafibreError:
						continue
					if value:
						found.add(value)
	return Lookups(names, serials, macs, plans)


class _Planner:
	def __init__(self, site: SiteState):
		self.site = site
		# kind -> key -> (line, accepted values or None when refused)
		self.in_files: dict[str, dict[str, tuple[int, dict | None]]] = {kind: {} for kind in KINDS}

	def reference(self, kind: str, key: str, column: str) -> dict:
		"""The values of the record `key` refers to: from the files when accepted there, else
		the site's; refuses the row when it is refused in its file or exists nowhere."""
		if key in self.in_files[kind]:
			line, values = self.in_files[kind][key]
			if values is None:
				raise _Refused(
					InvalidInput(
						_("{value} is refused in {file} (line {line})"),
						value=key,
						file=file_name(kind),
						line=line,
					),
					column,
				)
			return values
		if key in self.site.records(kind):
			return self.site.records(kind)[key]
		raise _Refused(
			InvalidInput(
				_("{doctype} {value} is neither in {file} nor on the site"),
				doctype=DOCTYPES[kind],
				value=key,
				file=file_name(kind),
			),
			column,
		)

	def check_references(self, kind: str, values: dict) -> None:
		if kind == LOCATIONS:
			self.reference(CUSTOMERS, values["customer"], "customer")
		elif kind == EQUIPMENT:
			if values["service_location"]:
				owner = self.reference(LOCATIONS, values["service_location"], "service_location")["customer"]
				if values["customer"] and values["customer"] != owner:
					raise _Refused(
						_belongs(values["service_location"], owner, values["customer"]), "customer"
					)
				values["customer"] = owner
			elif values["customer"]:
				self.reference(CUSTOMERS, values["customer"], "customer")
			self.check_unique(values, "serial_number", self.site.equipment_by_serial)
			self.check_unique(values, "mac_address", self.site.equipment_by_mac)
		elif kind == SUBSCRIPTIONS:
			self.reference(CUSTOMERS, values["customer"], "customer")
			owner = self.reference(LOCATIONS, values["service_location"], "service_location")["customer"]
			if owner != values["customer"]:
				raise _Refused(
					_belongs(values["service_location"], owner, values["customer"]), "service_location"
				)
			if values["plan"] not in self.site.plans:
				raise _Refused(
					InvalidInput(_("The plan {value} is not an Item on the site"), value=values["plan"]),
					"plan",
				)

	def check_unique(self, values: dict, column: str, on_site: dict[str, str]) -> None:
		holder = values[column] and on_site.get(values[column])
		if holder and holder != values["name"]:
			raise _Refused(
				InvalidInput(
					_("{value} is already recorded on {holder}"), value=values[column], holder=holder
				),
				column,
			)

	def decide(self, kind: str, values: dict) -> RowOutcome:
		key = values["name"]
		existing = self.site.records(kind).get(key)
		if existing is None:
			statuses = status_path(None, values["status"]) if kind == SUBSCRIPTIONS else ()
			return RowOutcome(kind, 0, key, CREATE, values, statuses=statuses)
		owner_column = "customer" if kind in (LOCATIONS, SUBSCRIPTIONS) else None
		if owner_column and existing.get("customer") != values["customer"]:
			raise _Refused(
				InvalidInput(
					_("{value} already exists on the site for {holder}, not {customer}"),
					value=key,
					holder=existing.get("customer"),
					customer=values["customer"],
				),
				"name",
			)
		changed = tuple(
			c
			for c in values
			if c != "name"
			and not (c in SITE_DEFAULTED and values[c] is None)
			and not _same(values[c], existing.get(c))
		)
		statuses = ()
		if kind == SUBSCRIPTIONS and "status" in changed:
			try:
				statuses = status_path(existing.get("status"), values["status"])
			except GigafibreError as e:
				raise _Refused(e, "status") from None
		return RowOutcome(kind, 0, key, UPDATE if changed else UNCHANGED, values, changed, statuses)


def _belongs(location: str, owner: str, customer: str) -> InvalidInput:
	return InvalidInput(
		_("Service Location {location} belongs to {owner}, not to {customer}"),
		location=location,
		owner=owner,
		customer=customer,
	)


def _duplicates(rows: list[Row]) -> dict[str, list[int]]:
	lines: dict[str, list[int]] = {}
	for row in rows:
		key = row.cells.get("name")
		if key:
			lines.setdefault(key, []).append(row.line)
	return {k: v for k, v in lines.items() if len(v) > 1}


def _duplicate_cells(rows: list[Row], column: str, normalise) -> dict[int, tuple[str, list[int]]]:
	"""line → (value, every line holding it) for the rows whose `column` repeats another's."""
	lines: dict[str, list[int]] = {}
	for row in rows:
		try:
			value = normalise(row.cells.get(column))
		except GigafibreError:
			continue
		if value:
			lines.setdefault(value, []).append(row.line)
	return {line: (value, found) for value, found in lines.items() if len(found) > 1 for line in found}


def plan_import(files: dict[str, list[Row]], site: SiteState) -> list[RowOutcome]:
	"""Decide every row of `files` (kind → rows, as `files.read_folder` returns) against what
	the site holds: one RowOutcome per row, in file order (customers, locations, equipment,
	subscriptions). The decisions are the ones the real run applies."""
	planner = _Planner(site)
	outcomes = []
	for kind in KINDS:
		rows = files.get(kind, [])
		duplicates = _duplicates(rows)
		repeated = {}
		if kind == EQUIPMENT:
			repeated = {
				"serial_number": _duplicate_cells(rows, "serial_number", normalise_serial),
				"mac_address": _duplicate_cells(rows, "mac_address", normalise_mac),
			}
		for row in rows:
			key = row.cells.get("name") or None
			try:
				if key in duplicates:
					raise _Refused(
						InvalidInput(
							_("{value} appears on several lines of {file} ({lines}): which one is right?"),
							value=key,
							file=file_name(kind),
							lines=", ".join(str(n) for n in duplicates[key]),
						),
						"name",
					)
				values = VALUES[kind](row.cells)
				for column, lines in repeated.items():
					if row.line in lines:
						value, found = lines[row.line]
						raise _Refused(
							InvalidInput(
								_(
									"{value} appears on several lines of {file} ({lines}): which one is right?"
								),
								value=value,
								file=file_name(kind),
								lines=", ".join(str(n) for n in found),
							),
							column,
						)
				planner.check_references(kind, values)
				outcome = planner.decide(kind, values)
				outcome = RowOutcome(
					kind, row.line, key, outcome.action, outcome.values, outcome.changed, outcome.statuses
				)
			except _Refused as refused:
				outcome = RowOutcome(kind, row.line, key, REFUSE, error=refused.error, column=refused.column)
			if key and key not in planner.in_files[kind]:
				planner.in_files[kind][key] = (row.line, None if outcome.action == REFUSE else outcome.values)
			outcomes.append(outcome)
	return outcomes


def counts(outcomes: list[RowOutcome]) -> dict[str, dict[str, int]]:
	"""kind → action → number of rows, for the report's summary."""
	summary = {kind: {a: 0 for a in (CREATE, UPDATE, UNCHANGED, REFUSE)} for kind in KINDS}
	for outcome in outcomes:
		summary[outcome.kind][outcome.action] += 1
	return summary
