# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class StripeEvent(Document):
	"""One Stripe webhook event, stored once (its id is the name) and applied once; see
	billing/services/webhooks.py."""
