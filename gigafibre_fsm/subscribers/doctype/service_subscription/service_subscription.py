# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate, now_datetime

from gigafibre_fsm.services.core_errors import translated_errors
from gigafibre_fsm.subscribers.services.locations import customer_of_location
from gigafibre_fsm.subscribers.subscription_lifecycle import SUBSCRIPTION_LIFECYCLE


class ServiceSubscription(Document):
	def validate(self):
		before = self.get_doc_before_save()
		old_status = before.status if before else None
		with translated_errors():
			SUBSCRIPTION_LIFECYCLE.check(old_status, self.status)
		self.validate_location_belongs_to_customer()
		if self.start_date and self.end_date and getdate(self.end_date) < getdate(self.start_date):
			frappe.throw(_("The end date cannot be before the start date"))
		if self.actual_price is not None and self.actual_price < 0:
			frappe.throw(_("The actual price cannot be negative"))
		if old_status != self.status:
			self.append(
				"status_history",
				{
					"changed_on": now_datetime(),
					"from_status": old_status,
					"to_status": self.status,
					"changed_by": frappe.session.user,
					"reason": self.status_reason,
				},
			)
			self.status_reason = None

	def validate_location_belongs_to_customer(self):
		customer_of_location(self.service_location, self.customer)
