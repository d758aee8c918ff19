"""The page a customer lands on from their contract link: the contract, its PDF, and Accept.

Opening the page changes nothing (mail and SMS apps fetch links to preview them); accepting is
a POST to `api.sales.accept_contract`. The link's token is the authority: a wrong, withdrawn or
someone else's token shows the same "not valid" page. The page speaks the contract's language.
"""

import base64

import frappe

from gigafibre_fsm.sales import contracts
from gigafibre_fsm.sales.doctype.service_contract import contract_acceptance

no_cache = 1


def get_context(context):
	token = frappe.form_dict.get("token") or ""
	context.token = token
	context.no_breadcrumbs = True
	context.title = frappe._("Service Contract")
	try:
		state = contract_acceptance.link_state(token)
	except frappe.PermissionError:
		frappe.clear_last_message()
		context.invalid = True
		return context
	contract = state["contract"]
	frappe.local.lang = contract.language or frappe.local.lang
	accepted = contract.status == contracts.ACCEPTED
	recorded = contract.accepted_pdf_sha256 if accepted else contract.pdf_sha256
	pdf = contract_acceptance.read_pdf(contract.pdf_file)
	try:
		contracts.same_document(pdf, recorded)
	except contracts.DocumentAltered:
		# never show (or let anyone accept) a document that is not the one recorded
		context.altered = True
		return context
	context.update(
		{
			"contract_name": contract.name,
			"status": contract.status,
			"accepted": accepted,
			"accepted_at": contract.accepted_at,
			"signer_name": contract.signer_name,
			"can_accept": state["can_accept"],
			"refusal": state["refusal"],
			"expires_on": contract.token_expires_on,
			"pdf_sha256": recorded,
			"pdf_name": f"{contract.name}.pdf",
			"pdf_base64": base64.b64encode(pdf).decode("ascii"),
			"contract_html": contract_acceptance.render_html(contract),
		}
	)
	return context
