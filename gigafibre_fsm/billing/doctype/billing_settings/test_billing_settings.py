# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

import frappe

from gigafibre_fsm.tests import ERPNEXT_RECORDS, IntegrationTestCase

IGNORE_TEST_RECORD_DEPENDENCIES = [*ERPNEXT_RECORDS, "Account", "Mode of Payment", "Currency"]  # Frappe v16
test_ignore = IGNORE_TEST_RECORD_DEPENDENCIES  # Frappe v15's name


class TestBillingSettings(IntegrationTestCase):
	def test_webhook_url_and_keys_kept_secret(self):
		settings = frappe.get_single("Billing Settings")
		settings.update(
			{
				"public_base_url": "https://erp.example.ca/",
				"stripe_secret_key": "sk_test_abc",
				"ppa_days_between_attempts": 3,
				"ppa_max_attempts": 3,
			}
		)
		settings.save(ignore_permissions=True)
		self.assertEqual(
			settings.webhook_url, "https://erp.example.ca/api/method/gigafibre_fsm.api.billing.stripe_webhook"
		)
		stored = frappe.db.get_single_value("Billing Settings", "stripe_secret_key")
		self.assertNotEqual(stored, "sk_test_abc")  # a Password field keeps only asterisks
		self.assertEqual(settings.get_password("stripe_secret_key"), "sk_test_abc")

	def test_a_schedule_without_tries_is_refused(self):
		settings = frappe.get_single("Billing Settings")
		settings.ppa_max_attempts = 0
		with self.assertRaises(frappe.ValidationError):
			settings.save(ignore_permissions=True)
