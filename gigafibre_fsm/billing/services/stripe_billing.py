"""Stripe Billing events applied to our books and services (the decisions are in
billing/stripe_events/stripe_billing.py).

- A paid Stripe invoice is a Payment Entry against the ERPNext Sales Invoice it names, once:
  keyed by the PaymentIntent that paid it (the same key a `payment_intent.succeeded` would use),
  or by the Stripe invoice's id when it was paid out of band.
- A failed one is a comment on the invoice and a notice to the customer (SMS and e-mail, as
  for a declined pre-authorised payment) pointing to Stripe's hosted invoice page.
- A Stripe subscription's status moves the Service Subscriptions it names through the
  lifecycle the Subscribers context enforces (so a suspension reaches the network as any
  other); an event older than one already applied for that subscription changes nothing.
"""

import frappe
from frappe import _
from frappe.utils import format_datetime, get_datetime

from gigafibre_fsm.billing.services import payments

SUBSCRIPTION = "Service Subscription"
EVENT = "Stripe Event"
# the moves a Stripe subscription may make on a Service Subscription: Active only lifts a
# suspension (putting a Pending service in service is the installation's work)
MOVES = {
	("Active", "Suspended"),
	("Suspended", "Active"),
	("Pending", "Cancelled"),
	("Active", "Cancelled"),
	("Suspended", "Cancelled"),
}


def _submitted(invoice: str | None) -> bool:
	return bool(invoice) and bool(frappe.db.exists("Sales Invoice", {"name": invoice, "docstatus": 1}))


def record_invoice_payment(action) -> str:
	"""The Payment Entry of a paid Stripe invoice (the existing one if recorded)."""
	if not _submitted(action.invoice):
		return f"Review: invoice {action.invoice} not found for Stripe invoice {action.stripe_invoice}"
	customer = frappe.db.get_value("Sales Invoice", action.invoice, "customer")
	owner = action.stripe_customer and frappe.db.get_value(
		"Customer", {"stripe_id": action.stripe_customer}, "name"
	)
	if owner and owner != customer:
		return (
			f"Review: Stripe invoice {action.stripe_invoice} is {owner}'s, "
			f"invoice {action.invoice} is {customer}'s"
		)
	existing = payments.payment_entry_for(action.key) or payments.payment_entry_for(action.stripe_invoice)
	if existing:
		return f"Payment Entry {existing} (already recorded)"
	entry = payments.record_payment(action.invoice, action.key, action.amount, action.currency)
	return f"Payment Entry {entry}"


def notify_invoice_failure(action) -> str:
	"""Comment on the invoice and tell the customer (SMS, e-mail) that Stripe's charge failed."""
	invoice = action.invoice if _submitted(action.invoice) else None
	customer = (invoice and frappe.db.get_value("Sales Invoice", invoice, "customer")) or (
		action.stripe_customer
		and frappe.db.get_value("Customer", {"stripe_id": action.stripe_customer}, "name")
	)
	if not customer:
		return f"Review: failed Stripe invoice {action.stripe_invoice} of no known customer"
	link = action.pay_url
	if not link and invoice:
		from gigafibre_fsm.billing.services.ppa import payment_link

		link = payment_link(invoice)
	label = invoice or action.stripe_invoice
	if action.next_attempt:
		when = format_datetime(frappe.utils.convert_utc_to_system_timezone(_utc(action.next_attempt)))
		message = _(
			"Your automatic payment for invoice {0} was declined. It will be tried again on {1}; you can also pay it now: {2}"
		).format(label, when, link or "")
	else:
		message = _("Your automatic payment for invoice {0} was declined. Please pay it here: {1}").format(
			label, link or ""
		)
	reference = ("Sales Invoice", invoice) if invoice else ("Customer", customer)
	frappe.get_doc(
		{
			"doctype": "Comment",
			"comment_type": "Info",
			"reference_doctype": reference[0],
			"reference_name": reference[1],
			"content": _("Stripe invoice {0}: payment failed (try {1})").format(
				action.stripe_invoice, action.attempt_count
			)
			+ "<br>"
			+ message,
		}
	).insert(ignore_permissions=True)
	_tell(customer, message, reference)
	return f"Customer {customer} told of the failed payment of {action.stripe_invoice}"


def _utc(epoch: int):
	from datetime import datetime, timezone

	return datetime.fromtimestamp(int(epoch), timezone.utc).replace(tzinfo=None)


def _tell(customer: str, message: str, reference: tuple[str, str]) -> None:
	"""Text and e-mail the customer, best effort (a notice never undoes the event)."""
	mobile, email = frappe.db.get_value("Customer", customer, ["mobile_no", "email_id"]) or (None, None)
	if mobile and frappe.db.get_single_value("Messaging Settings", "enabled"):
		try:
			from gigafibre_fsm.messaging.services.sms import send_sms

			send_sms(mobile, message, *reference)
		except frappe.ValidationError:
			frappe.clear_last_message()
	if email:
		try:
			frappe.sendmail(
				recipients=[email],
				subject=_("Payment declined"),
				message=message,
				reference_doctype=reference[0],
				reference_name=reference[1],
				delayed=True,
			)
		except frappe.OutgoingEmailError:  # no outgoing account: the comment and SMS remain
			frappe.clear_last_message()


def _stale(event_id: str | None, stripe_subscription: str) -> str | None:
	"""The newer event already applied for this Stripe subscription, if any."""
	if not event_id:
		return None
	created = frappe.db.get_value(EVENT, event_id, "stripe_created")
	if not created:
		return None
	newer = frappe.get_all(
		EVENT,
		filters={
			"stripe_object": stripe_subscription,
			"event_type": ["like", "customer.subscription.%"],
			"status": "Applied",
			"name": ["!=", event_id],
			"stripe_created": [">", get_datetime(created)],
		},
		pluck="name",
		limit=1,
	)
	return newer[0] if newer else None


def set_service_status(action, event_id: str | None = None) -> str:
	"""Move the named Service Subscriptions to the status Stripe's subscription calls for."""
	if newer := _stale(event_id, action.stripe_subscription):
		return f"Acknowledged: {newer} is newer for {action.stripe_subscription}"
	lines = []
	for name in action.service_subscriptions:
		current = frappe.db.get_value(SUBSCRIPTION, name, "status")
		if current is None:
			lines.append(f"Review: no Service Subscription {name}")
		elif current == action.status:
			lines.append(f"{name} already {current}")
		elif (current, action.status) not in MOVES:
			lines.append(f"{name} is {current}: left as it is ({action.stripe_status} at Stripe)")
		else:
			sub = frappe.get_doc(SUBSCRIPTION, name)
			sub.status = action.status
			sub.status_reason = _("Stripe subscription {0} is {1}").format(
				action.stripe_subscription, action.stripe_status
			)
			sub.flags.ignore_permissions = True
			sub.save()
			lines.append(f"{name} {current} → {action.status}")
	reviews = [line for line in lines if line.startswith("Review")]
	return "; ".join(reviews + [line for line in lines if line not in reviews])
