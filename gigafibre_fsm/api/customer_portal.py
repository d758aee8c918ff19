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


# --- the customer's own pages (/me): invoices, tickets, options, account ------------------------
# Each method checks the customer first (`guards.require_customer_of` on the record named, or
# `scopes.customers_of` for the account): only that customer's portal users (and Administrator)
# pass; staff work from the desk.

from frappe import _

from gigafibre_fsm.customer_portal.services import (
	portal,
	portal_account,
	portal_invoices,
	portal_tickets,
)
from gigafibre_fsm.permissions.services import guards, scopes

PORTAL_ONLY = ()  # no staff role: these are the customer's own actions


def _my_customers() -> list[str]:
	guards.require_login()
	customers = scopes.customers_of(frappe.session.user)
	if not customers:
		guards.deny(_("This is for customers"))
	return customers


@frappe.whitelist(methods=["GET"])
def invoice_pdf(invoice: str) -> None:
	"""The PDF of one of the customer's own submitted invoices."""
	guards.require_customer_of("Sales Invoice", invoice, PORTAL_ONLY)
	filename, pdf = portal_invoices.invoice_pdf(invoice)
	frappe.response["type"] = "pdf"
	frappe.response["filename"] = filename
	frappe.response["filecontent"] = pdf


@frappe.whitelist(methods=["POST"])
def open_ticket(service_location: str, subject: str = "", description: str = "") -> dict:
	"""A support ticket at one of the customer's locations."""
	guards.require_customer_of("Service Location", service_location, PORTAL_ONLY)
	customer = frappe.db.get_value("Service Location", service_location, "customer")
	return {"ticket": portal_tickets.open_ticket(customer, service_location, subject, description)}


@frappe.whitelist(methods=["POST"])
def reply_to_ticket(ticket: str, message: str = "") -> dict:
	"""The customer's message on their own ticket."""
	guards.require_customer_of("Issue", ticket, PORTAL_ONLY)
	portal_tickets.reply(ticket, message)
	return {"ticket": ticket}


@frappe.whitelist(methods=["POST"])
def request_option(service_location: str, item_code: str = "") -> dict:
	"""Ask for a catalog option at one of the customer's locations (a ticket staff complete)."""
	guards.require_customer_of("Service Location", service_location, PORTAL_ONLY)
	customer = frappe.db.get_value("Service Location", service_location, "customer")
	offered = portal.options([customer])
	return {"ticket": portal_tickets.request_option(customer, service_location, item_code, offered)}


@frappe.whitelist(methods=["POST"])
def set_my_phones(phones: str | list = "") -> dict:
	"""Replace the phone numbers of the customer's Contact (a JSON list; the first is the mobile)."""
	guards.require_login()
	customers = _my_customers()
	if isinstance(phones, str):
		try:
			phones = frappe.parse_json(phones) if phones.strip().startswith("[") else [phones]
		except ValueError:
			frappe.throw(_("Phone numbers are sent as a list"))
	return {"phones": portal_account.set_phones(customers, phones)}


@frappe.whitelist(methods=["POST"])
def set_my_language(language: str = "") -> dict:
	"""The portal's language for the signed-in customer: fr or en."""
	guards.require_login()
	_my_customers()
	return {"language": portal_account.set_language(language)}
