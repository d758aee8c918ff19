# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class ONUStateChange(Document):
	"""A log line: written once by the OLT walk, never changed."""

	def validate(self):
		if not self.is_new():
			frappe.throw(_("An ONU state change is a log entry and cannot be changed"))
