# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from gigafibre_fsm.messaging.sms import try_normalise_phone


class SMSConversation(Document):
	def validate(self):
		# One conversation per number: the same line typed two ways must not make two threads.
		# A sender that is not a phone number (a short code) is kept as Twilio wrote it.
		self.phone = try_normalise_phone(self.phone) or (self.phone or "").strip()
