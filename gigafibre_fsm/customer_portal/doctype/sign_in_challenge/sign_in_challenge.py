# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""A sign-in code or link as it is stored: its keyed hash, where it went, when it expires, the
wrong tries and when it was used. Written by `customer_portal.services.sign_in` only; staff
(System Manager) may read and delete them, nobody edits them."""

from frappe.model.document import Document


class SigninChallenge(Document):
	pass
