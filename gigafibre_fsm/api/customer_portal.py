"""REST surface of the customer portal: /api/method/gigafibre_fsm.api.customer_portal.<name>.

Thin: parse the arguments, call `customer_portal.services`. The sign-in endpoints are open to
Guest (signing in is what they are for) and rate-limited per IP by Frappe's rate limiter on top
of the service's own limits per phone, e-mail and IP; they answer the same whether or not the
phone or e-mail address is a customer's.
"""

import frappe
from frappe.rate_limiter import rate_limit

from gigafibre_fsm.customer_portal.services import sign_in


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=20, seconds=60 * 60)  # per IP, as the service's own limit per IP
def request_code(phone: str = "") -> dict:
	"""Send a 6-digit sign-in code by SMS to `phone` (valid 10 minutes)."""
	return sign_in.request_code(phone)


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=30, seconds=60 * 60)  # per IP: 5 tries per code, a few codes, a few typos
def verify_code(phone: str = "", code: str = "") -> dict:
	"""Check the code sent to `phone`: a customer is signed in (Frappe session), anyone else
	gets a verified identity for ordering."""
	return sign_in.verify_code(phone, code)


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=20, seconds=60 * 60)  # per IP
def request_link(email: str = "") -> dict:
	"""Send a sign-in link by e-mail to `email` (valid 24 hours, once)."""
	return sign_in.request_link(email)


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=30, seconds=60 * 60)  # per IP: a 256-bit token is not guessed, this stops floods
def consume_link(token: str = "") -> dict:
	"""Use the token of a sign-in link (POST from the page, never on opening the link)."""
	return sign_in.consume_link(token)
