# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

import frappe

from gigafibre_fsm.tests import ERPNEXT_RECORDS, IntegrationTestCase

IGNORE_TEST_RECORD_DEPENDENCIES = ERPNEXT_RECORDS  # Frappe v16
test_ignore = IGNORE_TEST_RECORD_DEPENDENCIES  # Frappe v15's name


class TestONUStateChange(IntegrationTestCase):
	def test_a_logged_change_cannot_be_edited(self):
		frappe.get_doc(
			{
				"doctype": "OLT",
				"olt_name": "OLT-LOG",
				"layout": "zte_c320",
				"host": "127.0.0.1",
				"community": "c",
			}
		).insert(ignore_permissions=True)
		change = frappe.get_doc(
			{
				"doctype": "ONU State Change",
				"olt": "OLT-LOG",
				"onu": "OLT-LOG/1/1/1:1",
				"change": "down",
				"changed_at": frappe.utils.now_datetime(),
			}
		).insert(ignore_permissions=True)
		change.cause = "edited"
		with self.assertRaises(frappe.ValidationError):
			change.save(ignore_permissions=True)
