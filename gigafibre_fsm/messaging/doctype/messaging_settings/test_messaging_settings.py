# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

import frappe

from gigafibre_fsm.tests import ERPNEXT_RECORDS, IntegrationTestCase

# the Dynamic Link of an SMS Message points at DocType: no test records to make there either
IGNORE_TEST_RECORD_DEPENDENCIES = [*ERPNEXT_RECORDS, "DocType"]  # Frappe v16
test_ignore = IGNORE_TEST_RECORD_DEPENDENCIES  # Frappe v15's name


class TestMessagingSettings(IntegrationTestCase):
	def test_sender_and_webhook_urls_are_normalised(self):
		settings = frappe.get_single("Messaging Settings")
		settings.update({"sender": "514 555-0100", "public_base_url": "https://erp.example.ca/"})
		settings.save(ignore_permissions=True)
		self.assertEqual(settings.sender, "+15145550100")
		self.assertEqual(
			settings.inbound_webhook_url,
			"https://erp.example.ca/api/method/gigafibre_fsm.api.messaging.twilio_inbound",
		)
		self.assertTrue(settings.status_callback_url.endswith(".twilio_status"))

	def test_bad_sender_is_refused(self):
		settings = frappe.get_single("Messaging Settings")
		settings.sender = "MG123"
		with self.assertRaises(frappe.ValidationError):
			settings.save(ignore_permissions=True)
