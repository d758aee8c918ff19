"""What a Stripe webhook event means for our books, as a list of idempotent actions.

`plan(event)` reads a verified Stripe Event (a plain dict in Stripe's shape,
https://docs.stripe.com/api/events/object) and returns what to do. Every action is keyed so
that applying it twice, or in another order than Stripe sent the events, ends in the same state:
- Stripe Billing's invoices and subscriptions: see stripe_billing.py;
- a dispute (https://docs.stripe.com/api/disputes/object) is one record per dispute id whose
  status only moves forward (`dispute_status_after`); a lost dispute's amount is money
  returned, recorded once under the dispute's id;
- a payment is keyed by its PaymentIntent (`payment_intent.succeeded` and `charge.succeeded`
  for the same payment record it once);
- a refund carries the charge's *cumulative* refunded amount, so a replayed or reordered
  `charge.refunded` records only what is not recorded yet, and a `charge.refunded` for a
  payment never seen records the payment first (a refunded charge was paid).
Types it does not act on are acknowledged (stored, 200) — not an error.
"""

from dataclasses import dataclass

from gigafibre_fsm.billing.money import MINOR_UNITS
from gigafibre_fsm.billing.stripe_events import stripe_billing
from gigafibre_fsm.billing.stripe_events.outcomes import Acknowledge, Review

# Events that carry something to do; every other type is stored and acknowledged.
PAYMENT_EVENTS = (
	"checkout.session.completed",
	"checkout.session.async_payment_succeeded",
	"checkout.session.async_payment_failed",
	"payment_intent.succeeded",
	"payment_intent.payment_failed",
	"payment_intent.requires_action",
	"payment_intent.canceled",
	"payment_intent.processing",
	"charge.succeeded",
	"charge.failed",
	"charge.refunded",
	"charge.dispute.created",
	"charge.dispute.updated",
	"charge.dispute.closed",
	"charge.dispute.funds_withdrawn",
	"charge.dispute.funds_reinstated",
	"setup_intent.succeeded",
)
# Stripe Billing's own invoices and subscriptions, for the customers billed through it
STRIPE_BILLING_PREFIXES = ("invoice.", "customer.subscription.")
# A dispute's statuses; the last three are final (https://docs.stripe.com/api/disputes/object)
DISPUTE_OPEN = (
	"warning_needs_response",
	"warning_under_review",
	"needs_response",
	"under_review",
)
DISPUTE_FINAL = ("warning_closed", "won", "lost")


@dataclass(frozen=True)
class RecordPayment:
	invoice: str
	payment_intent: str
	amount: int  # cents
	currency: str
	stripe_customer: str | None


@dataclass(frozen=True)
class RecordFailure:
	invoice: str | None
	payment_intent: str
	code: str | None
	message: str | None
	needs_customer: bool  # 3-D Secure: the customer must finish it


@dataclass(frozen=True)
class RecordRefund:
	invoice: str | None
	payment_intent: str
	charge: str
	refunded_total: int  # cents refunded on the charge so far (cumulative)
	currency: str


@dataclass(frozen=True)
class RecordDispute:
	invoice: str | None
	payment_intent: str | None
	dispute: str
	amount: int
	currency: str
	status: str
	reason: str | None
	charge: str | None = None
	evidence_due_by: int | None = None  # epoch seconds
	opened: bool = False  # charge.dispute.created: someone must answer it


@dataclass(frozen=True)
class RecordDisputeLoss:
	"""A lost dispute: its amount went back to the cardholder (recorded once, by dispute id)."""

	invoice: str | None
	payment_intent: str | None
	dispute: str
	amount: int
	currency: str


@dataclass(frozen=True)
class SavePaymentMethod:
	stripe_customer: str | None
	payment_method: str | None
	setup_intent: str | None  # when the method must still be read from the SetupIntent


@dataclass(frozen=True)
class NoteStatus:
	invoice: str | None
	payment_intent: str
	status: str  # processing, canceled


Action = (
	RecordPayment
	| RecordFailure
	| RecordRefund
	| RecordDispute
	| RecordDisputeLoss
	| stripe_billing.RecordInvoicePayment
	| stripe_billing.RecordInvoiceFailure
	| stripe_billing.SetServiceStatus
	| SavePaymentMethod
	| NoteStatus
	| Acknowledge
	| Review
)


def _invoice(obj: dict) -> str | None:
	return (obj.get("metadata") or {}).get("invoice") or obj.get("client_reference_id")


def _id(value) -> str | None:
	return value.get("id") if isinstance(value, dict) else value


def _currency(obj: dict) -> str | None:
	code = (obj.get("currency") or "").upper()
	return code if code in MINOR_UNITS else None


def plan(event: dict) -> list[Action]:
	"""The actions an event calls for (see the module docstring)."""
	kind = event.get("type") or ""
	obj = (event.get("data") or {}).get("object") or {}
	if kind.startswith("invoice."):
		return stripe_billing.plan_invoice(kind, obj)
	if kind.startswith("customer.subscription."):
		return stripe_billing.plan_subscription(kind, obj, event.get("created") or 0)
	if kind not in PAYMENT_EVENTS:
		return [Acknowledge(f"Event type {kind} is not used")]
	if kind.startswith("checkout.session."):
		return _checkout(kind, obj)
	if kind.startswith("payment_intent."):
		return _payment_intent(kind, obj)
	if kind.startswith("charge.dispute."):
		return _dispute(kind, obj)
	if kind.startswith("charge."):
		return _charge(kind, obj)
	if kind == "setup_intent.succeeded":
		return [SavePaymentMethod(_id(obj.get("customer")), _id(obj.get("payment_method")), obj.get("id"))]
	return [Acknowledge(f"Event type {kind} is not used")]


def dispute_status_after(current: str | None, incoming: str) -> str:
	"""A dispute's status once `incoming` is seen: a final status (won, lost, warning_closed)
	is never replaced by an earlier one arriving late."""
	if current in DISPUTE_FINAL and incoming not in DISPUTE_FINAL:
		return current
	return incoming or current or ""


def _dispute(kind: str, obj: dict) -> list[Action]:
	record = RecordDispute(
		_invoice(obj),
		_id(obj.get("payment_intent")),
		obj.get("id"),
		int(obj.get("amount") or 0),
		_currency(obj) or "",
		obj.get("status") or "",
		obj.get("reason"),
		_id(obj.get("charge")),
		(obj.get("evidence_details") or {}).get("due_by"),
		kind == "charge.dispute.created",
	)
	if kind == "charge.dispute.closed" and obj.get("status") == "lost":
		loss = RecordDisputeLoss(
			record.invoice, record.payment_intent, record.dispute, record.amount, record.currency
		)
		if not record.currency or record.amount <= 0:
			return [record, Review(f"Lost dispute {record.dispute} has no amount in a known currency")]
		return [record, loss]
	return [record]


def _payment(invoice, obj, payment_intent, amount) -> list[Action]:
	currency = _currency(obj)
	if not invoice and _id(obj.get("invoice")):
		# a Stripe Billing invoice's own payment (API before 2025-03-31): its invoice.paid records it
		return [Acknowledge(f"Payment {payment_intent} of Stripe invoice {_id(obj.get('invoice'))}")]
	if not invoice:
		return [Review(f"Payment {payment_intent} names no invoice")]
	if not currency:
		return [Review(f"Payment {payment_intent} is in an unsupported currency {obj.get('currency')}")]
	if not isinstance(amount, int) or amount <= 0:
		return [Review(f"Payment {payment_intent} has no amount")]
	return [RecordPayment(invoice, payment_intent, amount, currency, _id(obj.get("customer")))]


def _checkout(kind: str, obj: dict) -> list[Action]:
	if obj.get("mode") == "setup":
		return [SavePaymentMethod(_id(obj.get("customer")), None, _id(obj.get("setup_intent")))]
	if kind == "checkout.session.async_payment_failed":
		return [
			RecordFailure(_invoice(obj), _id(obj.get("payment_intent")) or obj.get("id"), None, None, False)
		]
	if obj.get("payment_status") != "paid":
		return [Acknowledge("Checkout completed, payment not settled yet (async_payment_succeeded follows)")]
	return _payment(_invoice(obj), obj, _id(obj.get("payment_intent")), obj.get("amount_total"))


def _payment_intent(kind: str, obj: dict) -> list[Action]:
	pi, invoice = obj.get("id"), _invoice(obj)
	if kind == "payment_intent.succeeded":
		return _payment(invoice, obj, pi, obj.get("amount_received") or obj.get("amount"))
	if kind in ("payment_intent.payment_failed", "payment_intent.requires_action"):
		error = obj.get("last_payment_error") or {}
		needs = kind == "payment_intent.requires_action" or error.get("code") == "authentication_required"
		return [RecordFailure(invoice, pi, error.get("code"), error.get("message"), needs)]
	return [NoteStatus(invoice, pi, kind.split(".", 1)[1])]


def _charge(kind: str, obj: dict) -> list[Action]:
	pi, invoice = _id(obj.get("payment_intent")), _invoice(obj)
	if kind == "charge.failed":
		return [
			RecordFailure(
				invoice, pi or obj.get("id"), obj.get("failure_code"), obj.get("failure_message"), False
			)
		]
	paid = (
		_payment(invoice, obj, pi, obj.get("amount_captured") or obj.get("amount")) if obj.get("paid") else []
	)
	if kind == "charge.succeeded":
		return paid or [Review(f"Charge {obj.get('id')} succeeded without being paid")]
	# charge.refunded: the payment first (it may not be recorded yet), then the refund total
	paid = [a for a in paid if isinstance(a, RecordPayment)]
	return [
		*paid,
		RecordRefund(invoice, pi, obj.get("id"), int(obj.get("amount_refunded") or 0), _currency(obj) or ""),
	]
