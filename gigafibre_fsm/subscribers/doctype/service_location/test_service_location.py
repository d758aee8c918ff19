# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

import frappe

from gigafibre_fsm.tests import ERPNEXT_RECORDS, IntegrationTestCase
from gigafibre_fsm.tests.factories import make_customer, make_location

IGNORE_TEST_RECORD_DEPENDENCIES = ERPNEXT_RECORDS  # Frappe v16
test_ignore = IGNORE_TEST_RECORD_DEPENDENCIES  # Frappe v15's name


class TestServiceLocation(IntegrationTestCase):
	def test_named_loc_and_normalised(self):
		location = make_location(pon_port="0-1-3", internet_vlan=100, onu_id=7)
		self.assertRegex(location.name, r"^LOC-\d{5}$")
		self.assertEqual(location.pon_port, "0/1/3")

	def test_bad_input_is_refused_and_nothing_saved(self):
		count = frappe.db.count("Service Location")
		for values in ({"latitude": 95}, {"internet_vlan": 4095}, {"onu_id": 300}, {"pon_port": "port 3"}):
			with self.assertRaises(frappe.ValidationError):
				make_location(**values)
		self.assertEqual(frappe.db.count("Service Location"), count)

	def test_link_to_a_missing_customer_is_refused(self):
		with self.assertRaises(frappe.LinkValidationError):
			make_location(customer="No Such Customer")

	def test_message_is_translated(self):
		make_customer()
		frappe.local.lang = "fr"
		try:
			with self.assertRaises(frappe.ValidationError) as caught:
				make_location(internet_vlan=5000)
			self.assertIn("VLAN Internet 5000 est hors de 1 à 4094", str(caught.exception))
		finally:
			frappe.local.lang = "en"
