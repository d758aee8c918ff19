# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

import frappe

from gigafibre_fsm.tests import ERPNEXT_RECORDS, IntegrationTestCase
from gigafibre_fsm.tests.factories import make_location

IGNORE_TEST_RECORD_DEPENDENCIES = ERPNEXT_RECORDS  # Frappe v16
test_ignore = IGNORE_TEST_RECORD_DEPENDENCIES  # Frappe v15's name


def make_equipment(serial, mac=None, **values):
	return frappe.get_doc(
		{
			"doctype": "Service Equipment",
			"equipment_type": "ONT",
			"serial_number": serial,
			"mac_address": mac,
			**values,
		}
	).insert(ignore_permissions=True)


class TestServiceEquipment(IntegrationTestCase):
	def test_named_eqp_and_identifiers_normalised(self):
		equipment = make_equipment("hwtc a94196a5", "1c-61-b4-00-00-01")
		self.assertRegex(equipment.name, r"^EQP-\d{5}$")
		self.assertEqual(equipment.serial_number, "HWTCA94196A5")
		self.assertEqual(equipment.mac_address, "1C:61:B4:00:00:01")

	def test_same_serial_in_another_notation_is_a_duplicate(self):
		make_equipment("22282X5007025")
		with self.assertRaises(frappe.DuplicateEntryError):
			make_equipment("22282x 5007025")

	def test_same_mac_in_another_notation_is_a_duplicate(self):
		make_equipment("SERIALMAC1", "9c:a2:f4:00:00:02")
		with self.assertRaises(frappe.DuplicateEntryError):
			make_equipment("SERIALMAC2", "9CA2.F400.0002")

	def test_malformed_mac_is_refused(self):
		with self.assertRaises(frappe.ValidationError):
			make_equipment("SERIALBAD1", "9c:a2:f4:00:00")
		self.assertFalse(frappe.db.exists("Service Equipment", {"serial_number": "SERIALBAD1"}))

	def test_moves_are_recorded(self):
		equipment = make_equipment("SERIALMOVE1")
		location = make_location()
		equipment.service_location = location.name
		equipment.status = "Active"
		equipment.save(ignore_permissions=True)
		self.assertEqual(len(equipment.moves), 2)  # into stock, then to the customer
		last = equipment.moves[-1]
		self.assertEqual(
			(last.from_status, last.to_status, last.to_location), ("En stock", "Active", location.name)
		)
		self.assertEqual(last.moved_by, frappe.session.user)
		self.assertEqual(equipment.customer, location.customer)
