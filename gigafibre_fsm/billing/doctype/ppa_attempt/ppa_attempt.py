# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class PPAAttempt(Document):
	"""One try at charging an invoice's pre-authorised payment; its name is the idempotency key
	sent to Stripe. Written before Stripe is asked; see billing/preauthorised_payments/run.py."""
