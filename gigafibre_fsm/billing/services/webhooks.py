"""Stripe's webhook: verify, store each event once, apply it once in a background job.

`receive` runs in the request: it checks the Stripe-Signature (construct_event, 5 minutes'
tolerance) and inserts a Stripe Event named by Stripe's event id, so a replayed event hits the
unique name and is acknowledged as already received. The job `apply_event` locks the event,
plans its actions with the core (billing/stripe_events) and applies each one idempotently:
payments keyed by PaymentIntent, refunds by the cumulative refunded amount. An event that
cannot be tied to an invoice or customer is kept as Needs Review; an unknown type as
Acknowledged.
"""

import json
from datetime import datetime, timezone

import frappe
from frappe import _
from frappe.utils import convert_utc_to_system_timezone, now_datetime

from gigafibre_fsm.billing.services import disputes, payments, stripe_billing
from gigafibre_fsm.billing.services import settings as billing_settings
from gigafibre_fsm.billing.stripe_events import (
	Acknowledge,
	NoteStatus,
	RecordDispute,
	RecordDisputeLoss,
	RecordFailure,
	RecordInvoiceFailure,
	RecordInvoicePayment,
	RecordPayment,
	RecordRefund,
	Review,
	SavePaymentMethod,
	SetServiceStatus,
	plan,
)
from gigafibre_fsm.billing.stripe_gateway import verify_webhook
from gigafibre_fsm.errors import GigafibreError
from gigafibre_fsm.services.core_errors import translate
from gigafibre_fsm.services.frappe_versions import commit_job, in_test

EVENT = "Stripe Event"
APPLY_JOB = "gigafibre_fsm.billing.services.webhooks.apply_event"


def receive(payload: bytes, signature: str | None) -> tuple[str, bool]:
	"""Verify and store one webhook; returns (event id, whether it is new). Raises
	WebhookRejected (→ 403) for a forged, stale or unsigned request, before anything is written."""
	event = verify_webhook(payload, signature, billing_settings.webhook_secret())
	event_id = event["id"]
	if frappe.db.exists(EVENT, event_id):
		return event_id, False
	obj = (event.get("data") or {}).get("object") or {}
	doc = frappe.get_doc(
		{
			"doctype": EVENT,
			"event_id": event_id,
			"event_type": event.get("type"),
			"status": "Received",
			"livemode": 1 if event.get("livemode") else 0,
			"stripe_created": convert_utc_to_system_timezone(
				datetime.fromtimestamp(int(event.get("created") or 0), timezone.utc).replace(tzinfo=None)
			).replace(tzinfo=None),
			"payment_intent": _payment_intent_of(obj),
			"stripe_object": obj.get("id"),
			"payload": payload.decode() if isinstance(payload, bytes) else payload,
		}
	)
	doc.flags.ignore_links = True
	try:
		doc.insert(ignore_permissions=True)
	except frappe.DuplicateEntryError:  # the same event, delivered twice at once
		return event_id, False
	frappe.enqueue(
		APPLY_JOB,
		queue="short",
		job_id=f"stripe_event::{event_id}",
		enqueue_after_commit=True,
		now=bool(in_test()),
		event_id=event_id,
	)
	return event_id, True


def _payment_intent_of(obj: dict) -> str | None:
	if obj.get("object") == "payment_intent":
		return obj.get("id")
	pi = obj.get("payment_intent")
	return pi.get("id") if isinstance(pi, dict) else pi


MAX_TRIES = 5  # a Failed event is tried again hourly, up to this many times in all


def retry_failed_events() -> int:
	"""Scheduler event (hourly): enqueue the events whose application failed (a database
	deadlock, an invoice being amended), up to MAX_TRIES. Returns how many."""
	names = frappe.get_all(
		EVENT, filters={"status": "Failed", "tries": ["<", MAX_TRIES]}, pluck="name", limit=500
	)
	for name in names:
		frappe.enqueue(
			APPLY_JOB, queue="short", job_id=f"stripe_event::{name}", deduplicate=True, event_id=name
		)
	return len(names)


def apply_event(event_id: str) -> str:
	"""Background job: apply a received (or failed) event once. Returns its final status."""
	row = frappe.db.get_value(EVENT, event_id, ["status", "payload", "tries"], as_dict=True, for_update=True)
	if not row or row.status not in ("Received", "Failed"):
		return row.status if row else "Missing"
	event = json.loads(row.payload)
	# The online order (sales/services/orders.py): a Checkout Session paid for a Service Order
	# (metadata.order) has no invoice yet. The order records the payment, then creates the
	# customer, the invoice and its Payment Entry in one transaction, or stays in Needs Attention
	# with the payment recorded (payment_intent.succeeded carries the order too: whichever comes first).
	from gigafibre_fsm.sales.services import orders

	frappe.db.savepoint("stripe_event_order")
	try:
		for_order = orders.apply_stripe_event(event, event_id)
	except Exception as e:  # not even the payment could be written on the order: tried again hourly
		frappe.db.rollback(save_point="stripe_event_order")
		for_order = ("Failed", f"Order: {e}"[:1000])
		frappe.clear_messages()
	if for_order is not None:
		status, outcome = for_order
		frappe.db.set_value(
			EVENT,
			event_id,
			{
				"status": status,
				"outcome": outcome[:2000],
				"applied_at": now_datetime(),
				"tries": (row.tries or 0) + 1,
			},
			update_modified=False,
		)
		commit_job()
		return status
	outcomes, status, invoice = [], "Applied", None
	frappe.db.savepoint("stripe_event")  # a failure undoes this event's writes, and only those
	try:
		for action in plan(event):
			result, invoice = _apply(action, invoice, event_id)
			outcomes.append(result)
			if isinstance(action, Review) or result.startswith("Review"):
				status = "Needs Review"
			elif (
				isinstance(action, Acknowledge) or result.startswith("Acknowledged")
			) and status == "Applied":
				status = "Acknowledged"
	except (GigafibreError, frappe.ValidationError) as e:
		frappe.db.rollback(save_point="stripe_event")
		message = translate(e) if isinstance(e, GigafibreError) else str(e)
		frappe.db.set_value(
			EVENT,
			event_id,
			{"status": "Failed", "outcome": message[:1000], "tries": (row.tries or 0) + 1},
			update_modified=False,
		)
		frappe.clear_messages()
		commit_job()
		return "Failed"
	values = {
		"status": status,
		"outcome": "\n".join(outcomes)[:2000],
		"applied_at": now_datetime(),
		"tries": (row.tries or 0) + 1,
	}
	if invoice:
		values["sales_invoice"] = invoice
	frappe.db.set_value(EVENT, event_id, values, update_modified=False)
	commit_job()
	return status


def _invoice_exists(invoice: str | None) -> bool:
	return bool(invoice) and bool(frappe.db.exists("Sales Invoice", {"name": invoice, "docstatus": 1}))


def _invoice_of_payment(payment_intent: str | None) -> str | None:
	"""The invoice a recorded payment paid, for events that do not carry it."""
	if not payment_intent:
		return None
	entry = payments.payment_entry_for(payment_intent)
	if not entry:
		return None
	return frappe.db.get_value(
		"Payment Entry Reference", {"parent": entry, "reference_doctype": "Sales Invoice"}, "reference_name"
	)


def _apply(action, invoice, event_id=None):
	"""Apply one action; returns (a line for the event's outcome, the invoice it concerned)."""
	if isinstance(action, RecordInvoicePayment):
		return stripe_billing.record_invoice_payment(action), action.invoice
	if isinstance(action, RecordInvoiceFailure):
		return stripe_billing.notify_invoice_failure(action), action.invoice
	if isinstance(action, SetServiceStatus):
		return stripe_billing.set_service_status(action, event_id), invoice
	if isinstance(action, RecordDispute):
		target = action.invoice or _invoice_of_payment(action.payment_intent)
		return disputes.record_dispute(action, target if _invoice_exists(target) else None, event_id), target
	if isinstance(action, RecordDisputeLoss):
		target = action.invoice or _invoice_of_payment(action.payment_intent)
		if not target and action.payment_intent:
			# lost before its payment's own event was applied: Failed, tried again hourly
			frappe.throw(
				_("The payment {0} of lost dispute {1} is not recorded yet").format(
					action.payment_intent, action.dispute
				)
			)
		return disputes.record_loss(action, target), target
	if isinstance(action, RecordPayment):
		if not _invoice_exists(action.invoice):
			return f"Review: invoice {action.invoice} not found for {action.payment_intent}", action.invoice
		entry = payments.record_payment(action.invoice, action.payment_intent, action.amount, action.currency)
		return f"Payment Entry {entry}", action.invoice
	if isinstance(action, RecordRefund):
		target = action.invoice or _invoice_of_payment(action.payment_intent)
		if not _invoice_exists(target):
			return f"Review: refund of {action.payment_intent} for no known invoice", target
		entry = payments.record_refund(target, action.payment_intent, action.refunded_total, action.currency)
		return (f"Refund Payment Entry {entry}" if entry else "Refund already recorded"), target
	if isinstance(action, RecordFailure | NoteStatus):
		target = action.invoice or _invoice_of_payment(action.payment_intent)
		if _invoice_exists(target):
			frappe.get_doc(
				{
					"doctype": "Comment",
					"comment_type": "Info",
					"reference_doctype": "Sales Invoice",
					"reference_name": target,
					"content": _describe(action),
				}
			).insert(ignore_permissions=True)
		return _describe(action), target
	if isinstance(action, SavePaymentMethod):
		return save_payment_method(
			action.stripe_customer, action.payment_method, action.setup_intent
		), invoice
	return f"{'Review' if isinstance(action, Review) else 'Acknowledged'}: {action.reason}", invoice


def _describe(action) -> str:
	if isinstance(action, RecordFailure):
		if action.needs_customer:
			return _("Stripe payment {0} needs the customer to confirm it (3-D Secure)").format(
				action.payment_intent
			)
		return _("Stripe payment {0} failed: {1}").format(
			action.payment_intent, action.message or action.code or ""
		)
	return _("Stripe payment {0} is {1}").format(action.payment_intent, action.status)


def save_payment_method(
	stripe_customer: str | None, payment_method: str | None, setup_intent: str | None
) -> str:
	"""Remember the card a customer saved (SetupIntent) for pre-authorised payments."""
	if not payment_method and setup_intent:
		intent = billing_settings.gateway().setup_intent(setup_intent)
		payment_method, stripe_customer = intent["payment_method"], stripe_customer or intent["customer"]
	customer = stripe_customer and frappe.db.get_value("Customer", {"stripe_id": stripe_customer}, "name")
	if not customer or not payment_method:
		return f"Review: saved card for unknown Stripe customer {stripe_customer}"
	values = {
		"stripe_customer": stripe_customer,
		"payment_method": payment_method,
		"setup_intent": setup_intent,
		"saved_at": now_datetime(),
	}
	if frappe.db.exists("Saved Payment Method", customer):
		frappe.db.set_value("Saved Payment Method", customer, values)
	else:
		doc = frappe.get_doc({"doctype": "Saved Payment Method", "customer": customer, **values})
		doc.insert(ignore_permissions=True)
	return f"Saved card {payment_method} for {customer}"
