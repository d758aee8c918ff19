"""Frappe shell of the messaging context: sending SMS, Twilio webhooks, conversations."""
