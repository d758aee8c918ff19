"""Stripe Billing events, for the customers the operator bills through Stripe's own invoices
and subscriptions, as idempotent, order-independent actions.

Shapes: the Invoice object (https://docs.stripe.com/api/invoices/object) and the Subscription
object (https://docs.stripe.com/api/subscriptions/object). Both the current API (the invoice's
subscription under `parent.subscription_details`, its PaymentIntents under `payments`) and the
versions before 2025-03-31 (`invoice.subscription`, `subscription_details`, `payment_intent`)
are read.

- `invoice.paid` / `invoice.payment_succeeded`: a payment of the ERPNext Sales Invoice named in
  the Stripe invoice's `metadata.invoice` (or its lines' metadata), keyed by the PaymentIntent
  that paid it, or by the Stripe invoice when none did (paid out of band): the two events of
  one payment, a replay, or either one before `invoice.finalized`, record it once.
- `invoice.payment_failed`: the customer is told (with Stripe's hosted invoice page, since
  Stripe retries that invoice itself: paying the ERPNext invoice elsewhere would pay twice).
- `customer.subscription.created|updated|deleted`: the Service Subscriptions named in the
  subscription's `metadata.service_subscription` (or its items') follow Stripe's status:
  past_due / unpaid / paused → Suspended, active / trialing → Active (only lifting a
  suspension), canceled / incomplete_expired and `deleted` → Cancelled. Each action carries the
  event's time so that an older status never overwrites a newer one.
"""

import re
from dataclasses import dataclass

from gigafibre_fsm.billing.money import MINOR_UNITS
from gigafibre_fsm.billing.stripe_events.outcomes import Acknowledge, Review

SUSPENDED, ACTIVE, CANCELLED = "Suspended", "Active", "Cancelled"
SERVICE_STATUS = {
	"past_due": SUSPENDED,
	"unpaid": SUSPENDED,
	"paused": SUSPENDED,
	"active": ACTIVE,
	"trialing": ACTIVE,
	"canceled": CANCELLED,
	"incomplete_expired": CANCELLED,
}
PAID_EVENTS = ("invoice.paid", "invoice.payment_succeeded")


@dataclass(frozen=True)
class RecordInvoicePayment:
	invoice: str  # the ERPNext Sales Invoice
	stripe_invoice: str
	payment_intent: str | None
	amount: int  # cents
	currency: str
	stripe_customer: str | None

	@property
	def key(self) -> str:
		"""What the Payment Entry is keyed by (its reference number)."""
		return self.payment_intent or self.stripe_invoice


@dataclass(frozen=True)
class RecordInvoiceFailure:
	invoice: str | None
	stripe_invoice: str
	stripe_customer: str | None
	attempt_count: int
	next_attempt: int | None  # epoch seconds, None when Stripe stops retrying
	pay_url: str | None  # Stripe's hosted invoice page


@dataclass(frozen=True)
class SetServiceStatus:
	service_subscriptions: tuple[str, ...]
	status: str  # Suspended, Active, Cancelled
	stripe_subscription: str
	stripe_status: str
	as_of: int  # the event's `created`: an older status never overwrites a newer one


def _id(value) -> str | None:
	return value.get("id") if isinstance(value, dict) else value


def _names(value) -> list[str]:
	"""Metadata values are strings: one name, or several separated by commas or spaces."""
	return [n for n in re.split(r"[\s,]+", value or "") if n] if isinstance(value, str) else []


def erpnext_invoice(obj: dict) -> tuple[str | None, str | None]:
	"""(the ERPNext invoice the Stripe invoice names, a problem if it names several)."""
	found = _names((obj.get("metadata") or {}).get("invoice"))
	for line in (obj.get("lines") or {}).get("data") or []:
		found += _names((line.get("metadata") or {}).get("invoice"))
	unique = sorted(set(found))
	if len(unique) > 1:
		return None, f"Stripe invoice {obj.get('id')} names several invoices: {', '.join(unique)}"
	return (unique[0] if unique else None), None


def paying_intent(obj: dict) -> str | None:
	"""The PaymentIntent that paid the invoice: `payments` (current API, when included) or
	`payment_intent` (before 2025-03-31)."""
	for row in (obj.get("payments") or {}).get("data") or []:
		payment = row.get("payment") or {}
		if row.get("status") == "paid" and payment.get("type", "payment_intent") == "payment_intent":
			if pi := _id(payment.get("payment_intent")):
				return pi
	return _id(obj.get("payment_intent"))


def stripe_subscription_of(obj: dict) -> str | None:
	"""The subscription a Stripe invoice belongs to, in either API shape."""
	parent = (obj.get("parent") or {}).get("subscription_details") or {}
	return _id(parent.get("subscription")) or _id(obj.get("subscription"))


def service_subscriptions(subscription: dict) -> tuple[str, ...]:
	"""The Service Subscriptions a Stripe subscription names in its metadata or its items'."""
	found = _names((subscription.get("metadata") or {}).get("service_subscription"))
	for item in (subscription.get("items") or {}).get("data") or []:
		found += _names((item.get("metadata") or {}).get("service_subscription"))
	return tuple(dict.fromkeys(found))


def plan_invoice(kind: str, obj: dict) -> list:
	"""The actions of an `invoice.*` event."""
	stripe_invoice = obj.get("id") or ""
	if kind in PAID_EVENTS:
		invoice, problem = erpnext_invoice(obj)
		if problem:
			return [Review(problem)]
		if not invoice:
			return [Review(f"Stripe invoice {stripe_invoice} names no invoice (metadata.invoice)")]
		amount = obj.get("amount_paid")
		currency = (obj.get("currency") or "").upper()
		if currency not in MINOR_UNITS:
			return [Review(f"Stripe invoice {stripe_invoice} is in an unsupported currency {currency}")]
		if not isinstance(amount, int) or amount < 0:
			return [Review(f"Stripe invoice {stripe_invoice} has no amount paid")]
		if amount == 0:
			return [Acknowledge(f"Stripe invoice {stripe_invoice} was paid without money (credit)")]
		return [
			RecordInvoicePayment(
				invoice, stripe_invoice, paying_intent(obj), amount, currency, _id(obj.get("customer"))
			)
		]
	if kind == "invoice.payment_failed":
		invoice, _problem = erpnext_invoice(obj)
		return [
			RecordInvoiceFailure(
				invoice,
				stripe_invoice,
				_id(obj.get("customer")),
				int(obj.get("attempt_count") or 0),
				obj.get("next_payment_attempt"),
				obj.get("hosted_invoice_url"),
			)
		]
	return [Acknowledge(f"Stripe invoice event {kind}: nothing to record")]


def plan_subscription(kind: str, obj: dict, created: int) -> list:
	"""The actions of a `customer.subscription.*` event."""
	stripe_status = obj.get("status") or ""
	status = CANCELLED if kind == "customer.subscription.deleted" else SERVICE_STATUS.get(stripe_status)
	if status is None:
		return [Acknowledge(f"Stripe subscription status {stripe_status}: nothing to change")]
	names = service_subscriptions(obj)
	if not names:
		return [
			Review(
				f"Stripe subscription {obj.get('id')} names no Service Subscription "
				"(metadata.service_subscription)"
			)
		]
	return [SetServiceStatus(names, status, obj.get("id") or "", stripe_status, int(created or 0))]
