# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from gigafibre_fsm.messaging.services import sms
from gigafibre_fsm.messaging.sms import WHATSAPP, normalise_sender, parse_address
from gigafibre_fsm.services.core_errors import translated_errors


class MessagingSettings(Document):
	def validate(self):
		if self.sender:
			with translated_errors():
				self.sender = normalise_sender(self.sender)
		if (self.whatsapp_sender or "").strip():
			with translated_errors():  # a number; the "whatsapp:" prefix is added when sending
				self.whatsapp_sender = parse_address(self.whatsapp_sender, channel=WHATSAPP).number
		else:
			self.whatsapp_sender = None
		self.public_base_url = (self.public_base_url or "").strip().rstrip("/")
		self.api_base_url = (self.api_base_url or "").strip().rstrip("/")
		# Shown so that whoever configures Twilio copies the exact URLs the signatures cover.
		self.inbound_webhook_url = sms.webhook_url(self.public_base_url, "twilio_inbound")
		self.status_callback_url = sms.webhook_url(self.public_base_url, "twilio_status")
