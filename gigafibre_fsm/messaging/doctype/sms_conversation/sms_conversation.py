# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from gigafibre_fsm.messaging.sms import inbound_address
from gigafibre_fsm.services.core_errors import translated_errors


class SMSConversation(Document):
	def before_insert(self):
		self._normalise()  # before the name is taken from the number

	def validate(self):
		self._normalise()

	def _normalise(self):
		# One conversation per number and channel: the same line typed two ways must not make
		# two threads, and the channel is the one its address says (a WhatsApp thread is named
		# whatsapp:+1…). A sender that is not a phone number (a short code) is kept as sent.
		with translated_errors():
			address = inbound_address(self.phone or "")
		self.phone, self.channel = address.twilio, address.channel
