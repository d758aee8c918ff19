"""One run of pre-authorised payments over a batch of due invoices: never charge twice.

The run talks to two ports: the `ledger` (our side: the attempt log, Payment Entries,
suspensions, notifications — the Frappe shell, or a list in tests) and the `gateway` (Stripe).
Each ledger write is durable when it returns (the shell commits). The order of the steps is
what makes a run safe to kill anywhere and start again:

1. An invoice with earlier attempts is first looked up at Stripe (its PaymentIntents carrying
   `metadata.invoice`): whatever was charged is recorded, and an attempt whose outcome was
   unknown is closed as charged or not charged. Nothing is charged while Stripe holds a
   succeeded or processing payment for it.
2. A new try is written to the log (STARTED, with its idempotency key) *before* Stripe is
   asked, so that a charge Stripe makes always has a log line that sends the next run to step 1.
3. The answer is recorded: a payment (idempotent on the PaymentIntent), a decline (and after
   the last allowed one, the suspension), or 3-D Secure to finish (the customer is told).

When Stripe cannot be reached or answers unclearly, the run stops there (the attempt stays
STARTED) and reports where: the next run resumes with step 1.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Protocol

from gigafibre_fsm.billing.money import check_currency
from gigafibre_fsm.billing.preauthorised_payments.policy import (
	ERROR,
	NO_TRIES_LEFT,
	NOT_CHARGED,
	PROCESSING,
	REQUIRES_ACTION,
	STARTED,
	SUCCEEDED,
	Attempt,
	Charge,
	DueInvoice,
	RetryPolicy,
	decide,
	failures,
	outcome_status,
)
from gigafibre_fsm.billing.stripe_gateway import PaymentResult, StripeRefused, StripeUnavailable
from gigafibre_fsm.errors import Conflict, InvalidInput, _

# A STARTED try younger than this may still be waiting for Stripe in another run (the HTTP
# timeout is seconds; a batch job's time limit is an hour, hence the scheduler's hourly pace).
UNDER_WAY = timedelta(minutes=15)


class Ledger(Protocol):
	def attempts(self, invoice: str) -> list[Attempt]: ...

	def start_attempt(self, due: DueInvoice, number: int, key: str) -> None:
		"""Write the try durably; raise Conflict if that key is already taken (another run)."""

	def finish_attempt(
		self, due: DueInvoice, number: int, status: str, result: PaymentResult | None, error: str | None
	) -> None: ...

	def record_payment(self, due: DueInvoice, result: PaymentResult) -> None:
		"""Record a succeeded payment against the invoice, once per PaymentIntent."""

	def suspend(self, due: DueInvoice) -> bool:
		"""The last try failed: suspend the customer's services and tell them, in one durable
		write; True if it did so now, False if it was done already (idempotent)."""

	def notify(self, due: DueInvoice, kind: str, result: PaymentResult | None) -> None:
		"""Tell the customer: "declined" or "requires_action" (at most once: a kill right
		before it loses the notice, never the payment)."""


class Gateway(Protocol):
	def find_payments(self, customer_id: str, invoice: str, since: int = 0) -> list[PaymentResult]: ...

	def charge_saved_method(
		self,
		customer_id: str,
		payment_method: str,
		amount: int,
		currency: str,
		idempotency_key: str,
		metadata: dict,
	) -> PaymentResult: ...


@dataclass
class RunReport:
	charged: list[str] = field(default_factory=list)  # invoices paid by a charge of this run
	recovered: list[str] = field(default_factory=list)  # paid by a charge found at Stripe
	declined: list[str] = field(default_factory=list)
	requires_action: list[str] = field(default_factory=list)
	suspended: list[str] = field(default_factory=list)
	errors: dict[str, str] = field(default_factory=dict)  # invoice -> why Stripe refused
	skipped: dict[str, str] = field(default_factory=dict)  # invoice -> reason
	stopped_at: str | None = None  # the invoice at which Stripe stopped answering
	stop_reason: str | None = None

	@property
	def completed(self) -> bool:
		return self.stopped_at is None


class _Stop(Exception):
	pass


def run_batch(
	invoices: list[DueInvoice],
	ledger: Ledger,
	gateway: Gateway,
	policy: RetryPolicy,
	today: date,
	now: datetime | None = None,
) -> RunReport:
	"""Attempt every due invoice of the batch in order; see the module docstring. `now` (default:
	the end of `today`) tells a try still under way in another run from one left by a dead run."""
	report = RunReport()
	now = now or datetime.combine(today, time.max)
	for due in invoices:
		try:
			_one(due, ledger, gateway, policy, today, now, report)
		except _Stop as e:
			report.stopped_at, report.stop_reason = due.invoice, str(e)
			break
		except InvalidInput as e:  # a payment in another currency, for another invoice: review
			report.errors[due.invoice] = str(e)
	return report


def _one(due, ledger, gateway, policy, today, now, report) -> None:
	attempts = ledger.attempts(due.invoice)
	if any(a.status == STARTED and a.at > now - UNDER_WAY for a in attempts):
		# another run may be waiting for Stripe's answer right now: looking its charge up
		# before Stripe made it would lead to a second one. A dead run's try is older.
		report.skipped[due.invoice] = "A payment is under way"
		return
	if attempts and due.stripe_customer:
		attempts = _reconcile(due, attempts, ledger, gateway, report)
		if attempts is None:
			return
	decision = decide(due, attempts, policy, today)
	if not isinstance(decision, Charge):
		if decision.reason == NO_TRIES_LEFT:
			_suspend(due, ledger, report)  # a run killed before it suspended: do it now
		report.skipped[due.invoice] = decision.reason.format(**decision.params)
		return
	try:
		ledger.start_attempt(due, decision.number, decision.key)
	except Conflict:
		report.skipped[due.invoice] = "Another run is charging this invoice"
		return
	try:
		result = gateway.charge_saved_method(
			due.stripe_customer,
			due.payment_method,
			due.amount,
			due.currency,
			decision.key,
			{"invoice": due.invoice, "attempt": decision.number, "customer": due.customer},
		)
	except StripeUnavailable as e:
		raise _Stop(str(e))  # the attempt stays STARTED: the next run looks it up
	except StripeRefused as e:
		if e.http_status in (401, 403):
			raise _Stop(str(e))  # our key is wrong: nobody's fault but ours, stop
		ledger.finish_attempt(due, decision.number, ERROR, None, str(e))
		report.errors[due.invoice] = str(e)
		return
	_apply(due, decision.number, result, attempts, ledger, policy, report)


def _reconcile(due, attempts, ledger, gateway, report) -> list[Attempt] | None:
	"""Look the invoice up at Stripe; record what was charged. None: nothing more to do now."""
	try:
		found = gateway.find_payments(due.stripe_customer, due.invoice, due.since)
	except StripeUnavailable as e:
		raise _Stop(str(e))
	paid = [p for p in found if p.succeeded]
	if paid:
		for payment in paid:  # every charge that happened is recorded, even one too many
			_record(due, payment, ledger)
		by_attempt = {p.attempt: p for p in paid}
		for a in attempts:
			if a.status in (STARTED, PROCESSING):
				result = by_attempt.get(a.number)
				ledger.finish_attempt(due, a.number, SUCCEEDED if result else NOT_CHARGED, result, None)
		report.recovered.append(due.invoice)
		return None
	if any(p.status == "processing" for p in found):
		report.skipped[due.invoice] = "A payment is processing at Stripe"
		return None
	# an open try that Stripe did answer (declined) counts as that answer; one it never saw was
	# not charged and is not a failure
	answered = {p.attempt: p for p in found}
	open_attempts = [a for a in attempts if a.status in (STARTED, PROCESSING)]
	for a in open_attempts:
		result = answered.get(a.number)
		if result:
			ledger.finish_attempt(
				due, a.number, outcome_status(result.status, result.error_code), result, result.message
			)
		else:
			ledger.finish_attempt(due, a.number, NOT_CHARGED, None, None)
	if open_attempts:
		return ledger.attempts(due.invoice)
	return attempts


def _record(due: DueInvoice, result: PaymentResult, ledger) -> None:
	check_currency(result.currency, due.currency)  # never record CAD cents as USD
	if result.invoice != due.invoice:
		raise InvalidInput(
			_("Payment {payment} is not for invoice {invoice}"),
			payment=result.payment_intent,
			invoice=due.invoice,
		)
	ledger.record_payment(due, result)


def _apply(due, number, result: PaymentResult, attempts, ledger, policy, report) -> None:
	status = outcome_status(result.status, result.error_code)
	if status == SUCCEEDED:
		_record(due, result, ledger)
		ledger.finish_attempt(due, number, SUCCEEDED, result, None)
		report.charged.append(due.invoice)
		return
	if status == PROCESSING:
		ledger.finish_attempt(due, number, PROCESSING, result, None)
		report.skipped[due.invoice] = "A payment is processing at Stripe"
		return
	ledger.finish_attempt(due, number, status, result, result.message)
	if status == REQUIRES_ACTION:
		report.requires_action.append(due.invoice)
		ledger.notify(due, "requires_action", result)
	else:
		report.declined.append(due.invoice)
		ledger.notify(due, "declined", result)
	if len(failures(attempts)) + 1 >= policy.max_attempts:
		_suspend(due, ledger, report)


def _suspend(due, ledger, report) -> None:
	if ledger.suspend(due):
		report.suspended.append(due.invoice)
