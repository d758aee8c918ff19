# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

import frappe

from gigafibre_fsm.tests import ERPNEXT_RECORDS, IntegrationTestCase
from gigafibre_fsm.tests.factories import make_technician

IGNORE_TEST_RECORD_DEPENDENCIES = ERPNEXT_RECORDS  # Frappe v16
test_ignore = IGNORE_TEST_RECORD_DEPENDENCIES  # Frappe v15's name


class TestDispatchTechnicianAbsence(IntegrationTestCase):
	def make_absence(self, start, end):
		return frappe.get_doc(
			{
				"doctype": "Dispatch Technician Absence",
				"technician": make_technician("_Test Tech Absent"),
				"reason": "Vacation",
				"from_datetime": start,
				"to_datetime": end,
			}
		).insert(ignore_permissions=True)

	def test_absence(self):
		absence = self.make_absence("2026-12-21 00:00:00", "2026-12-24 23:59:00")
		self.assertRegex(absence.name, r"^ABS-\d{5}$")

	def test_absence_ending_before_it_starts_is_refused(self):
		with self.assertRaises(frappe.ValidationError):
			self.make_absence("2026-12-24 00:00:00", "2026-12-21 00:00:00")
