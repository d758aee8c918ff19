# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""Served Address on a real site: the controller's keys and refusals, the public search and
eligibility check called as Guest over the request path (what they show, bad input, the rate
limit), the search reading the index, and the CSV import (idempotent, dry run, bad rows)."""

import random
import unittest.mock
from contextlib import contextmanager

import frappe
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gigafibre_fsm.sales.doctype.served_address import csv_import, search
from gigafibre_fsm.tests import ERPNEXT_RECORDS, IntegrationTestCase
from gigafibre_fsm.tests.factories import make_user

IGNORE_TEST_RECORD_DEPENDENCIES = ERPNEXT_RECORDS  # Frappe v16
test_ignore = IGNORE_TEST_RECORD_DEPENDENCIES  # Frappe v15's name

API = "gigafibre_fsm.api.sales."
TOWN = "Sainte-Adèle-des-Tests"  # a municipality no other test uses
OLT = "_adr-test-olt"

# the indexes the doctype adds for the search (served_address.on_doctype_update)
SEARCH_INDEXES = {"civic_search_key_index", "civic_end_search_key_index", "search_key_civic_index"}


@contextmanager
def request(cmd: str, form: dict, ip: str | None = None, user: str = "Guest"):
	"""Run as an HTTP request would: a werkzeug request from `ip`, the form, the user."""
	form = {k: str(v) for k, v in form.items()}
	frappe.set_user(user)  # first: it empties form_dict
	saved = {k: getattr(frappe.local, k, None) for k in ("request", "request_ip", "form_dict")}
	frappe.local.request = Request(
		EnvironBuilder(method="GET", path=f"/api/method/{cmd}", query_string=form).get_environ()
	)
	frappe.local.request_ip = ip or f"198.51.100.{random.randint(1, 254)}"
	frappe.local.form_dict = frappe._dict(cmd=cmd, **form)
	try:
		yield
	finally:
		frappe.set_user("Administrator")
		for k, v in saved.items():
			setattr(frappe.local, k, v)


def call(method: str, user: str = "Guest", ip: str | None = None, **form):
	cmd = API + method
	with request(cmd, form, ip, user):
		return frappe.handler.execute_cmd(cmd)


def served(civic, street, unit="", **values):
	doc = frappe.get_doc(
		{
			"doctype": "Served Address",
			"civic": civic,
			"street": street,
			"unit": unit,
			"municipality": TOWN,
			**values,
		}
	)
	return doc.insert()


class TestServedAddress(IntegrationTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		if not frappe.db.exists("OLT", OLT):
			frappe.get_doc(
				{"doctype": "OLT", "olt_name": OLT, "layout": "huawei_ma5800", "host": "192.0.2.10"}
			).insert()
		frappe.db.delete("Served Address", {"municipality": TOWN})
		cls.laurent = served("1200", "boul. St-Laurent", postal_code="h2x2s6", olt=OLT, pon_port="0-1-3").name
		cls.range = served(1200, "rue Sherbrooke Est", civic_end=1210, postal_code="H2L 1M2").name
		cls.soon = served(
			345, "rue Sainte-Catherine Ouest", unit="app. 12", status="Soon", expected_date="2027-03-01"
		).name
		search.forget_municipalities()

	def tearDown(self):
		frappe.set_user("Administrator")

	# --- the controller ----------------------------------------------------------------------

	def test_saving_normalises_and_keys_the_address(self):
		doc = frappe.get_doc("Served Address", self.laurent)
		self.assertTrue(doc.name.startswith("ADR-"))
		self.assertEqual((doc.postal_code, doc.pon_port, doc.province), ("H2X 2S6", "0/1/3", "QC"))
		self.assertEqual(doc.search_key, "st laurent|boulevard|")
		self.assertEqual(doc.address_key, "1200||st laurent|boulevard||st adele tests")
		self.assertEqual(frappe.db.get_value("Served Address", self.soon, "unit_key"), "12")

	def test_the_same_address_spelt_otherwise_is_refused(self):
		with self.assertRaises(frappe.DuplicateEntryError):
			served(1200, "Boulevard Saint-Laurent")

	def test_bad_input_is_refused_in_french_and_nothing_is_saved(self):
		before = frappe.db.count("Served Address")
		frappe.local.lang = "fr"
		try:
			with self.assertRaises(frappe.ValidationError) as e:
				served(77, "rue X", postal_code="H2X 1O4")
			self.assertIn("n'est pas un code postal canadien", str(e.exception))
			with self.assertRaises(frappe.ValidationError):
				served(78, "rue X", status="Soon")
			with self.assertRaises(frappe.ValidationError):
				served(79, "rue X", pon_port="0/1/1")  # a PON port without its OLT
		finally:
			frappe.local.lang = "en"
		self.assertEqual(frappe.db.count("Served Address"), before)

	# --- the public search -------------------------------------------------------------------

	def test_a_guest_finds_an_address_typed_loosely_without_its_fibre_drop(self):
		answer = call("search_addresses", query="1200 Saint-Laurent Blvd, Sainte-Adele-des-Tests")
		self.assertTrue(answer["found"])
		best = answer["candidates"][0]
		self.assertEqual(best["name"], self.laurent)
		self.assertEqual((best["status"], best["eligible"]), ("Served", True))
		self.assertNotIn("olt", best)
		self.assertNotIn("pon_port", best)
		self.assertEqual(
			best["label"], f"1200 boul. St-Laurent, {TOWN} QC H2X 2S6"
		)  # as the operator wrote it

	def test_staff_see_the_fibre_drop(self):
		user = make_user("adr.noc@example.com", "NOC Operator")
		answer = call("search_addresses", user=user, query="1200 boul St Laurent")
		best = next(c for c in answer["candidates"] if c["name"] == self.laurent)
		self.assertEqual((best["olt"], best["pon_port"]), (OLT, "0/1/3"))

	def test_a_range_answers_for_its_side_of_the_street_only(self):
		names = [c["name"] for c in call("search_addresses", query="1204 Sherbrooke E")["candidates"]]
		self.assertIn(self.range, names)
		answer = call("search_addresses", query="1205 Sherbrooke E")
		self.assertNotIn(self.range, [c["name"] for c in answer["candidates"]])

	def test_an_address_not_served_is_an_answer_not_an_error(self):
		answer = call("search_addresses", query="9999 boul. St-Laurent, Sainte-Adèle-des-Tests")
		self.assertEqual((answer["found"], answer["candidates"]), (False, []))
		self.assertIn("No served address matches", answer["message"])

	def test_a_postal_code_of_another_street_is_said(self):
		answer = call("search_addresses", query="1200 boul. St-Laurent H2X 9Z9")
		self.assertTrue(answer["found"])
		self.assertIn("H2X 9Z9 is not the one of this address", answer["message"])
		self.assertIs(answer["candidates"][0]["postal_code_matches"], False)

	def test_bad_search_input_is_refused(self):
		for form in ({"query": "   "}, {"query": "x" * 201}, {"query": "1200"}, {"query": "a", "limit": 50}):
			with self.subTest(form=form), self.assertRaises(frappe.ValidationError):
				call("search_addresses", **form)

	def test_eligibility_of_a_known_and_an_unknown_address(self):
		answer = call("check_eligibility", served_address=self.soon)
		self.assertEqual((answer["found"], answer["status"], answer["eligible"]), (True, "Soon", False))
		self.assertEqual(answer["expected_date"], "2027-03-01")
		self.assertNotIn("pon_port", answer)
		answer = call("check_eligibility", served_address="ADR-9999999")
		self.assertEqual(answer["found"], False)
		self.assertIn("not found", answer["message"])

	def test_the_served_municipalities_are_read_once_then_cached(self):
		search.forget_municipalities()
		self.assertIn("st adele tests", search.municipalities())
		with unittest.mock.patch.object(frappe.qb, "from_", side_effect=AssertionError("read again")):
			self.assertIn("st adele tests", search.municipalities())  # from the cache
		served(5, "rue Nouvelle", municipality="Ville-Nouvelle-des-Tests")  # a new town clears it
		self.assertIn("ville nouvelle tests", search.municipalities())

	def test_the_search_is_rate_limited_per_ip(self):
		ip = f"203.0.113.{random.randint(1, 254)}"
		cmd = API + "search_addresses"
		try:
			for _ in range(120):
				call("search_addresses", ip=ip, query="1200 St-Laurent")
			with self.assertRaises(frappe.RateLimitExceededError):
				call("search_addresses", ip=ip, query="1200 St-Laurent")
			call("search_addresses", ip="203.0.113.255", query="1200 St-Laurent")  # another IP: fine
		finally:
			frappe.cache.delete(frappe.cache.make_key(f"rl:{cmd}:{ip}"))

	def test_the_search_reads_an_index_range_not_the_table(self):
		if frappe.db.db_type != "mariadb":
			self.skipTest("EXPLAIN's shape is MariaDB's")
		from gigafibre_fsm.sales.eligibility import matching, query

		scan = matching.scan_for(query.parse_query("1200 boul. St-Laurent"))
		table = frappe.qb.DocType("Served Address")
		by_name = table.search_key.like(f"{scan.prefixes[0]}%")
		low, high = scan.range_ends
		for sql, index in (
			(
				frappe.qb.from_(table).select(table.name).where(table.civic == scan.civic).where(by_name),
				"civic_search_key_index",
			),
			(
				frappe.qb.from_(table)
				.select(table.name)
				.where(table.civic_end[low:high])
				.where(table.civic <= scan.civic)
				.where(by_name),
				"civic_end_search_key_index",
			),
		):
			plan = frappe.db.sql(f"explain {sql.get_sql()}", as_dict=True)[0]
			# a range on one of the search's indexes: which of the two composite ones the
			# optimizer prefers depends on the table's statistics, not on the query
			self.assertEqual(plan["type"], "range", plan)
			self.assertIn(plan["key"], {index, *SEARCH_INDEXES}, plan)

	# --- the import ----------------------------------------------------------------------------

	def test_the_import_is_idempotent_and_a_dry_run_writes_nothing(self):
		text = (
			"civic,civic_end,unit,street,municipality,postal_code,status,expected_date,olt,pon_port\n"
			f"500,,,rue Jean-Talon Est,{TOWN},H2R 1T5,Served,,{OLT},0/2/1\n"
			f"502,510,,rue Jean-Talon Est,{TOWN},,Soon,2027-05-01,,\n"
			f"12,,,rue Y,{TOWN},H2X 9Q9,Served,,,\n"  # Q is never in a postal code
			f"77,,,rue Z,{TOWN},,Served,,OLT-NOWHERE,0/1/1\n"
			f"1200,,,Boulevard Saint-Laurent,{TOWN},H2X 2S6,Not Served,,,\n"  # exists: updated
		)
		before = frappe.db.count("Served Address")
		dry = csv_import.import_text(text, dry_run=True)
		self.assertEqual([r["action"] for r in dry], ["create", "create", "refuse", "refuse", "update"])
		self.assertEqual(frappe.db.count("Served Address"), before)
		self.assertEqual(frappe.db.get_value("Served Address", self.laurent, "status"), "Served")

		first = csv_import.import_text(text)
		self.assertEqual([r["action"] for r in first], ["create", "create", "refuse", "refuse", "update"])
		self.assertEqual(frappe.db.count("Served Address"), before + 2)
		self.assertEqual(first[4]["name"], self.laurent)
		self.assertEqual(first[4]["changed"], ["street", "status", "olt", "pon_port"])
		self.assertIn("Unknown OLT OLT-NOWHERE", first[3]["error"])
		self.assertIn("Line 4: refused", csv_import.describe(first[2]))

		again = csv_import.import_text(text)
		self.assertEqual(
			[r["action"] for r in again], ["unchanged", "unchanged", "refuse", "refuse", "unchanged"]
		)
		self.assertEqual(frappe.db.count("Served Address"), before + 2)
		self.assertEqual(csv_import.summary(again, False), "0 created, 0 updated, 3 unchanged, 2 refused")

	def test_a_file_without_its_columns_is_refused_whole(self):
		with self.assertRaises(frappe.ValidationError):
			csv_import.import_text("civic,street\n1,rue X\n")


class TestServedAddressDataImport(IntegrationTestCase):
	"""Frappe's Data Import (the desk's) reads the bench import's columns and saves through the
	same controller. It commits each row (and rolls back a failed one), so this class holds no
	other data and removes what it made."""

	TOWN = "Ville-Import-des-Tests"

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.delete("Served Address", {"municipality": self.TOWN})
		for name in frappe.get_all(
			"Data Import", filters={"reference_doctype": "Served Address"}, pluck="name"
		):
			frappe.db.delete("Data Import Log", {"data_import": name})
			frappe.delete_doc("Data Import", name, force=True)
		frappe.db.delete("File", {"file_name": "served-addresses-test.csv"})
		frappe.db.commit()

	def test_the_desk_import_reads_the_same_columns(self):
		from frappe.core.doctype.data_import.data_import import start_import

		frappe.set_user("Administrator")
		text = (
			"civic,civic_end,unit,street,municipality,province,postal_code,status,expected_date,olt,pon_port\n"
			f"2020,,,boul. Décarie,{self.TOWN},QC,h4a3j3,Served,,,\n"
			f"2030,2040,,boul. Décarie,{self.TOWN},QC,,Soon,2027-04-01,,\n"
			f"2050,,,boul. Décarie,{self.TOWN},QC,K1A 0B1,Served,,,\n"
		)
		file = frappe.get_doc(
			{"doctype": "File", "file_name": "served-addresses-test.csv", "content": text, "is_private": 1}
		).insert()
		data_import = frappe.get_doc(
			{
				"doctype": "Data Import",
				"reference_doctype": "Served Address",
				"import_type": "Insert New Records",
				"import_file": file.file_url,
			}
		).insert()
		start_import(data_import.name)
		stored = frappe.get_all(
			"Served Address",
			filters={"municipality": self.TOWN},
			fields=["civic", "civic_end", "postal_code", "search_key", "status"],
			order_by="civic",
		)
		self.assertEqual(
			[tuple(r.values()) for r in stored],
			[
				(2020, 0, "H4A 3J3", "decarie|boulevard|", "Served"),
				(2030, 2040, None, "decarie|boulevard|", "Soon"),
			],
		)
		refused = frappe.get_all(
			"Data Import Log", filters={"data_import": data_import.name, "success": 0}, pluck="messages"
		)
		self.assertEqual(len(refused), 1)
		self.assertIn("The postal code K1A 0B1 is not in QC", refused[0])
