"""REST surface of billing: /api/method/gigafibre_fsm.api.billing.<name>.

- `stripe_webhook` is Stripe's: open to Guest, so every request must carry a valid
  Stripe-Signature (5 minutes' tolerance) or it gets 403 and changes nothing. A replayed event
  answers 200 and is not applied again. Rate limited per IP.
- `pay_invoice` (the invoice's customer in the portal, or billing staff) opens Stripe Checkout.
- `save_card` (the customer, or billing staff) starts a SetupIntent for pre-authorised payments.
- `refund` and `run_preauthorised_payments` are for billing staff (Billing Agent, System Manager).
"""

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit
from werkzeug.wrappers import Response

from gigafibre_fsm.billing.services import checkout, ppa, webhooks
from gigafibre_fsm.billing.stripe_gateway import WebhookRejected
from gigafibre_fsm.permissions import roles
from gigafibre_fsm.permissions.services import guards


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=600, seconds=60)  # per IP: Stripe sends bursts, a forger gets 403 anyway
def stripe_webhook() -> Response:
	"""Stripe's webhook endpoint: 200 once stored (or already stored), 403 if not Stripe's."""
	payload = frappe.request.get_data()
	signature = frappe.get_request_header("Stripe-Signature")
	try:
		event_id, new = webhooks.receive(payload, signature)
	except WebhookRejected:  # nothing was written
		return Response("forbidden", status=403, content_type="text/plain")
	return Response(
		frappe.as_json({"received": event_id, "new": new}), status=200, content_type="application/json"
	)


@frappe.whitelist(methods=["POST", "GET"])
def pay_invoice(invoice: str, redirect: int = 0) -> dict | None:
	"""The Stripe Checkout URL paying what is owed on `invoice`; with `redirect=1` (the link in
	a payment notice, behind /login?redirect-to=...), the browser is sent there."""
	guards.require_customer_of("Sales Invoice", invoice, roles.BILLING)
	url = checkout.checkout_url(invoice)
	if frappe.utils.cint(redirect):
		frappe.local.response["type"] = "redirect"
		frappe.local.response["location"] = url
		return None
	return {"url": url}


@frappe.whitelist(methods=["POST"])
def save_card(customer: str) -> dict:
	"""A SetupIntent's client secret and the publishable key, for Stripe.js to save a card."""
	guards.require_customer(customer, roles.BILLING)
	return checkout.start_card_setup(customer)


@frappe.whitelist(methods=["POST"])
def refund(invoice: str, amount: str | None = None, reason: str | None = None) -> dict:
	"""Refund `amount` ("12.50"; all that is left when empty) of the invoice's Stripe payment and
	record it against the invoice."""
	guards.require_role(roles.BILLING)
	frappe.has_permission("Sales Invoice", "read", invoice, throw=True)
	if reason and reason not in ("duplicate", "fraudulent", "requested_by_customer"):
		frappe.throw(_("Unknown refund reason {0}").format(reason))
	return checkout.refund(invoice, amount, reason)


@frappe.whitelist(methods=["POST"])
def run_preauthorised_payments() -> dict:
	"""Enqueue a pre-authorised payment run now (as the hourly scheduler does)."""
	guards.require_role(roles.BILLING)
	return {"jobs": ppa.enqueue_ppa_runs()}
