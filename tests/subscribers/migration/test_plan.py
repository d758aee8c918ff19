"""The operator-data import's core: reading the files, checking rows, the plan against a site."""

from pathlib import Path

import pytest

from gigafibre_fsm.errors import IllegalTransition, InvalidInput
from gigafibre_fsm.subscribers.migration import files, plan
from gigafibre_fsm.subscribers.migration.plan import CREATE, REFUSE, UNCHANGED, UPDATE, SiteState

DATA = Path(__file__).parents[2] / "data" / "migration"
PLANS = frozenset({"FIBRE-1000", "FIBRE-500", "FIBRE-500-TV", "VOIP-RES"})


def outcomes_by_key(outcomes):
	return {(o.kind, o.key, o.line): o for o in outcomes}


def one(outcomes, kind, key):
	found = [o for o in outcomes if o.kind == kind and o.key == key]
	assert len(found) == 1, found
	return found[0]


def site_after(outcomes) -> SiteState:
	"""The site as the real run leaves it: every accepted row's values, by name."""
	state = {kind: {} for kind in files.KINDS}
	serials, macs = {}, {}
	for o in outcomes:
		if o.action != REFUSE:
			state[o.kind][o.key] = dict(o.values)
			if o.kind == files.EQUIPMENT:
				serials[o.values["serial_number"]] = o.key
				if o.values["mac_address"]:
					macs[o.values["mac_address"]] = o.key
	return SiteState(**state, equipment_by_serial=serials, equipment_by_mac=macs, plans=PLANS)


def test_sample_is_all_created_then_unchanged():
	rows = files.read_folder(DATA / "sample")
	first = plan.plan_import(rows, SiteState(plans=PLANS))
	assert [o.action for o in first] == [CREATE] * 14, [(o.key, o.error) for o in first if o.error]
	again = plan.plan_import(rows, site_after(first))
	assert [o.action for o in again] == [UNCHANGED] * 14


def test_what_the_site_fills_in_is_kept_when_the_file_leaves_it_empty():
	rows = files.read_folder(DATA / "sample")
	site = site_after(plan.plan_import(rows, SiteState(plans=PLANS)))
	site.customers["CUST-00103"]["language"] = "en"  # ERPNext's default
	site.locations["LOC-00043"]["location_name"] = "12 chemin du Lac-Other"  # the controller's
	assert {o.action for o in plan.plan_import(rows, site)} == {UNCHANGED}
	site.customers["CUST-00101"]["language"] = "en"  # given in the file: changed back
	assert one(plan.plan_import(rows, site), files.CUSTOMERS, "CUST-00101").changed == ("language",)


def test_sample_values_are_normalised():
	outcomes = plan.plan_import(files.read_folder(DATA / "sample"), SiteState(plans=PLANS))
	customer = one(outcomes, files.CUSTOMERS, "CUST-00102").values
	assert customer["mobile_no"] == "+14505550199"
	assert customer["is_commercial"] == 1 and customer["customer_type"] == "Company"
	location = one(outcomes, files.LOCATIONS, "LOC-00042").values
	assert location["pincode"] == "J0R 1R0" and location["pon_port"] == "0/2/1"
	assert location["onu_serial"] == "HWTCA94196B7"  # the GPON serial's hex notation
	assert one(outcomes, files.LOCATIONS, "LOC-00041").values["pincode"] == "H2X 3K5"
	ont = one(outcomes, files.EQUIPMENT, "EQP-00019").values
	assert ont["mac_address"] == "00:E0:FC:12:34:57" and ont["customer"] == "CUST-00102"
	assert one(outcomes, files.EQUIPMENT, "EQP-00020").values["customer"] is None


def test_subscriptions_go_through_the_lifecycle():
	outcomes = plan.plan_import(files.read_folder(DATA / "sample"), SiteState(plans=PLANS))
	assert one(outcomes, files.SUBSCRIPTIONS, "SUB-00009").statuses == ("Active",)
	assert one(outcomes, files.SUBSCRIPTIONS, "SUB-00010").statuses == ("Active", "Suspended")
	assert one(outcomes, files.SUBSCRIPTIONS, "SUB-00011").statuses == ()
	assert one(outcomes, files.SUBSCRIPTIONS, "SUB-00012").statuses == ("Cancelled",)


def test_status_path():
	assert plan.status_path("Suspended", "Active") == ("Active",)
	assert plan.status_path("Active", "Active") == ()
	with pytest.raises(IllegalTransition):
		plan.status_path("Cancelled", "Active")


def test_an_update_changes_only_what_differs():
	rows = files.read_folder(DATA / "sample")
	site = site_after(plan.plan_import(rows, SiteState(plans=PLANS)))
	site.customers["CUST-00101"]["mobile_no"] = "+15145550100"
	site.locations["LOC-00043"]["pincode"] = "J8B 1A2"
	site.subscriptions["SUB-00011"]["status"] = "Active"  # Active → Pending is not allowed
	site.subscriptions["SUB-00009"]["status"] = "Suspended"  # lifted by the import
	outcomes = plan.plan_import(rows, site)
	changed = {o.key: o for o in outcomes if o.action != UNCHANGED}
	assert set(changed) == {"CUST-00101", "LOC-00043", "SUB-00011", "SUB-00009"}
	assert changed["CUST-00101"].action == UPDATE and changed["CUST-00101"].changed == ("mobile_no",)
	assert changed["LOC-00043"].changed == ("pincode",)
	assert changed["SUB-00009"].statuses == ("Active",)
	assert changed["SUB-00011"].action == REFUSE and changed["SUB-00011"].column == "status"


def test_a_record_of_another_customer_is_not_taken_over():
	rows = files.read_folder(DATA / "sample")
	site = site_after(plan.plan_import(rows, SiteState(plans=PLANS)))
	site.locations["LOC-00043"]["customer"] = "CUST-77777"  # a LOC-00043 made on the site before
	outcome = one(plan.plan_import(rows, site), files.LOCATIONS, "LOC-00043")
	assert outcome.action == REFUSE and "already exists on the site" in str(outcome.error)


def test_references_found_on_the_site():
	rows = {files.SUBSCRIPTIONS: files.read_folder(DATA / "sample")[files.SUBSCRIPTIONS]}
	site = SiteState(
		customers={"CUST-00101": {}, "CUST-00102": {}, "CUST-00103": {}},
		locations={
			"LOC-00041": {"customer": "CUST-00101"},
			"LOC-00042": {"customer": "CUST-00102"},
			"LOC-00043": {"customer": "CUST-00103"},
		},
		plans=PLANS,
	)
	assert {o.action for o in plan.plan_import(rows, site)} == {CREATE}


def test_every_refusal():
	outcomes = plan.plan_import(files.read_folder(DATA / "refusals"), SiteState(plans=PLANS))
	refused = {(o.kind, o.line): (o.column, str(o.error)) for o in outcomes if o.action == REFUSE}
	accepted = {o.key for o in outcomes if o.action == CREATE}
	assert accepted == {"CUST-00201", "LOC-00201", "EQP-00201", "SUB-00201"}
	assert refused == {
		("customers", 3): ("mobile_no", "555-12 is not a valid phone number"),
		("customers", 4): (
			"name",
			"CUST-00203 appears on several lines of customers.csv (4, 5): which one is right?",
		),
		("customers", 5): (
			"name",
			"CUST-00203 appears on several lines of customers.csv (4, 5): which one is right?",
		),
		("locations", 3): ("pincode", "12345 is not a Canadian postal code (A1A 1A1)"),
		("locations", 4): ("customer", "Customer CUST-09999 is neither in customers.csv nor on the site"),
		("locations", 5): ("customer", "CUST-00202 is refused in customers.csv (line 3)"),
		("locations", 6): (
			"onu_serial",
			"HW! is not a serial number (letters, digits, - _ / only, 3 to 64 characters)",
		),
		("equipment", 3): (
			"mac_address",
			"00:E0:FC:12:34 is not a MAC address (expected 12 hexadecimal digits)",
		),
		("equipment", 4): (
			"serial_number",
			"?? is not a serial number (letters, digits, - _ / only, 3 to 64 characters)",
		),
		("equipment", 5): (
			"mac_address",
			"00:E0:FC:00:A2:04 appears on several lines of equipment.csv (5, 7): which one is right?",
		),
		("equipment", 7): (
			"mac_address",
			"00:E0:FC:00:A2:04 appears on several lines of equipment.csv (5, 7): which one is right?",
		),
		("equipment", 6): ("service_location", "LOC-00202 is refused in locations.csv (line 3)"),
		("subscriptions", 3): ("plan", "The plan NO-SUCH-PLAN is not an Item on the site"),
		("subscriptions", 4): ("customer", "CUST-00203 is refused in customers.csv (line 4)"),
	}


def test_equipment_already_on_the_site_under_another_name():
	rows = {files.EQUIPMENT: files.read_folder(DATA / "sample")[files.EQUIPMENT][3:]}  # EQP-00020
	site = SiteState(equipment_by_serial={"GT2024B0002": "EQP-00500"})
	outcome = plan.plan_import(rows, site)[0]
	assert outcome.action == REFUSE and str(outcome.error) == "GT2024B0002 is already recorded on EQP-00500"


def test_location_of_another_customer():
	rows = {
		files.SUBSCRIPTIONS: files.read_csv(
			files.SUBSCRIPTIONS,
			"name,customer,service_location,plan_type,plan\nSUB-00300,CUST-1,LOC-00300,Internet,FIBRE-500\n",
		)
	}
	site = SiteState(customers={"CUST-1": {}}, locations={"LOC-00300": {"customer": "CUST-2"}}, plans=PLANS)
	outcome = plan.plan_import(rows, site)[0]
	assert str(outcome.error) == "Service Location LOC-00300 belongs to CUST-2, not to CUST-1"


@pytest.mark.parametrize(
	"text, message",
	[
		("name,customer_name,colour\n", "customers.csv: unknown column colour"),
		("name,email_id\n", "customers.csv: the column customer_name is missing"),
		("name,name,customer_name\n", "customers.csv: the column name appears twice"),
		("", "customers.csv is empty"),
	],
)
def test_a_wrong_header_stops_the_file(text, message):
	with pytest.raises(InvalidInput, match=message):
		files.read_csv(files.CUSTOMERS, text)


def test_a_folder_without_files(tmp_path):
	with pytest.raises(InvalidInput, match="holds none of"):
		files.read_folder(tmp_path)


def test_row_checks():
	with pytest.raises(plan._Refused) as refused:
		plan.location_values(
			{"name": "LOC-1", "customer": "C", "address_line1": "1 rue A", "city": "X", "pincode": "K1A 0B1"}
		)
	assert refused.value.column == "pincode" and "is not in QC" in str(refused.value.error)
	with pytest.raises(plan._Refused) as refused:
		plan.equipment_values({"name": "EQP-9", "equipment_type": "Modem", "serial_number": "ABC123"})
	assert refused.value.column == "equipment_type"
	with pytest.raises(plan._Refused) as refused:
		plan.customer_values({"name": "C", "customer_name": "A", "email_id": "not-an-address"})
	assert refused.value.column == "email_id"
	with pytest.raises(plan._Refused) as refused:
		plan.subscription_values(
			{
				"name": "SUB-1",
				"customer": "C",
				"service_location": "LOC-1",
				"plan_type": "Internet",
				"plan": "P",
				"start_date": "2025-02-01",
				"end_date": "2025-01-01",
			}
		)
	assert refused.value.column == "end_date"
	with pytest.raises(plan._Refused) as refused:
		plan.equipment_values({"name": "EQ-1", "equipment_type": "ONT", "serial_number": "ABC123"})
	assert refused.value.column == "name"


def test_lookups_name_every_reference():
	found = plan.lookups(files.read_folder(DATA / "sample"))
	assert found.names[files.CUSTOMERS] == {"CUST-00101", "CUST-00102", "CUST-00103"}
	assert "LOC-00041" in found.names[files.LOCATIONS]
	assert "HWTCA94196B7" in found.serials and "00:E0:FC:12:34:57" in found.macs
	assert found.plans == set(PLANS)


def zipped(entries: dict[str, bytes]) -> bytes:
	import io
	import zipfile

	buffer = io.BytesIO()
	with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
		for name, data in entries.items():
			archive.writestr(name, data)
	return buffer.getvalue()


def test_a_zip_of_the_folder_reads_as_the_folder():
	sample = DATA / "sample"
	entries = {f"export/{p.name}": p.read_bytes() for p in sample.glob("*.csv")}
	entries["__MACOSX/export/._customers.csv"] = b"\x00\x05"
	assert files.read_zip(zipped(entries)) == files.read_folder(sample)
	top = {p.name: p.read_bytes() for p in sample.glob("*.csv")}
	assert files.read_zip(zipped(top)) == files.read_folder(sample)


@pytest.mark.parametrize(
	"data, message",
	[
		(b"not a zip", "not a zip archive"),
		(zipped({"notes.txt": b"hello"}), "holds none of"),
		(zipped({"a/customers.csv": b"x", "customers.csv": b"x"}), "holds customers.csv twice"),
		(zipped({"customers.csv": "name,customer_name\n1,é\n".encode("latin-1")}), "not UTF-8"),
		(
			zipped({"customers.csv": b"name,customer_name\n" + b" " * (files.MAX_FILE_BYTES + 1)}),
			"larger than 50 MB",
		),
	],
)
def test_a_wrong_zip(data, message):
	with pytest.raises(InvalidInput, match=message):
		files.read_zip(data)
