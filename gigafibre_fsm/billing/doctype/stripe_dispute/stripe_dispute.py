# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class StripeDispute(Document):
	"""One Stripe dispute (named by its id), written by the webhook job from charge.dispute.*
	events; see billing/services/disputes.py."""
