"""The served addresses and the spellings of data/, loaded as the core sees them."""

import csv
from pathlib import Path

from gigafibre_fsm.sales.eligibility.matching import Served
from gigafibre_fsm.sales.eligibility.normalise import Street
from gigafibre_fsm.sales.eligibility.records import record_from_row

DATA = Path(__file__).parent / "data"


def served_rows() -> list[dict]:
	with (DATA / "served.csv").open(encoding="utf-8") as fh:
		return list(csv.DictReader(fh))


def served() -> list[Served]:
	"""The fixture's addresses as the matcher sees them (`ref` is the fixture's label)."""
	found = []
	for row in served_rows():
		r = record_from_row(row)
		found.append(
			Served(
				ref=row["ref"],
				civic=r.civic,
				street=Street(r.street_name, r.street_type, r.direction),
				municipality=r.municipality_key,
				unit=r.unit_key,
				civic_end=r.civic_end,
				postal_code=r.postal_code,
			)
		)
	return found


def spellings() -> list[dict]:
	with (DATA / "spellings.csv").open(encoding="utf-8") as fh:
		return list(csv.DictReader(fh))
