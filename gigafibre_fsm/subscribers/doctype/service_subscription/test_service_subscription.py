# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

import frappe

from gigafibre_fsm.tests import ERPNEXT_RECORDS, IntegrationTestCase
from gigafibre_fsm.tests.factories import make_customer, make_location, make_plan

IGNORE_TEST_RECORD_DEPENDENCIES = ERPNEXT_RECORDS  # Frappe v16
test_ignore = IGNORE_TEST_RECORD_DEPENDENCIES  # Frappe v15's name


def make_subscription(**values):
	location = make_location()
	return frappe.get_doc(
		{
			"doctype": "Service Subscription",
			"customer": location.customer,
			"service_location": location.name,
			"plan_type": "Internet",
			"plan": make_plan(),
			"actual_price": 75,
			**values,
		}
	).insert(ignore_permissions=True)


class TestServiceSubscription(IntegrationTestCase):
	def test_legal_transitions_are_recorded_with_who_and_when(self):
		subscription = make_subscription()
		self.assertRegex(subscription.name, r"^SUB-\d{5}$")
		for status in ("Active", "Suspended", "Active", "Cancelled"):
			subscription.status = status
			subscription.save(ignore_permissions=True)
		history = [(row.from_status, row.to_status) for row in subscription.status_history]
		self.assertEqual(
			history,
			[
				(None, "Pending"),
				("Pending", "Active"),
				("Active", "Suspended"),
				("Suspended", "Active"),
				("Active", "Cancelled"),
			],
		)
		self.assertTrue(all(row.changed_by and row.changed_on for row in subscription.status_history))

	def test_illegal_transition_is_refused_and_nothing_saved(self):
		subscription = make_subscription()
		subscription.status = "Suspended"
		with self.assertRaises(frappe.ValidationError):
			subscription.save(ignore_permissions=True)
		self.assertEqual(frappe.db.get_value("Service Subscription", subscription.name, "status"), "Pending")

	def test_new_subscription_cannot_start_active(self):
		with self.assertRaises(frappe.ValidationError):
			make_subscription(status="Active")

	def test_location_of_another_customer_is_refused(self):
		other = make_customer("_Test Other Customer")
		with self.assertRaises(frappe.ValidationError):
			make_subscription(customer=other)
