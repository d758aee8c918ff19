# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""Tier 2 of the Service Order's form: by hand, staff move an order only along its life and
never type its payment. The whole order (page, payment, placing) is tested beside its service:
sales/services/test_orders.py."""

import frappe

from gigafibre_fsm.tests import ERPNEXT_RECORDS, IntegrationTestCase

IGNORE_TEST_RECORD_DEPENDENCIES = ERPNEXT_RECORDS  # Frappe v16
test_ignore = IGNORE_TEST_RECORD_DEPENDENCIES  # Frappe v15's name


class TestServiceOrder(IntegrationTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		address = frappe.get_doc(
			{
				"doctype": "Served Address",
				"civic": 4321,
				"street": "rue du Formulaire",
				"municipality": "Laval",
				"status": "Served",
			}
		)
		existing = frappe.db.get_value("Served Address", {"civic": 4321, "street": "rue du Formulaire"})
		self.address = existing or address.insert(ignore_permissions=True).name
		order = frappe.get_doc(
			{"doctype": "Service Order", "served_address": self.address, "contact_name": "Form Test"}
		)
		order.flags.order_service = True
		order.insert(ignore_permissions=True)
		self.order = frappe.get_doc("Service Order", order.name)  # as the desk opens it

	def test_a_paid_order_cannot_go_back_and_its_payment_is_not_typed(self):
		self.order.status = "Awaiting Payment"
		self.order.save()
		self.order.status = "Completed"  # never paid
		with self.assertRaises(frappe.ValidationError):
			self.order.save()
		self.order.reload()
		self.order.payment_intent = "pi_typed_by_hand"
		with self.assertRaises(frappe.ValidationError):
			self.order.save()
		self.order.reload()
		self.order.status = "Cancelled"
		self.order.save()
		self.assertEqual(frappe.db.get_value("Service Order", self.order.name, "status"), "Cancelled")
