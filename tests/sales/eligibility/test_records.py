"""One served address checked and normalised, and the CSV import's plan (idempotent)."""

from datetime import date

import pytest

from gigafibre_fsm.errors import InvalidInput
from gigafibre_fsm.sales.eligibility import records
from gigafibre_fsm.sales.eligibility.normalise import postal_code, unit_key
from gigafibre_fsm.sales.eligibility.records import (
	CREATE,
	REFUSE,
	UNCHANGED,
	UPDATE,
	address_label,
	import_plan,
	read_civic,
	read_csv,
	served_record,
)
from tests.sales.eligibility.corpus import served_rows


@pytest.mark.parametrize(
	"typed, expected",
	[
		("H2X 1Y4", "H2X 1Y4"),
		("h2x1y4", "H2X 1Y4"),
		(" h2x 1y4 ", "H2X 1Y4"),
		("H2X-1Y4", "H2X 1Y4"),
		("", None),
	],
)
def test_postal_codes_are_stored_normalised(typed, expected):
	assert postal_code(typed) == expected


@pytest.mark.parametrize("typed", ["H2X1Y", "D2X 1Y4", "H2X 1O4", "W2X 1Y4", "12345", "H2X 1Y4 5"])
def test_a_malformed_postal_code_is_refused(typed):
	with pytest.raises(InvalidInput):
		postal_code(typed)


def test_a_postal_code_of_another_province_is_refused():
	assert postal_code("G1R 2K5", "QC") == "G1R 2K5"
	with pytest.raises(InvalidInput) as e:
		postal_code("K1A 0B1", "QC")
	assert e.value.params == {"postal_code": "K1A 0B1", "province": "QC"}
	assert postal_code("K1A 0B1", "ON") == "K1A 0B1"


@pytest.mark.parametrize(
	"civic, end, unit, expected",
	[
		("1200", None, "", (1200, None, "")),
		("1200-1210", None, "", (1200, 1210, "")),
		("1200 - 1210", None, "", (1200, 1210, "")),
		("1200", "1210", "", (1200, 1210, "")),
		("1200", "1200", "", (1200, None, "")),
		("1200", "0", "", (1200, None, "")),
		("1200A", None, "", (1200, None, "A")),
		(1200, None, "4", (1200, None, "4")),
	],
)
def test_civic_numbers_and_ranges(civic, end, unit, expected):
	assert read_civic(civic, end, unit) == expected


@pytest.mark.parametrize(
	"civic, end", [("", None), ("abc", None), ("0", None), ("1210-1200", None), ("1", "900")]
)
def test_a_bad_civic_number_or_range_is_refused(civic, end):
	with pytest.raises(InvalidInput):
		read_civic(civic, end)


def test_units_as_people_write_them():
	assert {unit_key(u) for u in ("4", "04", "app. 4", "apt 4", "#4", "Unité 4", "suite 004")} == {"4"}
	assert unit_key("2a") == "2A" and unit_key("") == ""


def test_a_served_record_has_its_keys():
	r = served_record("1200-1210", "boul. St-Laurent", "Montréal", postal_code_text="h2x2s6")
	assert (r.civic, r.civic_end, r.postal_code, r.status, r.province) == (
		1200,
		1210,
		"H2X 2S6",
		"Served",
		"QC",
	)
	assert r.search_key == "st laurent|boulevard|"
	assert r.address_key == "1200||st laurent|boulevard||montreal"
	# the same address spelt another way has the same identity
	other = served_record("1200", "Boulevard Saint-Laurent", "MONTREAL", civic_end=1210)
	assert other.address_key == r.address_key


@pytest.mark.parametrize(
	"kwargs, message",
	[
		({"street": ""}, "The street is missing"),
		({"street": "rue de la"}, "{street} is not a street name"),
		({"municipality": " "}, "The municipality is missing"),
		({"province": "XX"}, "Unknown province {province}"),
		({"postal_code_text": "K1A 0B1"}, "The postal code {postal_code} is not in {province}"),
		({"status": "Maybe"}, "Unknown status {status}: Served, Soon or Not Served"),
		({"status": "Soon"}, "An address served soon needs its expected date"),
		({"status": "Soon", "expected_date": "01/03/2027"}, "{date} is not a date (YYYY-MM-DD)"),
		({"pon_port": "0/1/3"}, "A PON port needs its OLT"),
		(
			{"pon_port": "port 3", "olt": "OLT-1"},
			"{value} is not a PON port (expected frame/slot/port, e.g. 0/1/3)",
		),
	],
)
def test_a_bad_record_is_refused_with_its_reason(kwargs, message):
	values = {"civic": "100", "street": "rue Laval", "municipality": "Montréal"} | kwargs
	with pytest.raises(InvalidInput) as e:
		served_record(values.pop("civic"), values.pop("street"), values.pop("municipality"), **values)
	assert e.value.message == message


def test_statuses_as_a_french_export_spells_them():
	assert records.read_status("Desservi") == "Served"
	assert records.read_status("bientôt") == "Soon"
	assert records.read_status("Non desservi") == "Not Served"
	assert records.read_status("") == "Served"
	r = served_record("1", "rue X", "Laval", status="Bientôt", expected_date=date(2027, 3, 1))
	assert (r.status, r.expected_date) == ("Soon", "2027-03-01")


def test_the_label_puts_the_unit_first():
	assert address_label(345, "rue Sainte-Catherine Ouest", "Montréal", None, "12", "QC", "H3B 1A5") == (
		"12-345 rue Sainte-Catherine Ouest, Montréal QC H3B 1A5"
	)
	assert (
		address_label(1200, "rue Sherbrooke Est", "Montréal", 1210)
		== "1200-1210 rue Sherbrooke Est, Montréal"
	)


# --- the import ---------------------------------------------------------------------------


def _stored(outcomes):
	"""What the database holds after applying `outcomes` (address key -> stored fields)."""
	db = {}
	for i, o in enumerate(outcomes):
		if o.action in (CREATE, UPDATE):
			values = {f: getattr(o.record, f) for f in records.STORED_FIELDS}
			db[o.record.address_key] = {"name": o.existing or f"ADR-{i:07d}", **values}
	return db


def test_reading_the_fixture_and_importing_it_twice_changes_nothing_the_second_time():
	rows = [{k: v for k, v in r.items() if k != "ref"} for r in served_rows()]
	first = import_plan(rows, {})
	assert [o.action for o in first] == [CREATE] * len(rows)
	second = import_plan(rows, _stored(first))
	assert [o.action for o in second] == [UNCHANGED] * len(rows)


def test_an_import_updates_what_changed_and_refuses_bad_rows_line_by_line():
	text = (
		"civic,unit,street,municipality,postal_code,status,expected_date,olt,pon_port\n"
		"1200,,boul. St-Laurent,Montréal,H2X 2S6,Served,,,\n"
		"345,12,rue Ste-Catherine O,Montréal,h3b1a5,Soon,2027-03-01,OLT-1,0/1/3\n"
		"12,,rue X,Montréal,H2X 9Q9,Served,,,\n"
		"1200,,Boulevard Saint-Laurent,MONTREAL,,Served,,,\n"
		"77,,rue Y,Laval,,Served,,OLT-9,0/1/1\n"
	)
	rows = read_csv(text)
	existing = {
		"1200||st laurent|boulevard||montreal": {
			"name": "ADR-0000001",
			"civic": 1200,
			"civic_end": 0,
			"unit": "",
			"street": "boul. St-Laurent",
			"municipality": "Montréal",
			"province": "QC",
			"postal_code": "H2X 2S6",
			"status": "Soon",
			"expected_date": date(2027, 1, 1),
			"olt": None,
			"pon_port": None,
		}
	}
	plan = import_plan(rows, existing, known_olts=["OLT-1"])
	assert [(o.line, o.action) for o in plan] == [
		(2, UPDATE),
		(3, CREATE),
		(4, REFUSE),
		(5, REFUSE),
		(6, REFUSE),
	]
	assert plan[0].existing == "ADR-0000001" and plan[0].changed == ("status", "expected_date")
	assert plan[1].record.postal_code == "H3B 1A5" and plan[1].record.unit_key == "12"
	assert plan[2].error.message == "{postal_code} is not a Canadian postal code (A1A 1A1)"
	assert plan[3].error.params == {"line": 2}  # the same address as line 2, spelt otherwise
	assert plan[4].error.params == {"olt": "OLT-9"}


def test_a_file_without_its_required_columns_or_with_unknown_ones_is_refused():
	with pytest.raises(InvalidInput) as e:
		read_csv("civic,street\n1,rue X\n")
	assert e.value.params == {"columns": "municipality"}
	with pytest.raises(InvalidInput) as e:
		read_csv("civic,street,municipality,colour\n1,rue X,Laval,blue\n")
	assert e.value.params == {"columns": "colour"}
	assert read_csv("\ufeffcivic,street,municipality\n1,rue X,Laval\n") == [
		{"civic": "1", "street": "rue X", "municipality": "Laval"}
	]
