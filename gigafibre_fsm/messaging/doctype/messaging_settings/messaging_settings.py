# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from gigafibre_fsm.messaging.services import sms
from gigafibre_fsm.messaging.sms import normalise_sender
from gigafibre_fsm.services.core_errors import translated_errors


class MessagingSettings(Document):
	def validate(self):
		if self.sender:
			with translated_errors():
				self.sender = normalise_sender(self.sender)
		self.public_base_url = (self.public_base_url or "").strip().rstrip("/")
		self.api_base_url = (self.api_base_url or "").strip().rstrip("/")
		# Shown so that whoever configures Twilio copies the exact URLs the signatures cover.
		self.inbound_webhook_url = sms.webhook_url(self.public_base_url, "twilio_inbound")
		self.status_callback_url = sms.webhook_url(self.public_base_url, "twilio_status")
