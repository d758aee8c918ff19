"""Which pre-authorised payment to attempt next for one invoice, from its attempts so far.

Plain data in, a decision out: the retry schedule (days between tries, maximum tries) comes
from settings; the idempotency key of a try is derived from the invoice and the try's number,
so the same try sent twice is the same request at Stripe.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from gigafibre_fsm.errors import InvalidInput, _

# Attempt statuses, as stored in the PPA Attempt log
STARTED = "Started"  # sent (or about to be): outcome unknown until it is finished or looked up
SUCCEEDED = "Succeeded"
PROCESSING = "Processing"  # Stripe accepted it, the bank has not answered yet (webhook will)
DECLINED = "Declined"
REQUIRES_ACTION = "Requires Action"  # the bank wants the customer (3-D Secure)
NOT_CHARGED = "Not Charged"  # its outcome was unknown; Stripe shows no charge for it
ERROR = "Error"  # Stripe refused the request itself (a 4xx that is not a decline)
STATUSES = (STARTED, SUCCEEDED, PROCESSING, DECLINED, REQUIRES_ACTION, NOT_CHARGED, ERROR)
FAILURES = (DECLINED, REQUIRES_ACTION)  # count towards the maximum tries
NO_TRIES_LEFT = _("No tries left")


@dataclass(frozen=True)
class RetryPolicy:
	"""`days_between`: days from a failed try to the next; `max_attempts`: failed tries after
	which the subscriptions are suspended."""

	days_between: int = 3
	max_attempts: int = 3

	def __post_init__(self):
		if self.days_between < 0 or self.max_attempts < 1:
			raise InvalidInput(_("Retry schedule: days between tries must be 0 or more and tries at least 1"))


@dataclass(frozen=True)
class DueInvoice:
	"""An unpaid invoice of a customer who pays by pre-authorised payment."""

	invoice: str
	customer: str
	amount: int  # cents outstanding
	currency: str  # "CAD"
	stripe_customer: str | None
	payment_method: str | None
	since: int = 0  # Unix time from which Stripe may hold charges for it (its creation)


@dataclass(frozen=True)
class Attempt:
	invoice: str
	number: int
	key: str
	status: str
	at: datetime
	payment_intent: str | None = None


@dataclass(frozen=True)
class Charge:
	number: int
	key: str
	is_retry: bool


@dataclass(frozen=True)
class Skip:
	reason: str
	params: dict = field(default_factory=dict)


def idempotency_key(invoice: str, number: int) -> str:
	"""The Idempotency-Key of try `number` for `invoice` (Stripe keeps keys 24 hours; the
	lookup by metadata covers the time after)."""
	if not invoice or number < 1:
		raise InvalidInput(_("An attempt needs an invoice and a number from 1"))
	return f"ppa:{invoice}:{number}"


def failures(attempts: list[Attempt]) -> list[Attempt]:
	return sorted((a for a in attempts if a.status in FAILURES), key=lambda a: a.number)


def decide(due: DueInvoice, attempts: list[Attempt], policy: RetryPolicy, today: date) -> Charge | Skip:
	"""Charge now (with which number and key), or why not. Assumes attempts whose outcome was
	unknown have been looked up at Stripe first (a STARTED attempt here means: not yet)."""
	if not due.stripe_customer or not due.payment_method:
		return Skip(_("No saved payment method"))
	if due.amount <= 0:
		return Skip(_("Nothing to pay"))
	if any(a.status == SUCCEEDED for a in attempts):
		return Skip(_("Already paid by pre-authorised payment"))
	if any(a.status in (STARTED, PROCESSING) for a in attempts):
		return Skip(_("A payment is under way"))
	failed = failures(attempts)
	if len(failed) >= policy.max_attempts:
		return Skip(NO_TRIES_LEFT)
	if failed:
		next_on = failed[-1].at.date() + timedelta(days=policy.days_between)
		if today < next_on:
			return Skip(_("Next try on {date}"), {"date": next_on.isoformat()})
	number = max((a.number for a in attempts), default=0) + 1
	return Charge(number, idempotency_key(due.invoice, number), is_retry=bool(failed))


def outcome_status(status: str, error_code: str | None) -> str:
	"""The attempt status for a PaymentIntent's Stripe status after an off-session confirm."""
	if status == "succeeded":
		return SUCCEEDED
	if status == "processing":
		return PROCESSING
	if status == "requires_action" or error_code == "authentication_required":
		return REQUIRES_ACTION
	return DECLINED
