"""What a person typed in the search box, read as (civic, unit, street, municipality, postal code).

Canadian order (Canada Post's addressing guidelines): the unit first and joined by a dash
(`12-345 rue X` is unit 12 at civic 345), or after the street with a marker (`app. 12`, `#12`,
`suite 12`); the municipality after a comma or at the end; then the province and the postal
code, with or without a space. Nothing here needs a comma or an accent.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from gigafibre_fsm.errors import InvalidInput
from gigafibre_fsm.errors import _ as mark
from gigafibre_fsm.sales.eligibility.normalise import (
	PARTICLES,
	STREET_TYPES,
	Street,
	find_postal_code,
	fold,
	name_key,
	parse_street,
	unit_key,
	words,
)

MAX_QUERY_LENGTH = 200

_UNIT_MARKER = re.compile(
	r"(?:\b(?:app|appt|apt|appartement|apartment|unite|unit|suite|bureau|bur|local|logement|log)\b\.?|#)"
	r"\s*(?:no\.?\s*)?#?\s*([a-z]?\d+[a-z]?|[a-z]{1,2})\b"
)
# `12-345`, `12 - 345`, `A-345`: unit then civic; `1200a`, `1200 A`: civic 1200, unit A.
_LEADING_CIVIC = re.compile(
	r"^\s*(?:no\.?\s*)?(?:([a-z]?\d+[a-z]?|[a-z])\s*-\s*)?(\d{1,6})(?:\s?([a-z]))?(?=[\s,]|$)"
)
_PROVINCE_WORDS = frozenset({"qc", "pq", "que"})
_COUNTRY_WORDS = frozenset({"canada", "ca"})


@dataclass(frozen=True, slots=True)
class AddressQuery:
	"""A search, read: `streets` are the readings of the street (most likely first), `unit` and
	`municipality` are keys ("" when not given)."""

	civic: int | None
	unit: str
	streets: tuple[Street, ...]
	municipality: str
	postal_code: str | None

	@property
	def name_prefixes(self) -> tuple[str, ...]:
		"""The street name keys to look up (each is a prefix of the indexed key)."""
		return tuple(dict.fromkeys(s.name for s in self.streets))


def _strip_trailing_municipality(tokens: list[str], municipalities: Collection[str]) -> tuple[list[str], str]:
	"""Split `tokens` into the street and a known municipality at their end (the longest that
	still leaves a street name: in `boul. Saint-Laurent`, Saint-Laurent is the street)."""
	for size in range(len(tokens) - 1, 0, -1):
		street, tail = tokens[:-size], tokens[-size:]
		key = name_key(tail)
		if key in municipalities and _names_a_street(street):
			return street, key
	return tokens, ""


def _read_street(tokens: list[str]) -> tuple[Street, ...]:
	"""The readings of the street typed; a name cut inside a particle (`rue La` for `rue Laval`,
	the article being dropped from keys) is read as the beginning of the name."""
	try:
		return tuple(parse_street(" ".join(tokens)))
	except InvalidInput:
		kind = STREET_TYPES.get(tokens[0], "") if len(tokens) > 1 else ""
		rest = tokens[1:] if kind else tokens
		if rest and all(t in PARTICLES for t in rest):
			return (Street(" ".join(rest), kind, ""),)
		raise


def _names_a_street(tokens: list[str]) -> bool:
	"""True if `tokens` still name a street (`chemin de` does not: in `chemin de Chambly`,
	Chambly is the street's name, not the town; nor does a street type alone)."""
	if all(t in STREET_TYPES for t in tokens):  # `Montée Ste-Julie`: Sainte-Julie is its name
		return False
	try:
		parse_street(" ".join(tokens))
	except InvalidInput:
		return False
	return True


def parse_query(text: str, municipalities: Collection[str] = ()) -> AddressQuery:
	"""Read a free-text address. `municipalities` are the keys of the municipalities served
	(they tell where the street ends when no comma does).

	Raises InvalidInput for an empty or over-long query, or one with neither a street nor a
	postal code."""
	text = (text or "").strip()
	if not text:
		raise InvalidInput(mark("Type an address: a civic number and a street, or a postal code"))
	if len(text) > MAX_QUERY_LENGTH:
		raise InvalidInput(mark("An address has at most {length} characters"), length=MAX_QUERY_LENGTH)
	postal, rest = find_postal_code(text)
	rest = fold(rest)

	unit = ""
	marker = _UNIT_MARKER.search(rest)
	if marker:
		unit = unit_key(marker.group(1))
		rest = rest[: marker.start()] + " , " + rest[marker.end() :]

	civic = None
	rest = rest.strip(" ,")
	leading = _LEADING_CIVIC.match(rest)
	if leading:
		civic = int(leading.group(2))
		unit = unit or unit_key(leading.group(1) or leading.group(3) or "")
		rest = rest[leading.end() :]

	parts = [p for p in (words(part) for part in rest.split(",")) if p]
	street_tokens = parts[0] if parts else []
	municipality = ""
	for part in parts[1:]:
		part = [t for t in part if t not in _PROVINCE_WORDS and t not in _COUNTRY_WORDS]
		if (part and part != ["quebec"]) or (part == ["quebec"] and "quebec" in municipalities):
			municipality = municipality or name_key(part)
	while len(street_tokens) > 1 and street_tokens[-1] in _COUNTRY_WORDS | _PROVINCE_WORDS:
		street_tokens = street_tokens[:-1]
	if not municipality:
		street_tokens, municipality = _strip_trailing_municipality(street_tokens, municipalities)
	if not municipality and len(street_tokens) > 1 and street_tokens[-1] == "quebec":
		street_tokens = street_tokens[:-1]  # the province, written out

	streets = _read_street(street_tokens) if street_tokens else ()
	if not streets and not postal:
		raise InvalidInput(mark("Type an address: a civic number and a street, or a postal code"))
	return AddressQuery(civic, unit, streets, municipality, postal)
