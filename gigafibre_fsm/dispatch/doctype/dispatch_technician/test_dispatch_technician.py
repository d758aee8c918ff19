# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

import frappe

from gigafibre_fsm.tests import ERPNEXT_RECORDS, IntegrationTestCase
from gigafibre_fsm.tests.factories import make_technician

IGNORE_TEST_RECORD_DEPENDENCIES = ERPNEXT_RECORDS  # Frappe v16
test_ignore = IGNORE_TEST_RECORD_DEPENDENCIES  # Frappe v15's name


class TestDispatchTechnician(IntegrationTestCase):
	def test_valid_technician_saves(self):
		name = make_technician("_Test Tech Valid", skills=[{"tag": "Fibre Splicing", "level": 3}])
		self.assertRegex(name, r"^TECH-\d{4}$")

	def test_schedule_overlapping_itself_is_refused(self):
		with self.assertRaises(frappe.ValidationError):
			make_technician(
				"_Test Tech Overlap",
				weekly_schedule=[
					{"weekday": "Monday", "start_time": "08:00:00", "end_time": "12:00:00"},
					{"weekday": "Monday", "start_time": "11:00:00", "end_time": "16:00:00"},
				],
			)
		self.assertFalse(frappe.db.exists("Dispatch Technician", {"technician_name": "_Test Tech Overlap"}))

	def test_shift_ending_before_it_starts_is_refused(self):
		with self.assertRaises(frappe.ValidationError):
			make_technician(
				"_Test Tech Backwards",
				extra_shifts=[{"shift_date": "2026-12-05", "start_time": "16:00:00", "end_time": "08:00:00"}],
			)

	def test_skill_level_outside_one_to_five_is_refused(self):
		with self.assertRaises(frappe.ValidationError):
			make_technician("_Test Tech Level", skills=[{"tag": "Fibre Splicing", "level": 6}])

	def test_home_base_off_the_map_is_refused(self):
		with self.assertRaises(frappe.ValidationError):
			make_technician("_Test Tech Home", home_latitude=145)

	def test_link_to_a_missing_tag_is_refused(self):
		with self.assertRaises(frappe.LinkValidationError):
			make_technician("_Test Tech Tag", skills=[{"tag": "Underwater Basket Weaving", "level": 1}])
