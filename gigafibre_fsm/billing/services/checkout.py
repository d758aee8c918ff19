"""Stripe from the desk and the portal: a Stripe Customer per ERPNext Customer, a SetupIntent
to save a card, a Checkout Session to pay an invoice, and refunds."""

import frappe
from frappe import _
from frappe.utils import flt

from gigafibre_fsm.billing.money import to_cents
from gigafibre_fsm.billing.services import batch_posting, payments
from gigafibre_fsm.billing.services import settings as billing_settings
from gigafibre_fsm.billing.services.invoice_links import portal_link
from gigafibre_fsm.services.core_errors import translated_errors


def ensure_stripe_customer(customer: str, gateway=None) -> str:
	"""The customer's Stripe Customer id (Customer.stripe_id), created at Stripe the first time."""
	row = frappe.db.get_value(
		"Customer", customer, ["name", "customer_name", "email_id", "stripe_id"], as_dict=True
	)
	if not row:
		frappe.throw(_("Customer {0} not found").format(customer), frappe.DoesNotExistError)
	if row.stripe_id:
		return row.stripe_id
	gateway = gateway or billing_settings.gateway()
	with translated_errors():
		stripe_id = gateway.create_customer(row.name, row.customer_name, row.email_id)
	frappe.db.set_value("Customer", customer, "stripe_id", stripe_id)
	return stripe_id


def start_card_setup(customer: str) -> dict:
	"""A SetupIntent for the customer to save a card (with Stripe.js and the publishable key)."""
	settings = billing_settings.get()
	gateway = billing_settings.gateway(settings)
	stripe_id = ensure_stripe_customer(customer, gateway)
	with translated_errors():
		setup_intent, client_secret = gateway.create_setup_intent(stripe_id, customer)
	return {
		"setup_intent": setup_intent,
		"client_secret": client_secret,
		"publishable_key": settings.stripe_publishable_key,
	}


def checkout_url(invoice: str) -> str:
	"""A Stripe Checkout page paying what is still owed on `invoice`. The same outstanding
	amount gives the same session (idempotency key), so a double click opens one page."""
	si = frappe.db.get_value(
		"Sales Invoice",
		invoice,
		["name", "customer", "currency", "outstanding_amount", "docstatus"],
		as_dict=True,
	)
	if not si or si.docstatus != 1:
		frappe.throw(_("Sales Invoice {0} is not submitted").format(invoice))
	if flt(si.outstanding_amount) <= 0:
		frappe.throw(_("Sales Invoice {0} is already paid").format(invoice))
	gateway = billing_settings.gateway()
	stripe_id = ensure_stripe_customer(si.customer, gateway)
	with translated_errors():
		amount = to_cents(si.outstanding_amount, si.currency)
		link = portal_link(invoice)
		_session, url = gateway.create_checkout_session(
			invoice,
			amount,
			si.currency,
			_("Invoice {0}").format(invoice),
			f"{link}?paid=1",
			link,
			customer_id=stripe_id,
			idempotency_key=f"checkout:{invoice}:{amount}",
		)
	return url


def refund(invoice: str, amount: str | None = None, reason: str | None = None) -> dict:
	"""Refund `amount` (all that is left when None) of the invoice's last Stripe payment, and
	record it at once (the charge.refunded webhook then finds it recorded)."""
	entry = frappe.get_all(
		"Payment Entry Reference",
		filters={
			"reference_doctype": "Sales Invoice",
			"reference_name": invoice,
			"docstatus": 1,
			"parenttype": "Payment Entry",
		},
		pluck="parent",
	)
	rows = frappe.get_all(
		"Payment Entry",
		filters={"name": ["in", entry or [""]], "payment_type": "Receive", "reference_no": ["like", "pi_%"]},
		fields=["reference_no", "paid_amount", "paid_to_account_currency"],
		order_by="creation desc",
		limit=1,
	)
	if not rows and (booked := batch_posting.stripe_payment_of(invoice)):
		rows = [booked]  # a pre-authorised charge booked with its batch's Journal Entry
	if not rows:
		frappe.throw(_("Sales Invoice {0} has no Stripe payment to refund").format(invoice))
	pi, paid, currency = rows[0].reference_no, rows[0].paid_amount, rows[0].paid_to_account_currency or "CAD"
	with translated_errors():
		already = payments.refunded_total(pi)
		cents = to_cents(amount, currency) if amount else to_cents(paid, currency) - already
		done = billing_settings.gateway().refund(pi, cents, f"refund:{pi}:{already}:{cents}", reason)
	entry = payments.record_refund(invoice, pi, already + done["amount"], done["currency"])
	return {"refund": done["id"], "amount": done["amount"], "payment_entry": entry}
