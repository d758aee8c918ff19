# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""Tier 2: importing an operator's export (tests/data/migration/) through the function the
`import-operator-data` command calls, which commits as the command does; every test starts
from a site without the sample's records and leaves none behind."""

import io
import shutil
import tempfile
import zipfile
from pathlib import Path
from unittest.mock import patch

import frappe
from frappe.model.naming import NamingSeries

from gigafibre_fsm.commands import run_operator_import
from gigafibre_fsm.subscribers.services import migration
from gigafibre_fsm.tests import IntegrationTestCase
from gigafibre_fsm.tests.factories import make_plan, make_user

SAMPLE = Path(frappe.get_app_path("gigafibre_fsm")).parent / "tests" / "data" / "migration" / "sample"
CUSTOMERS = ("CUST-00101", "CUST-00102", "CUST-00103")
LOCATIONS = ("LOC-00041", "LOC-00042", "LOC-00043")
EQUIPMENT = ("EQP-00017", "EQP-00018", "EQP-00019", "EQP-00020")
SUBSCRIPTIONS = ("SUB-00009", "SUB-00010", "SUB-00011", "SUB-00012")
PLANS = ("FIBRE-1000", "FIBRE-500", "FIBRE-500-TV", "VOIP-RES")


def remove_sample_records():
	for name in SUBSCRIPTIONS:
		frappe.delete_doc(
			"Service Subscription", name, force=True, ignore_missing=True, ignore_permissions=True
		)
	for name in EQUIPMENT:
		frappe.delete_doc("Service Equipment", name, force=True, ignore_missing=True, ignore_permissions=True)
	for name in LOCATIONS:
		frappe.delete_doc("Service Location", name, force=True, ignore_missing=True, ignore_permissions=True)
	for parenttype in ("Address", "Contact"):
		for parent in frappe.get_all(
			"Dynamic Link",
			filters={"parenttype": parenttype, "link_doctype": "Customer", "link_name": ("in", CUSTOMERS)},
			pluck="parent",
		):
			frappe.delete_doc(parenttype, parent, force=True, ignore_missing=True, ignore_permissions=True)
	for name in CUSTOMERS:
		frappe.delete_doc("Customer", name, force=True, ignore_missing=True, ignore_permissions=True)
	frappe.db.commit()


def run(folder, dry_run=False):
	lines = []
	results = run_operator_import(str(folder), dry_run, echo=lines.append)
	return results, lines


def actions(results):
	return [(r["file"], r["line"], r["name"], r["action"]) for r in results]


class TestOperatorImport(IntegrationTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		for plan in PLANS:
			make_plan(plan)
		frappe.db.commit()

	def setUp(self):
		frappe.set_user("Administrator")
		frappe.local.lang = "en"
		remove_sample_records()

	def tearDown(self):
		frappe.local.lang = "en"
		remove_sample_records()

	def test_dry_run_creates_nothing(self):
		results, lines = run(SAMPLE, dry_run=True)
		self.assertEqual({r["action"] for r in results}, {"create"})
		self.assertEqual(len(results), 14)
		self.assertIn("customers.csv, line 2: to create Customer CUST-00101", lines)
		self.assertIn(
			"subscriptions.csv, line 3: to create Service Subscription SUB-00010 (status: Active → Suspended)",
			lines,
		)
		self.assertEqual(lines[-1], "Dry run, nothing written: 14 created, 0 updated, 0 unchanged, 0 refused")
		self.assertFalse(frappe.db.exists("Customer", "CUST-00101"))
		self.assertFalse(frappe.db.exists("Service Location", {"name": ("in", LOCATIONS)}))
		self.assertFalse(frappe.db.exists("Service Equipment", {"serial_number": "HWTCA94196A5"}))

	def test_real_run_does_what_the_dry_run_said_and_a_second_run_nothing(self):
		planned, _ = run(SAMPLE, dry_run=True)
		done, lines = run(SAMPLE)
		self.assertEqual(actions(done), actions(planned))
		self.assertEqual(lines[-1], "14 created, 0 updated, 0 unchanged, 0 refused")

		customer = frappe.get_doc("Customer", "CUST-00102")
		self.assertEqual(
			(customer.customer_name, customer.customer_type, customer.is_commercial),
			("Boulangerie du Village inc.", "Company", 1),
		)
		contact = frappe.get_doc("Contact", customer.customer_primary_contact)
		self.assertEqual(
			(contact.mobile_no, contact.email_id),
			("+14505550199", "commandes@boulangerie-village.example.com"),
		)
		location = frappe.get_doc("Service Location", "LOC-00042")
		self.assertEqual(
			(location.customer, location.pon_port, location.onu_serial),
			("CUST-00102", "0/2/1", "HWTCA94196B7"),
		)
		address = frappe.get_doc("Address", location.address)
		self.assertEqual(
			(address.address_line2, address.city, address.pincode), ("Local 2", "Saint-Sauveur", "J0R 1R0")
		)
		router = frappe.get_doc("Service Equipment", "EQP-00018")
		self.assertEqual((router.mac_address, router.customer), ("A4:91:B1:01:02:03", "CUST-00101"))
		suspended = frappe.get_doc("Service Subscription", "SUB-00010")
		self.assertEqual(
			[(h.from_status, h.to_status) for h in suspended.status_history],
			[(None, "Pending"), ("Pending", "Active"), ("Active", "Suspended")],
		)
		self.assertEqual(suspended.status_history[-1].reason, "Imported from the previous system")
		self.assertGreaterEqual(NamingSeries("LOC-.#####").get_current_value(), 43)
		self.assertGreaterEqual(NamingSeries("SUB-.#####").get_current_value(), 12)

		modified = {n: frappe.db.get_value("Service Subscription", n, "modified") for n in SUBSCRIPTIONS}
		again, lines = run(SAMPLE)
		self.assertEqual(
			{r["action"] for r in again}, {"unchanged"}, [r for r in again if r["action"] != "unchanged"]
		)
		self.assertEqual(lines[-1], "0 created, 0 updated, 14 unchanged, 0 refused")
		self.assertEqual(
			modified, {n: frappe.db.get_value("Service Subscription", n, "modified") for n in SUBSCRIPTIONS}
		)
		self.assertEqual(frappe.db.count("Address", {"address_title": "Boulangerie"}), 1)

	def test_a_changed_export_updates_only_what_changed(self):
		run(SAMPLE)
		with tempfile.TemporaryDirectory() as folder:
			shutil.copytree(SAMPLE, folder, dirs_exist_ok=True)
			path = Path(folder) / "subscriptions.csv"
			path.write_text(path.read_text().replace("FIBRE-500-TV,Suspended", "FIBRE-500-TV,Active"))
			path = Path(folder) / "locations.csv"
			path.write_text(path.read_text().replace("J8B1A1", "J8B 1A2"))
			path = Path(folder) / "customers.csv"
			path.write_text(path.read_text().replace("514 555-0142", "514 555-0177"))
			results, lines = run(folder)
		changed = {r["name"]: r for r in results if r["action"] != "unchanged"}
		self.assertEqual(set(changed), {"SUB-00010", "LOC-00043", "CUST-00101"})
		self.assertEqual(changed["CUST-00101"]["changed"], ["mobile_no"])
		customer = frappe.get_doc("Customer", "CUST-00101")
		contact = frappe.get_doc("Contact", customer.customer_primary_contact)
		self.assertEqual((contact.mobile_no, customer.mobile_no), ("+15145550177", "+15145550177"))
		self.assertEqual([p.phone for p in contact.phone_nos], ["+15145550177"])
		self.assertEqual(contact.email_id, "marie-eve.tremblay@example.com")
		self.assertIn(
			"subscriptions.csv, line 3: updated Service Subscription SUB-00010: status (status: Active)",
			lines,
		)
		self.assertEqual(frappe.db.get_value("Service Subscription", "SUB-00010", "status"), "Active")
		address = frappe.db.get_value("Service Location", "LOC-00043", "address")
		self.assertEqual(frappe.db.get_value("Address", address, "pincode"), "J8B 1A2")

	def test_a_malformed_mac_is_refused_in_french_and_nothing_of_its_row_written(self):
		frappe.local.lang = "fr"
		with tempfile.TemporaryDirectory() as folder:
			shutil.copytree(SAMPLE, folder, dirs_exist_ok=True)
			path = Path(folder) / "equipment.csv"
			path.write_text(path.read_text().replace("a4-91-b1-01-02-03", "a4-91-b1-01-02"))
			results, lines = run(folder)
		refused = [r for r in results if r["action"] == "refuse"]
		self.assertEqual(
			[(r["file"], r["line"], r["column"]) for r in refused], [("equipment.csv", 3, "mac_address")]
		)
		self.assertIn("a4-91-b1-01-02 n'est pas une adresse MAC", refused[0]["error"])
		self.assertIn("equipment.csv, ligne 3 : refusée (mac_address) : ", "\n".join(lines))
		self.assertFalse(frappe.db.exists("Service Equipment", "EQP-00018"))
		self.assertFalse(frappe.db.exists("Service Equipment", {"serial_number": "GT2024B0001"}))
		self.assertTrue(frappe.db.exists("Service Equipment", "EQP-00017"))

	def test_a_row_failing_while_written_leaves_nothing_behind(self):
		advance = migration._advance_series

		def fail_on_loc_42(doctype, name):
			if name == "LOC-00042":
				frappe.throw("the disk is full")
			advance(doctype, name)

		with patch.object(migration, "_advance_series", fail_on_loc_42):
			results, _ = run(SAMPLE)
		by_name = {r["name"]: r for r in results}
		self.assertEqual(by_name["LOC-00042"]["action"], "refuse")
		self.assertEqual(by_name["LOC-00042"]["error"], "the disk is full")
		# its Address was inserted before the location failed: rolled back with it
		self.assertFalse(frappe.db.exists("Service Location", "LOC-00042"))
		self.assertFalse(frappe.db.exists("Address", {"address_title": "Boulangerie"}))
		# what stood on it is refused when written; the rest is there
		self.assertEqual(by_name["EQP-00019"]["action"], "refuse")
		self.assertEqual(by_name["SUB-00010"]["action"], "refuse")
		self.assertFalse(frappe.db.exists("Service Equipment", "EQP-00019"))
		self.assertTrue(frappe.db.exists("Service Location", "LOC-00041"))
		self.assertTrue(frappe.db.exists("Customer", "CUST-00102"))

	def test_a_wrong_header_stops_before_anything(self):
		import click

		with tempfile.TemporaryDirectory() as folder:
			(Path(folder) / "customers.csv").write_text("name,customer_name,colour\nC-1,A,red\n")
			with self.assertRaises(click.ClickException) as raised:
				run(folder)
		self.assertIn("unknown column colour", str(raised.exception))
		self.assertFalse(frappe.db.exists("Customer", "C-1"))

	def test_a_system_manager_previews_an_uploaded_zip_and_nothing_is_written(self):
		from gigafibre_fsm.api.subscribers import preview_operator_import

		buffer = io.BytesIO()
		with zipfile.ZipFile(buffer, "w") as archive:
			for path in SAMPLE.glob("*.csv"):
				text = path.read_text()
				if path.name == "equipment.csv":
					text = text.replace("a4-91-b1-01-02-03", "a4-91-b1-01-02")
				archive.writestr(f"export/{path.name}", text)
		try:
			manager = make_user("migration.manager@example.com", "System Manager")
			dispatcher = make_user("migration.dispatcher@example.com", "Dispatcher")
			frappe.set_user(manager)  # the manager's own upload (a private File is its owner's)
			upload = frappe.get_doc(
				{
					"doctype": "File",
					"file_name": "operator-export.zip",
					"is_private": 1,
					"content": buffer.getvalue(),
				}
			).insert()
			frappe.set_user(dispatcher)
			with self.assertRaises(frappe.PermissionError):
				preview_operator_import(upload.file_url)
			frappe.set_user(manager)
			frappe.local.lang = "fr"
			report = preview_operator_import(upload.file_url)
			with self.assertRaises(frappe.DoesNotExistError):
				preview_operator_import("/private/files/no-such-export.zip")
		finally:
			frappe.set_user("Administrator")
			frappe.local.lang = "en"
		self.assertEqual(len(report["rows"]), 14)
		refused = [r for r in report["rows"] if r["action"] == "refuse"]
		self.assertEqual([r["name"] for r in refused], ["EQP-00018"])
		self.assertTrue(
			refused[0]["report"].startswith(
				"equipment.csv, ligne 3 : refusée (mac_address) : a4-91-b1-01-02 n'est pas"
			)
		)
		self.assertEqual(
			report["summary"],
			"Simulation, rien n'a été écrit : 13 créées, 0 mises à jour, 0 inchangées, 1 refusées",
		)
		self.assertFalse(frappe.db.exists("Customer", "CUST-00101"))
		upload.delete(ignore_permissions=True)
		frappe.db.commit()
