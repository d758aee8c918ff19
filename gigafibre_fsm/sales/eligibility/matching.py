"""Which served addresses answer a query, best first.

The shell fetches the candidates by an index range scan on the street key (a prefix of the
name) or on the postal code; this decides which of them match and in what order. A civic
number, a unit or a direction (Est/Ouest) that differs rules a candidate out (another
building, another dwelling, another street); a street type, a municipality or a postal code
that differs only lowers it, since people get those wrong more often than the building.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from gigafibre_fsm.sales.eligibility.normalise import Street
from gigafibre_fsm.sales.eligibility.query import AddressQuery
from gigafibre_fsm.sales.eligibility.records import MAX_RANGE_SPAN

# Scores: a weight for each part that agrees, a penalty for each that disagrees.
SAME_NAME, NAME_PREFIX = 100, 60
SAME_TYPE, OTHER_TYPE = 10, -15
SAME_DIRECTION = 10
SAME_MUNICIPALITY, MUNICIPALITY_PREFIX, OTHER_MUNICIPALITY = 15, 8, -20
SAME_POSTAL_CODE, OTHER_POSTAL_CODE = 30, -10
SAME_CIVIC, IN_RANGE = 20, 15
SAME_UNIT, BUILDING_FOR_UNIT, UNIT_NOT_GIVEN = 20, 5, -5
LATER_READING = -5  # a reading of the street that is not the most likely one


@dataclass(frozen=True, slots=True)
class Served:
	"""A served address as the matcher sees it: its keys, and `ref` for the caller (a name)."""

	ref: str
	civic: int
	street: Street
	municipality: str
	unit: str = ""
	civic_end: int | None = None
	postal_code: str | None = None


@dataclass(frozen=True, slots=True)
class Match:
	served: Served
	score: int
	postal_code_matches: bool | None = None  # None: the query gave none, or the address has none
	reasons: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Scan:
	"""The index range scans that fetch a query's candidates, never the whole table.

	With a civic number N, for each name prefix: the addresses at N (index `civic, search_key`:
	equality then the prefix's range), and the civic ranges that hold N (index `civic_end,
	search_key`: a range ends between N and N + MAX_RANGE_SPAN, and only ranges have an end).
	Without a civic number: the street keys starting with the prefix (index `search_key,
	civic`). With no street: the postal code (index `postal_code, civic`)."""

	prefixes: tuple[str, ...]
	postal_code: str | None
	civic: int | None

	@property
	def range_ends(self) -> tuple[int, int] | None:
		"""The ends a civic range holding `civic` can have (None without a civic number)."""
		return None if self.civic is None else (self.civic, self.civic + MAX_RANGE_SPAN)

	def admits(self, served: Served) -> bool:
		"""True if the scan returns `served` (the same rule as the shell's SQL, for memory)."""
		if self.civic is not None and not (
			served.civic == self.civic
			or (served.civic_end and served.civic <= self.civic <= served.civic_end)
		):
			return False
		if self.prefixes:
			return any(served.street.key.startswith(p) for p in self.prefixes)
		return served.postal_code == self.postal_code


def scan_for(query: AddressQuery) -> Scan:
	"""What to read from the indexes for `query`."""
	return Scan(query.name_prefixes, None if query.streets else query.postal_code, query.civic)


def civic_matches(civic: int, start: int, end: int | None) -> bool:
	"""True if `civic` is the served civic number or inside its range `start`-`end`.

	A range whose ends have the same parity is one side of the street (`1200-1210`: 1200, 1202
	… 1210), as Québec numbers odd and even on opposite sides; ends of different parity
	(`1200-1211`) cover both sides."""
	if not end or end == start:
		return civic == start
	if not start <= civic <= end:
		return False
	return start % 2 != end % 2 or civic % 2 == start % 2


def _street_score(query: AddressQuery, street: Street) -> tuple[int, list[str]] | None:
	best = None
	for i, reading in enumerate(query.streets):
		if street.name == reading.name:
			score, why = SAME_NAME, ["name"]
		elif street.name.startswith(reading.name):
			# a name being typed: the more of it typed, the closer
			score = NAME_PREFIX + (SAME_NAME - NAME_PREFIX) * len(reading.name) // (2 * len(street.name))
			why = ["name prefix"]
		else:
			continue
		if reading.type and street.type:
			score += SAME_TYPE if reading.type == street.type else OTHER_TYPE
			why.append("type" if reading.type == street.type else "other type")
		if reading.direction and street.direction:
			if reading.direction != street.direction:
				continue  # Sherbrooke Est and Sherbrooke Ouest are two streets, same numbers
			score += SAME_DIRECTION
			why.append("direction")
		score += LATER_READING * i
		if best is None or score > best[0]:
			best = (score, why)
	return best


def score(query: AddressQuery, served: Served) -> Match | None:
	"""How well `served` answers `query` (None: it does not)."""
	total, reasons = 0, []
	if query.civic is not None:
		if not civic_matches(query.civic, served.civic, served.civic_end):
			return None
		total += SAME_CIVIC if query.civic == served.civic else IN_RANGE
	if query.unit:
		if served.unit and served.unit != query.unit:
			return None
		total += SAME_UNIT if served.unit else BUILDING_FOR_UNIT
	elif served.unit:
		total += UNIT_NOT_GIVEN
	if query.streets:
		street = _street_score(query, served.street)
		if street is None:
			return None
		total += street[0]
		reasons += street[1]
	if query.municipality and served.municipality:
		if served.municipality == query.municipality:
			total += SAME_MUNICIPALITY
		elif served.municipality.startswith(query.municipality):
			total += MUNICIPALITY_PREFIX
		else:
			total += OTHER_MUNICIPALITY
			reasons.append("other municipality")
	postal = None
	if query.postal_code and served.postal_code:
		postal = query.postal_code == served.postal_code
		total += SAME_POSTAL_CODE if postal else OTHER_POSTAL_CODE
		if not postal:
			reasons.append("other postal code")
	if not query.streets and not postal:
		return None  # a postal code alone must be the address's own
	return Match(served, total, postal, tuple(reasons))


def rank(query: AddressQuery, candidates: Iterable[Served], limit: int = 8) -> list[Match]:
	"""The candidates that answer `query`, best first (ties: by street, civic, unit)."""
	matches = [m for m in (score(query, c) for c in candidates) if m is not None]
	matches.sort(key=lambda m: (-m.score, m.served.street.key, m.served.civic, m.served.unit))
	return matches[:limit]


def postal_code_disagrees(query: AddressQuery, matches: list[Match]) -> bool:
	"""True if the query's postal code is not that of the addresses its street and civic number
	found (the best of them carry another one): the person should check it."""
	if not query.postal_code or not query.streets or not matches:
		return False
	return matches[0].postal_code_matches is False
