# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class NetworkWebhookEvent(Document):
	"""One webhook delivery, kept so that a repeated delivery (same key) changes nothing twice."""
