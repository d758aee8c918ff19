# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""An online order: the verified contact, the served address, what was chosen and its price, the
appointment hold, the contract accepted, the Stripe payment, and the records it became.

Everything on it is written by the order's services (`sales/services/orders.py`), which raise
`flags.order_service`; by hand, staff only move it along its life (the core's rules)."""

import frappe
from frappe import _
from frappe.model.document import Document

from gigafibre_fsm.sales import orders as core
from gigafibre_fsm.services.core_errors import translated_errors


class ServiceOrder(Document):
	def validate(self):
		before = self.get_doc_before_save()
		if before and not self.flags.order_service:
			with translated_errors():
				core.check_status_change(before.status, self.status)
			if before.payment_intent != self.payment_intent or before.amount_paid != self.amount_paid:
				frappe.throw(_("The payment of an order is recorded from Stripe, not typed"))
