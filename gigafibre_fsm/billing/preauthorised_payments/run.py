"""One run of pre-authorised payments over a batch of due invoices: never charge twice.

The run talks to two ports: the `ledger` (our side: the attempt log, the payments recorded in
the books, suspensions, notifications — the Frappe shell, or a list in tests) and the `gateway`
(Stripe). Each ledger write is durable when it returns (the shell commits). The order of the
steps is what makes a run safe to kill anywhere and start again:

1. Look-ups. An invoice with earlier attempts is first looked up at Stripe (its PaymentIntents
   carrying `metadata.invoice`): whatever was charged is recorded, and an attempt whose outcome
   was unknown is closed as charged or not charged. Nothing is charged while Stripe holds a
   succeeded or processing payment for it.
2. Start. Every try of the batch is written to the log (STARTED, with its idempotency key) in
   one durable write *before* Stripe is asked for any of them, so that a charge Stripe makes
   always has a log line that sends the next run to step 1.
3. Charge, then record. Stripe is asked for each try in turn; the succeeded charges are
   recorded, and their tries finished, in one durable write (the shell books them in one
   Journal Entry); a decline (and after the last allowed one, the suspension), 3-D Secure to
   finish (the customer is told) or an error is recorded per invoice.

A try written at step 2 but not yet sent ages while the others are sent, and another run leaves
a STARTED try alone only for UNDER_WAY: the run stops sending once SEND_WINDOW has passed since
step 2 and closes the tries it never sent as NOT_CHARGED. When Stripe cannot be reached or
answers unclearly, the run stops sending (that try stays STARTED), records what Stripe did
answer, closes the tries it never sent, and reports where it stopped: the next run resumes with
step 1.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from time import monotonic
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
from gigafibre_fsm.errors import InvalidInput, _

# A STARTED try younger than this may still be waiting for Stripe in another run (the HTTP
# timeout is seconds; a batch job's time limit is an hour, hence the scheduler's hourly pace).
UNDER_WAY = timedelta(minutes=15)
# Tries are written together before the first is sent: none may be sent once it is this old, so
# that it is answered long before another run could take it for a dead run's (UNDER_WAY).
SEND_WINDOW = UNDER_WAY / 3


class Ledger(Protocol):
	def attempts(self, invoice: str) -> list[Attempt]: ...

	def start_attempts(self, tries: list[tuple[DueInvoice, Charge]]) -> set[str]:
		"""Write these tries durably, in one write; returns the invoices whose try's key another
		run has already taken (those tries are not this run's and are not written)."""

	def finish_attempt(
		self, due: DueInvoice, number: int, status: str, result: PaymentResult | None, error: str | None
	) -> None: ...

	def record_payment(self, due: DueInvoice, result: PaymentResult) -> None:
		"""Record a succeeded payment found at Stripe against the invoice, once per
		PaymentIntent."""

	def record_charges(self, charged: list[tuple[DueInvoice, int, PaymentResult]]) -> dict[str, str]:
		"""Record these succeeded charges of this run (invoice, try number, result) against
		their invoices and finish their tries as SUCCEEDED, all in one durable write; a
		PaymentIntent recorded already (a webhook was first) is not recorded again. Returns
		the invoices whose charge the books refused (invoice → why): those tries stay STARTED,
		so the next look-up finds the charge again, and the rest of the batch is recorded."""

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
	clock: Callable[[], float] = monotonic,
) -> RunReport:
	"""Attempt every due invoice of the batch; see the module docstring. `now` (default: the end
	of `today`) tells a try still under way in another run from one left by a dead run; `clock`
	(seconds, monotonic) measures the send window."""
	report = RunReport()
	now = now or datetime.combine(today, time.max)
	tries = []
	for due in invoices:
		try:
			prepared = _prepare(due, ledger, gateway, policy, today, now, report)
		except _Stop as e:
			report.stopped_at, report.stop_reason = due.invoice, str(e)
			return report
		except InvalidInput as e:  # a payment in another currency, for another invoice: review
			report.errors[due.invoice] = str(e)
			continue
		if prepared:
			tries.append((due, *prepared))
	if tries:
		_charge(tries, ledger, gateway, policy, report, clock)
	return report


def _prepare(due, ledger, gateway, policy, today, now, report) -> tuple[Charge, list[Attempt]] | None:
	"""Step 1 for one invoice: the try to send now and the attempts so far, or None."""
	attempts = ledger.attempts(due.invoice)
	if any(a.status == STARTED and a.at > now - UNDER_WAY for a in attempts):
		# another run may be waiting for Stripe's answer right now: looking its charge up
		# before Stripe made it would lead to a second one. A dead run's try is older.
		report.skipped[due.invoice] = "A payment is under way"
		return None
	if attempts and due.stripe_customer:
		attempts = _reconcile(due, attempts, ledger, gateway, report)
		if attempts is None:
			return None
	decision = decide(due, attempts, policy, today)
	if not isinstance(decision, Charge):
		if decision.reason == NO_TRIES_LEFT:
			_suspend(due, ledger, report)  # a run killed before it suspended: do it now
		report.skipped[due.invoice] = decision.reason.format(**decision.params)
		return None
	return decision, attempts


def _charge(tries, ledger, gateway, policy, report, clock) -> None:
	"""Steps 2 and 3 for the batch's tries."""
	taken = ledger.start_attempts([(due, charge) for due, charge, _attempts in tries])
	started = clock()
	answered, unsent, stop = [], [], None
	for due, charge, attempts in tries:
		if due.invoice in taken:
			report.skipped[due.invoice] = "Another run is charging this invoice"
			continue
		if stop is None and clock() - started > SEND_WINDOW.total_seconds():
			stop = (
				due.invoice,
				_("Sending took longer than {minutes} minutes").format(
					minutes=int(SEND_WINDOW.total_seconds() // 60)
				),
			)
		if stop is not None:
			unsent.append((due, charge))
			continue
		try:
			result = gateway.charge_saved_method(
				due.stripe_customer,
				due.payment_method,
				due.amount,
				due.currency,
				charge.key,
				{"invoice": due.invoice, "attempt": charge.number, "customer": due.customer},
			)
		except StripeUnavailable as e:
			stop = (due.invoice, str(e))  # the try stays STARTED: the next run looks it up
			continue
		except StripeRefused as e:
			if e.http_status in (401, 403):
				stop = (due.invoice, str(e))  # our key is wrong: nobody's fault but ours, stop
				continue
			answered.append((due, charge, attempts, None, str(e)))
			continue
		answered.append((due, charge, attempts, result, None))
	_record_answers(answered, ledger, policy, report)
	for due, charge in unsent:  # never sent: nothing at Stripe to look up
		ledger.finish_attempt(due, charge.number, NOT_CHARGED, None, None)
	if stop is not None:
		report.stopped_at, report.stop_reason = stop


def _record_answers(answered, ledger, policy, report) -> None:
	"""Step 3's writes: the succeeded charges first, together; then each other answer."""
	succeeded = []
	for due, charge, _attempts, result, _error in answered:
		if result and outcome_status(result.status, result.error_code) == SUCCEEDED:
			try:
				_check_payment(due, result)
			except InvalidInput as e:  # stays STARTED: the look-up finds it again, for review
				report.errors[due.invoice] = str(e)
				continue
			succeeded.append((due, charge.number, result))
	if succeeded:
		refused = ledger.record_charges(succeeded) or {}
		for due, _number, _result in succeeded:
			if due.invoice in refused:
				report.errors[due.invoice] = refused[due.invoice]
			else:
				report.charged.append(due.invoice)
	for due, charge, attempts, result, error in answered:
		if error is not None:
			ledger.finish_attempt(due, charge.number, ERROR, None, error)
			report.errors[due.invoice] = error
		elif outcome_status(result.status, result.error_code) != SUCCEEDED:
			_apply_failure(due, charge.number, result, attempts, ledger, policy, report)


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


def _check_payment(due: DueInvoice, result: PaymentResult) -> None:
	check_currency(result.currency, due.currency)  # never record CAD cents as USD
	if result.invoice != due.invoice:
		raise InvalidInput(
			_("Payment {payment} is not for invoice {invoice}"),
			payment=result.payment_intent,
			invoice=due.invoice,
		)


def _record(due: DueInvoice, result: PaymentResult, ledger) -> None:
	_check_payment(due, result)
	ledger.record_payment(due, result)


def _apply_failure(due, number, result: PaymentResult, attempts, ledger, policy, report) -> None:
	status = outcome_status(result.status, result.error_code)
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
