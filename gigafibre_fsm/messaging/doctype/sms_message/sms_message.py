# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from gigafibre_fsm.messaging.sms import sms_segments


class SMSMessage(Document):
	def before_insert(self):
		segments = sms_segments(self.body or "")
		self.encoding, self.segments = segments.encoding, segments.segments
