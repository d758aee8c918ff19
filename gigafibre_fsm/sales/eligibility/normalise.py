"""How Québécois type an address, reduced to keys that compare equal when they mean the same place.

Every function here is plain text in, plain text out: the same reduction runs on the served
addresses when they are stored (their keys are indexed) and on what a person types in the search
box, so that `boul. St-Laurent`, `Saint-Laurent Blvd` and `BOULEVARD SAINT LAURENT` meet on one
key. The street types and their abbreviations are Canada Post's (French and English), see
SOURCES.md in tests/sales/eligibility/.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from gigafibre_fsm.errors import InvalidInput
from gigafibre_fsm.errors import _ as mark

# --- folding ----------------------------------------------------------------------------------

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "’": "'", "‘": "'"})
_DASHES = re.compile(r"[‐‑‒–—―]")  # the typographic dashes a phone keyboard or Word inserts


def fold(text: str) -> str:
	"""Lower case, accents stripped (é → e, ç → c), ligatures spelled out, dashes made `-`."""
	text = _DASHES.sub("-", (text or "").translate(_LIGATURES))
	decomposed = unicodedata.normalize("NFKD", text)
	return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
	"""The folded words of `text`: letters and digits only (`d'Youville` → `d`, `youville`)."""
	return re.findall(r"[a-z0-9]+", fold(text))


# --- postal codes -----------------------------------------------------------------------------

# Canada Post: the first letter names the province or territory (no D F I O Q U W Z), the
# third and fifth letters are any but D F I O Q U.
_LETTER = "ABCEGHJKLMNPRSTVWXYZ"
_FIRST = "ABCEGHJKLMNPRSTVXY"
POSTAL_CODE = re.compile(rf"(?<![A-Z0-9])([{_FIRST}]\d[{_LETTER}])[ -]?(\d[{_LETTER}]\d)(?![A-Z0-9])")
# The first letter of a postal code → the province or territory it belongs to.
PROVINCE_OF_LETTER = {
	"A": "NL",
	"B": "NS",
	"C": "PE",
	"E": "NB",
	"G": "QC",
	"H": "QC",
	"J": "QC",
	"K": "ON",
	"L": "ON",
	"M": "ON",
	"N": "ON",
	"P": "ON",
	"R": "MB",
	"S": "SK",
	"T": "AB",
	"V": "BC",
	"X": "NT NU",
	"Y": "YT",
}
PROVINCES = ("QC", "ON", "NB", "NS", "PE", "NL", "MB", "SK", "AB", "BC", "YT", "NT", "NU")


def postal_code(text: str | None, province: str | None = None) -> str | None:
	"""The Canadian postal code `text` holds, normalised `H2X 1Y4` (None for an empty one).

	Accepts lower case, no space, a dash. Raises InvalidInput if it is not a postal code, or if
	`province` is given and the code belongs to another one (`K1A 0B1` is not in Québec)."""
	raw = (text or "").strip()
	if not raw:
		return None
	match = POSTAL_CODE.fullmatch(raw.upper())
	if not match:
		raise InvalidInput(mark("{postal_code} is not a Canadian postal code (A1A 1A1)"), postal_code=raw)
	code = f"{match.group(1)} {match.group(2)}"
	if province and province not in PROVINCE_OF_LETTER[code[0]].split():
		raise InvalidInput(
			mark("The postal code {postal_code} is not in {province}"), postal_code=code, province=province
		)
	return code


def find_postal_code(text: str) -> tuple[str | None, str]:
	"""The first postal code found in free text (normalised), and the text without it."""
	match = POSTAL_CODE.search(fold(text).upper())
	if not match:
		return None, text
	folded = fold(text)
	return f"{match.group(1)} {match.group(2)}", folded[: match.start()] + " " + folded[match.end() :]


# --- streets ----------------------------------------------------------------------------------

# Street types: every spelling → Canada Post's French name (folded). English types that are the
# same street in the other language (Sherbrooke Street = rue Sherbrooke) share the French one.
STREET_TYPES = {
	"rue": "rue",
	"street": "rue",
	"str": "rue",
	"av": "avenue",
	"ave": "avenue",
	"avenue": "avenue",
	"boul": "boulevard",
	"boulevard": "boulevard",
	"blvd": "boulevard",
	"bd": "boulevard",
	"ch": "chemin",
	"chemin": "chemin",
	"road": "chemin",
	"rd": "chemin",
	"rang": "rang",
	"rg": "rang",
	"montee": "montee",
	"mtee": "montee",
	"mte": "montee",
	"pl": "place",
	"place": "place",
	"cote": "cote",
	"croissant": "croissant",
	"crois": "croissant",
	"crescent": "croissant",
	"cres": "croissant",
	"impasse": "impasse",
	"imp": "impasse",
	"allee": "allee",
	"terrasse": "terrasse",
	"tsse": "terrasse",
	"terr": "terrasse",
	"promenade": "promenade",
	"prom": "promenade",
	"route": "route",
	"rte": "route",
	"carre": "carre",
	"square": "square",
	"sq": "square",
	"cercle": "cercle",
	"circle": "cercle",
	"ruelle": "ruelle",
	"sentier": "sentier",
	"sent": "sentier",
	"passage": "passage",
	"voie": "voie",
	"autoroute": "autoroute",
	"aut": "autoroute",
	"parc": "parc",
	"pk": "parc",
	"cours": "cours",
	"drive": "promenade",
	"lane": "ruelle",
	"court": "cour",
	"crt": "cour",
	"cour": "cour",
}
# Types that are also common words of street names (chemin de la Côte-des-Neiges, avenue du
# Parc, Place-Ville-Marie): a leading one may be part of the name.
AMBIGUOUS_TYPES = frozenset({"cote", "parc", "place", "carre", "square", "montee", "cours", "voie", "route"})
# "st" after a name is the English "Street"; before one it is "Saint".
ENGLISH_AFTER_NAME = {"st": "rue"}

DIRECTIONS = {
	"e": "e",
	"est": "e",
	"east": "e",
	"o": "o",
	"ouest": "o",
	"w": "o",
	"west": "o",
	"n": "n",
	"nord": "n",
	"north": "n",
	"s": "s",
	"sud": "s",
	"south": "s",
	# what a search box holds while "ouest" and "est" are being typed
	"ou": "o",
	"oue": "o",
	"oues": "o",
	"es": "e",
}
# Articles and particles: people drop them (`av. Parc` for `avenue du Parc`), so the key does too.
PARTICLES = frozenset({"de", "du", "des", "d", "la", "le", "les", "l", "of", "the", "a", "au", "aux"})
# Saint, Sainte and their abbreviations are one word in the key: `St-Catherine` is a common
# spelling of `Sainte-Catherine`, and no two streets of a town differ only by it.
SAINTS = frozenset({"st", "ste", "saint", "sainte", "sts", "stes", "saints", "saintes"})
TITLES = {
	"mgr": "monseigneur",
	"msgr": "monseigneur",
	"dr": "docteur",
	"doct": "docteur",
	"doctor": "docteur",
	"pr": "professeur",
	"prof": "professeur",
	"sr": "soeur",
	"mt": "mont",
}
_SPELLED_ORDINALS = {
	"premiere": 1,
	"premier": 1,
	"first": 1,
	"deuxieme": 2,
	"second": 2,
	"seconde": 2,
	"troisieme": 3,
	"third": 3,
	"quatrieme": 4,
	"fourth": 4,
	"cinquieme": 5,
	"fifth": 5,
	"sixieme": 6,
	"septieme": 7,
	"huitieme": 8,
	"neuvieme": 9,
	"dixieme": 10,
}
_ORDINAL = re.compile(r"(\d+)(?:re|er|ere|e|eme|ieme|iem|st|nd|rd|th)")


@dataclass(frozen=True, slots=True)
class Street:
	"""A street reduced to its parts: `name` (the key of its proper name), `type` (Canada Post's
	French street type, or "" when none was written), `direction` (e/o/n/s or "")."""

	name: str
	type: str = ""
	direction: str = ""

	@property
	def key(self) -> str:
		"""The indexed key: name first, so that a prefix of the name finds the street."""
		return f"{self.name}|{self.type}|{self.direction}"


def _name_word(word: str) -> str | None:
	"""One word of a street's name as the key holds it (None: a word the key leaves out)."""
	if word in PARTICLES:
		return None
	if word in SAINTS:
		return "st"
	if word in _SPELLED_ORDINALS:
		return str(_SPELLED_ORDINALS[word])
	ordinal = _ORDINAL.fullmatch(word)
	if ordinal:
		return str(int(ordinal.group(1)))
	if word.isdigit():
		return str(int(word))
	return TITLES.get(word, word)


def name_key(tokens: list[str]) -> str:
	"""The key of a street's proper name from its words (`Sainte-Catherine` → `st catherine`)."""
	return " ".join(w for w in (_name_word(t) for t in tokens) if w)


# Types that never name a street by themselves (`Crescent`, `Parc` or `Place` can: rue Crescent)
_PURE_TYPES = frozenset({"rue", "avenue", "boulevard", "chemin"})


def _can_name(word: str) -> bool:
	return STREET_TYPES.get(word) not in _PURE_TYPES


_TRAILING_WORDS = tuple(sorted(set(DIRECTIONS) | set(STREET_TYPES)))


def _being_typed(word: str) -> bool:
	"""True if `word` is the beginning of a direction or a street type, not the whole of one."""
	return (
		word not in DIRECTIONS
		and word not in STREET_TYPES
		and any(w.startswith(word) for w in _TRAILING_WORDS)
	)


def _trailing_type(tokens: list[str]) -> str:
	"""The street type written after the name (English order), or ""."""
	if len(tokens) < 2:
		return ""
	return STREET_TYPES.get(tokens[-1]) or ENGLISH_AFTER_NAME.get(tokens[-1], "")


def parse_street(text: str) -> list[Street]:
	"""The readings of a street as written, most likely first: one, or more when a leading word
	may be its type or part of its name (`Côte-des-Neiges` is the name of a chemin), or when
	the last word may be a direction or a type still being typed (`Jarry Ea`).

	French order puts the type first (`boul. Saint-Laurent O`), English order last
	(`Saint-Laurent Blvd W`); a direction is the last word. A type word with no name beside it
	is the name (`Parc`, `du Parc`). Raises InvalidInput for a street with no name at all."""
	tokens = words(text)
	direction = ""
	if tokens and tokens[-1] in DIRECTIONS and any(t not in STREET_TYPES for t in tokens[:-1]):
		direction = DIRECTIONS[tokens.pop()]  # not in `boul. S`, a name being typed
	readings: list[Street] = []
	lead = STREET_TYPES.get(tokens[0], "") if len(tokens) >= 2 else ""
	trail = _trailing_type(tokens)
	if lead:
		readings.append(Street(name_key(tokens[1:]), lead, direction))
	if not lead or lead in AMBIGUOUS_TYPES:  # `Côte-des-Neiges`: the word may be the name's
		named = [lead, *tokens[1:]] if lead else tokens
		if trail:
			readings.insert(0, Street(name_key(named[:-1]), trail, direction))
		else:
			readings.append(Street(name_key(named), "", direction))
	readings = [r for r in readings if r.name]
	if not direction and len(tokens) >= 2 and _being_typed(tokens[-1]):
		# `Jarry Ea`, `Quatre-Bourgeois Ro`: a direction or a type still being typed
		try:
			readings += [r for r in parse_street(" ".join(tokens[:-1])) if r not in readings]
		except InvalidInput:
			pass
	if not readings and tokens:
		readings = [Street(name_key(tokens), "", direction)]  # the type words are the name
	# a name must hold a word that can name a street: `Parc` can, `rue` or `boul.` cannot
	readings = [r for r in readings if any(_can_name(w) for w in r.name.split())]
	if not readings:
		raise InvalidInput(mark("{street} is not a street name"), street=text)
	return readings


def municipality_key(text: str) -> str:
	"""The key of a municipality (`Saint-Jean-sur-Richelieu` → `st jean sur richelieu`)."""
	return name_key(words(text))


# --- units ------------------------------------------------------------------------------------


def unit_key(text: str | None) -> str:
	"""The key of a unit (apartment, suite): upper case, no marker, no leading zeros
	(`app. 04` → `4`, `#B` → `B`, `unité 2a` → `2A`)."""
	tokens = words(text or "")
	while tokens and tokens[0] in UNIT_MARKERS:
		tokens = tokens[1:]
	key = "".join(tokens).upper()
	return key.lstrip("0") or ("0" if key else "")


UNIT_MARKERS = frozenset(
	{
		"app",
		"appt",
		"apt",
		"appartement",
		"apartment",
		"unite",
		"unit",
		"suite",
		"bureau",
		"bur",
		"local",
		"logement",
		"log",
		"no",
	}
)
