# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class SavedPaymentMethod(Document):
	"""The card a customer saved at Stripe for pre-authorised payments (one per customer)."""
