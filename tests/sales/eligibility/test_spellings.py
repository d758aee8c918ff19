"""The corpus: how people type the addresses of data/served.csv, and what each must find.

Each line of data/spellings.csv is a query, the fixture it must find first ("-": none) and
whether its postal code disagrees. The candidates go through the same index scan as on a site
(`Scan.admits`, the rule the shell's SQL follows), then the ranking.
"""

import pytest

from gigafibre_fsm.sales.eligibility.matching import postal_code_disagrees, rank, scan_for
from gigafibre_fsm.sales.eligibility.query import parse_query
from tests.sales.eligibility.corpus import served, spellings

SERVED = served()
MUNICIPALITIES = {s.municipality for s in SERVED}


def search(text: str):
	query = parse_query(text, MUNICIPALITIES)
	scan = scan_for(query)
	return query, rank(query, [s for s in SERVED if scan.admits(s)], limit=8)


@pytest.mark.parametrize("case", spellings(), ids=lambda c: c["query"])
def test_spelling_finds_its_address(case):
	query, matches = search(case["query"])
	if case["expected"] == "-":
		assert matches == [], f"{case['why']}: {query} found {[m.served.ref for m in matches]}"
		return
	assert matches, f"{case['why']}: {query} found nothing"
	assert matches[0].served.ref == case["expected"], (
		f"{case['why']}: {query} found {[(m.served.ref, m.score) for m in matches]}"
	)
	assert postal_code_disagrees(query, matches) == (case["postal"] == "mismatch"), case["why"]


def test_the_corpus_is_large_and_covers_every_served_address():
	cases = spellings()
	assert len(cases) >= 100
	assert {s.ref for s in SERVED} <= {c["expected"] for c in cases}


def test_the_best_match_is_ahead_by_a_margin_when_the_address_is_fully_typed():
	"""Ties would make the answer depend on the order of the rows."""
	_, matches = search("1200 boul. St-Laurent, Montréal H2X 2S6")
	assert len(matches) == 1 or matches[0].score > matches[1].score


def test_without_a_unit_every_unit_of_the_civic_is_offered():
	_, matches = search("5000 av. Papineau")
	assert [m.served.ref for m in matches] == ["PAP5000-1", "PAP5000-2", "PAP5000-3"]


def test_without_a_direction_both_sides_of_a_street_are_offered():
	_, matches = search("345 Ste-Catherine app 12")
	# the Ouest's unit 12 first, then the Est's building (served as a whole, so any unit)
	assert [m.served.ref for m in matches] == ["SCO345-12", "SCE345"]
	_, matches = search("345 rue Sainte-Catherine")
	assert {m.served.ref for m in matches} == {"SCO345-12", "SCE345"}


def test_the_municipality_breaks_a_tie_between_two_towns():
	_, matches = search("4500 1re Avenue")
	assert {m.served.ref for m in matches} == {"AV1Q", "AV1M"}
	_, matches = search("4500 1re Avenue Québec")
	assert matches[0].served.ref == "AV1Q" and matches[0].score > matches[1].score


def test_a_name_being_typed_finds_its_street():
	for typed in ("1200 boul. S", "1200 boul. St", "1200 boul. St-L", "1200 boul. St-Laurent"):
		_, matches = search(typed)
		assert "SL1200" in [m.served.ref for m in matches], typed
