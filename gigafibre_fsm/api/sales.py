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

from gigafibre_fsm.permissions import roles
from gigafibre_fsm.permissions.services import guards
from gigafibre_fsm.sales.doctype.served_address import search as served_addresses
from gigafibre_fsm.sales.doctype.service_contract import contract_acceptance

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
