"""REST surface of sales: /api/method/gigafibre_fsm.api.sales.<name>.

Eligibility (public, for the website's address box): `search_addresses` finds served addresses
as a person types them, each with its status (Served, Soon with its date, Not Served), and
`check_eligibility` tells whether one of them is served; an address not found is an answer, not
an error. Both are open to Guest and rate-limited per IP: they answer what the operator
publishes (an address and its status), the fibre drop (OLT, PON port) only to who may read
Served Address.
"""

import frappe
from frappe.rate_limiter import rate_limit

from gigafibre_fsm.customer_portal.services.sign_in import IDENTITY_COOKIE
from gigafibre_fsm.permissions import roles
from gigafibre_fsm.permissions.services import guards, scopes
from gigafibre_fsm.sales.doctype.served_address import search as served_addresses
from gigafibre_fsm.sales.doctype.service_contract import contract_acceptance
from gigafibre_fsm.sales.services import orders
from gigafibre_fsm.services.transactions import with_fresh_attempts

# --- contracts (sales/contracts/, doctype Service Contract, page /contract) ------------------


@frappe.whitelist(methods=["POST"])
def send_for_acceptance(contract: str, valid_days: int | None = None) -> dict:
	"""Make the contract's PDF, store it, and send the customer a secret link to accept it."""
	guards.require_role(roles.BILLING)
	guards.require_doc("Service Contract", contract, "write")
	return contract_acceptance.send_for_acceptance(contract, valid_days)


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=20, seconds=60)  # per IP: tokens are 256-bit, this only cuts guessing
def accept_contract(token: str = "", signer_name: str = "", agree: bool = False) -> dict:
	"""Accept the contract the link designates: once, with the audit record (time, IP, browser,
	signer, SHA-256 of the exact PDF). The secret token from the link is the authority."""
	return contract_acceptance.accept_with_token(token, signer_name, agree)


@frappe.whitelist(methods=["GET"])
def download_accepted_contract(contract: str) -> None:
	"""The accepted contract's PDF, the exact bytes accepted (their SHA-256 checked on the way
	out): for staff, and for the customer whose contract it is."""
	guards.require_doc("Service Contract", contract)
	filename, pdf = contract_acceptance.accepted_pdf(contract)
	frappe.response["type"] = "pdf"
	frappe.response["filename"] = filename
	frappe.response["filecontent"] = pdf


# --- eligibility (sales/eligibility/, doctype Served Address) ---------------------------------


@frappe.whitelist(allow_guest=True, methods=["GET", "POST"])
@rate_limit(limit=120, seconds=60)  # per IP: a search box asks as the person types
def search_addresses(query: str, limit: int = 8) -> dict:
	"""Served addresses matching `query` (free text), best first, with their status."""
	return served_addresses.search(query, limit)


@frappe.whitelist(allow_guest=True, methods=["GET", "POST"])
@rate_limit(limit=60, seconds=60)
def check_eligibility(served_address: str) -> dict:
	"""Whether the served address (a name `search_addresses` gave) is served, soon or not."""
	return served_addresses.eligibility(served_address)


# --- the online order (sales/orders/, sales/services/orders.py, doctype Service Order, /order) --
# Before the payment the person is not a customer: the order answers to its secret token (the
# page keeps it), and starting one needs the identity proven by the sign-in code or link.


def _require_may_order() -> None:
	"""A visitor carrying a sign-in proof (the service opens and checks the sealed cookie) or a
	signed-in customer; staff order through the desk, not this page."""
	user = frappe.session.user
	if user == "Guest":
		if not (getattr(frappe, "request", None) and frappe.request.cookies.get(IDENTITY_COOKIE)):
			guards.deny(
				frappe._("Confirm your phone number or e-mail address with the code we send you first")
			)
	elif "customer" not in scopes.audiences_of(user):
		guards.deny()


def _order(order: str, token: str):
	return orders.order_for(order, token)


@frappe.whitelist(allow_guest=True, methods=["GET"])
@rate_limit(limit=60, seconds=60)
def order_catalog() -> dict:
	"""Plans, options and the installation fee, with their prices before and after taxes."""
	return orders.public_catalog()


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=10, seconds=60 * 60)  # per IP: an order per visit, a few retries
def start_order(
	served_address: str = "",
	contact_name: str = "",
	email: str | None = None,
	mobile: str | None = None,
	language: str | None = None,
) -> dict:
	"""A Draft order for a served address, by someone whose phone or e-mail is verified."""
	_require_may_order()
	return orders.start(served_address, contact_name, email, mobile, language)


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=60, seconds=60)
def choose_plan(
	order: str = "",
	token: str = "",
	plan: str = "",
	options: str | dict | None = None,
	promotion_code: str | None = None,
) -> dict:
	"""Price and record the plan and options (`options`: {item code: quantity}, JSON)."""
	chosen = frappe.parse_json(options) if options else {}
	if not isinstance(chosen, dict):
		frappe.throw(frappe._("Options must be given as item code and quantity"))
	return orders.choose(_order(order, token), plan, chosen, promotion_code)


@frappe.whitelist(allow_guest=True, methods=["GET", "POST"])
@rate_limit(limit=60, seconds=60)
def order_slots(order: str = "", token: str = "", from_date: str | None = None) -> list[dict]:
	"""The installation windows this order may book."""
	return orders.offer_slots(_order(order, token), from_date)


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=30, seconds=60)
def hold_order_slot(order: str = "", token: str = "", slot: str = "") -> dict:
	"""Hold a window for 15 minutes (two customers racing for it: one gets it)."""
	return with_fresh_attempts(lambda: orders.hold_slot(_order(order, token), slot))


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=20, seconds=60)
def order_contract(order: str = "", token: str = "") -> dict:
	"""The contract to read (HTML) and the SHA-256 of the PDF that accepting it signs."""
	return orders.show_contract(_order(order, token))


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=20, seconds=60)
def accept_order_contract(
	order: str = "",
	token: str = "",
	signer_name: str = "",
	agree: bool = False,
	pdf_sha256: str | None = None,
) -> dict:
	"""Accept the contract shown, with the audit record (time, IP, browser, name, SHA-256)."""
	return orders.accept_contract(_order(order, token), signer_name, frappe.utils.cint(agree), pdf_sha256)


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=10, seconds=60)
def pay_order(order: str = "", token: str = "") -> dict:
	"""A Stripe Checkout page paying the first invoice; the page redirects to it."""
	return orders.checkout(_order(order, token))


@frappe.whitelist(allow_guest=True, methods=["GET"])
@rate_limit(limit=120, seconds=60)
def order_status(order: str = "", token: str = "") -> dict:
	"""Where the order is (the thank-you page polls it until the payment is recorded)."""
	return orders.status_view(orders.order_for(order, token, for_update=False))


@frappe.whitelist(methods=["POST"])
def finish_order(order: str) -> dict:
	"""Staff: place a paid order that needs attention again, from its recorded payment."""
	guards.require_role(roles.BILLING)
	guards.require_doc("Service Order", order, "write")
	return orders.finish(order)
