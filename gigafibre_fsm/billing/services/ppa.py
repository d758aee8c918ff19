"""Pre-authorised payments in Frappe: the hourly scheduler event enqueues batches of due
invoices; each background job runs the core's `run_batch` with a ledger made of PPA Attempts,
Journal and Payment Entries (batch_posting.py) and Service Subscriptions.

Every ledger write is committed at once (a job is its own transaction): the batch's tries are in
the log (one INSERT, one commit) before Stripe is asked, so a worker killed anywhere leaves what
the next run needs to look the charge up instead of charging again; the batch's charges are
booked and their tries finished in one transaction (see billing/preauthorised_payments/run.py).
"""

from dataclasses import replace
from urllib.parse import quote

import frappe
from frappe import _
from frappe.query_builder import Case, DocType
from frappe.utils import get_datetime, get_url, getdate, now_datetime, nowdate

from gigafibre_fsm.billing.money import to_cents
from gigafibre_fsm.billing.preauthorised_payments import (
	STARTED,
	SUCCEEDED,
	Attempt,
	Charge,
	DueInvoice,
	RunReport,
	run_batch,
)
from gigafibre_fsm.billing.services import batch_posting, payments, suspension
from gigafibre_fsm.billing.services import settings as billing_settings
from gigafibre_fsm.errors import InvalidInput
from gigafibre_fsm.services.frappe_versions import commit_job, in_test

ATTEMPT = "PPA Attempt"
ATTEMPT_FIELDS = [
	"sales_invoice",
	"attempt_number",
	"idempotency_key",
	"status",
	"started_at",
	"payment_intent",
]
ATTEMPT_INSERT_FIELDS = [
	"name",
	"idempotency_key",
	"sales_invoice",
	"customer",
	"attempt_number",
	"status",
	"amount_cents",
	"currency",
	"started_at",
	"creation",
	"modified",
	"owner",
	"modified_by",
]
RUN_JOB = "gigafibre_fsm.billing.services.ppa.run_ppa_batch"


def due_invoice_names(today=None) -> list[str]:
	"""Submitted, unpaid, due Sales Invoices of customers on pre-authorised payment who saved a
	card, in name order."""
	si, customer, method = DocType("Sales Invoice"), DocType("Customer"), DocType("Saved Payment Method")
	rows = (
		frappe.qb.from_(si)
		.join(customer)
		.on(customer.name == si.customer)
		.join(method)
		.on(method.customer == si.customer)
		.select(si.name)
		.where(si.docstatus == 1)
		.where(si.is_return == 0)
		.where(si.outstanding_amount > 0)
		.where(si.due_date <= (today or nowdate()))
		.where(customer.ppa_enabled == 1)
		.orderby(si.name)
	).run()
	return [r[0] for r in rows]


def enqueue_ppa_runs() -> int:
	"""Scheduler event (hourly): one background job per batch of due invoices. Returns how many
	jobs it enqueued; does nothing unless pre-authorised payments are enabled."""
	settings = billing_settings.get()
	if not (settings.stripe_enabled and settings.ppa_enabled):
		return 0
	names = due_invoice_names()
	size = max(int(settings.ppa_batch_size or 200), 1)
	today = nowdate()
	batches = [names[i : i + size] for i in range(0, len(names), size)]
	for batch in batches:
		frappe.enqueue(
			RUN_JOB,
			queue="long",
			timeout=3600,
			job_id=f"ppa::{today}::{batch[0]}",
			deduplicate=True,
			invoices=batch,
		)
	return len(batches)


def load_due(names: list[str]) -> list[DueInvoice]:
	"""The batch's invoices as the core wants them, in one query."""
	if not names:
		return []
	si, method = DocType("Sales Invoice"), DocType("Saved Payment Method")
	rows = (
		frappe.qb.from_(si)
		.left_join(method)
		.on(method.customer == si.customer)
		.select(
			si.name,
			si.customer,
			si.outstanding_amount,
			si.currency,
			si.creation,
			method.stripe_customer,
			method.payment_method,
		)
		.where(si.name.isin(names))
		.where(si.docstatus == 1)
		.where(si.outstanding_amount > 0)
		.orderby(si.name)
	).run(as_dict=True)
	return [
		DueInvoice(
			invoice=r.name,
			customer=r.customer,
			amount=to_cents(r.outstanding_amount, r.currency),
			currency=r.currency,
			stripe_customer=r.stripe_customer,
			payment_method=r.payment_method,
			since=int(get_datetime(r.creation).timestamp()) - 86400,  # clock skew margin
		)
		for r in rows
	]


class FrappeLedger:
	"""The core's Ledger port on PPA Attempts, Journal and Payment Entries and Service
	Subscriptions. The batch's attempts are read once, here, and kept up to date in memory."""

	def __init__(self, names: list[str]):
		self._attempts: dict[str, list[Attempt]] = {name: [] for name in names}
		for row in frappe.get_all(
			ATTEMPT,
			filters={"sales_invoice": ["in", names]},
			fields=ATTEMPT_FIELDS,
			order_by="attempt_number asc",
		):
			self._attempts[row.sales_invoice].append(_attempt(row))

	def attempts(self, invoice: str) -> list[Attempt]:
		return list(self._attempts.get(invoice, []))

	def start_attempts(self, tries: list[tuple[DueInvoice, Charge]]) -> set[str]:
		"""Every try of the batch in one INSERT and one commit, before Stripe is asked. A key
		another run took meanwhile fails the INSERT: then each try is written on its own, and
		the invoices whose key was taken are returned."""
		if not tries:
			return set()
		now = now_datetime()
		user = frappe.session.user
		rows = [
			(
				charge.key,
				charge.key,
				due.invoice,
				due.customer,
				charge.number,
				STARTED,
				due.amount,
				due.currency,
				now,
				now,
				now,
				user,
				user,
			)
			for due, charge in tries
		]
		taken = set()
		frappe.db.savepoint("ppa_start")
		try:
			frappe.db.bulk_insert(ATTEMPT, ATTEMPT_INSERT_FIELDS, rows)
		except Exception as e:
			if not frappe.db.is_unique_key_violation(e):
				raise
			frappe.db.rollback(save_point="ppa_start")
			taken = self._insert_one_by_one(rows)
		commit_job()
		for due, charge in tries:
			if due.invoice not in taken:
				self._attempts.setdefault(due.invoice, []).append(
					Attempt(due.invoice, charge.number, charge.key, STARTED, now)
				)
		return taken

	def _insert_one_by_one(self, rows) -> set[str]:
		taken = set()
		for row in rows:
			frappe.db.savepoint("ppa_start_one")
			try:
				frappe.db.bulk_insert(ATTEMPT, ATTEMPT_INSERT_FIELDS, [row])
			except Exception as e:
				if not frappe.db.is_unique_key_violation(e):
					raise
				frappe.db.rollback(save_point="ppa_start_one")
				taken.add(row[2])
		return taken

	def finish_attempt(self, due, number, status, result, error) -> None:
		values = {"status": status, "finished_at": now_datetime()}
		if result:
			values.update(payment_intent=result.payment_intent, decline_code=result.decline_code)
		if error:
			values["error"] = error[:1000]
		key = _key_of(self._attempts.get(due.invoice, []), number)
		frappe.db.set_value(ATTEMPT, key, values, update_modified=False)
		commit_job()
		self._finished(due.invoice, number, status, result.payment_intent if result else None)

	def _finished(self, invoice: str, number: int, status: str, payment_intent: str | None) -> None:
		self._attempts[invoice] = [
			replace(a, status=status, payment_intent=payment_intent or a.payment_intent)
			if a.number == number
			else a
			for a in self._attempts.get(invoice, [])
		]

	def record_payment(self, due, result) -> None:
		frappe.db.savepoint("ppa_record_payment")
		try:
			name = payments.record_payment(due.invoice, result.payment_intent, result.amount, result.currency)
		except frappe.ValidationError as e:  # a cancelled invoice, say: this invoice's error, not the run's
			frappe.db.rollback(save_point="ppa_record_payment")
			frappe.clear_last_message()
			raise InvalidInput(
				_("Payment {payment} could not be recorded: {reason}"),
				payment=result.payment_intent,
				reason=str(e),
			)
		if result.attempt:
			key = _key_of(self._attempts.get(due.invoice, []), result.attempt)
			if key:
				field = "payment_entry" if frappe.db.exists("Payment Entry", name) else "journal_entry"
				frappe.db.set_value(ATTEMPT, key, field, name, update_modified=False)
		commit_job()

	def record_charges(self, charged) -> dict[str, str]:
		"""The batch's succeeded charges booked (one Journal Entry per 99 invoices) and their
		tries finished as Succeeded, in one transaction and one commit."""
		booked, refused = batch_posting.post_charges(
			[(due.invoice, r.payment_intent, r.amount, r.currency) for due, _number, r in charged]
		)
		keys = {}
		for due, number, result in charged:
			if result.payment_intent in refused:
				continue
			keys[_key_of(self._attempts.get(due.invoice, []), number)] = (
				result.payment_intent,
				*booked[result.payment_intent],
			)
		if keys:
			self._mark_succeeded(keys)
		if refused:
			frappe.log_error(
				title=_("Pre-authorised payments not recorded"),
				message="\n".join(f"{pi}: {why}" for pi, why in refused.items()),
			)
		commit_job()
		for due, number, result in charged:
			if result.payment_intent not in refused:
				self._finished(due.invoice, number, SUCCEEDED, result.payment_intent)
		return {
			due.invoice: refused[r.payment_intent] for due, _n, r in charged if r.payment_intent in refused
		}

	def _mark_succeeded(self, keys: dict[str, tuple[str, str, str]]) -> None:
		"""One UPDATE: each try (key → PaymentIntent, doctype and name that booked it) Succeeded."""
		attempt = DocType(ATTEMPT)
		intent, journal, entry = Case(), Case(), Case()
		for key, (pi, doctype, name) in keys.items():
			intent = intent.when(attempt.name == key, pi)
			journal = journal.when(attempt.name == key, name if doctype == "Journal Entry" else None)
			entry = entry.when(attempt.name == key, name if doctype == "Payment Entry" else None)
		(
			frappe.qb.update(attempt)
			.set(attempt.status, SUCCEEDED)
			.set(attempt.finished_at, now_datetime())
			.set(attempt.payment_intent, intent)
			.set(attempt.journal_entry, journal)
			.set(attempt.payment_entry, entry)
			.where(attempt.name.isin(list(keys)))
		).run()

	def suspend(self, due) -> bool:
		attempts = self._attempts.get(due.invoice, [])
		if not attempts:
			return False
		last = attempts[-1].key
		if frappe.db.get_value(
			ATTEMPT, {"sales_invoice": due.invoice, "suspended_subscriptions": ["is", "set"]}
		):
			return False
		names = suspension.suspend_for_invoice(due.customer, due.invoice)
		frappe.db.set_value(
			ATTEMPT, last, "suspended_subscriptions", "\n".join(names) or "-", update_modified=False
		)
		_notify(due, "suspended", None)
		commit_job()
		return True

	def notify(self, due, kind, result) -> None:
		_notify(due, kind, result)
		commit_job()


def _attempt(row) -> Attempt:
	return Attempt(
		row.sales_invoice,
		int(row.attempt_number),
		row.idempotency_key,
		row.status,
		get_datetime(row.started_at),
		row.payment_intent,
	)


def _key_of(attempts: list[Attempt], number: int) -> str | None:
	for a in attempts:
		if a.number == number:
			return a.key
	return None


def notice(kind: str, invoice: str, link: str) -> str:
	"""The customer's message for `kind`, in the session's language."""
	if kind == "declined":
		text = _(
			"Your pre-authorised payment for invoice {0} was declined. We will try again; you can also pay now: {1}"
		)
	elif kind == "requires_action":
		text = _("Your bank asks you to confirm the payment of invoice {0}. Please pay it here: {1}")
	else:
		text = _("Your services are suspended: invoice {0} is unpaid. Pay it here to restore them: {1}")
	return text.format(invoice, link)


def payment_link(invoice: str) -> str:
	"""A link that logs the customer in, then opens Stripe Checkout for `invoice` (where 3-D
	Secure is finished, or another card used)."""
	method = f"/api/method/gigafibre_fsm.api.billing.pay_invoice?invoice={invoice}&redirect=1"
	return get_url(f"/login?redirect-to={quote(method, safe='')}")


def _notify(due: DueInvoice, kind: str, result) -> None:
	"""Text and e-mail the customer after this transaction commits (best effort: a notice that
	cannot be sent never undoes a payment)."""
	link = payment_link(due.invoice)
	message = notice(kind, due.invoice, link)
	frappe.get_doc(
		{
			"doctype": "Comment",
			"comment_type": "Info",
			"reference_doctype": "Sales Invoice",
			"reference_name": due.invoice,
			"content": message,
		}
	).insert(ignore_permissions=True)
	mobile, email = frappe.db.get_value("Customer", due.customer, ["mobile_no", "email_id"]) or (None, None)
	if mobile and frappe.db.get_single_value("Messaging Settings", "enabled"):
		try:
			from gigafibre_fsm.messaging.services.sms import send_sms

			send_sms(mobile, message, "Sales Invoice", due.invoice)
		except frappe.ValidationError:
			frappe.clear_last_message()
	if email:
		frappe.sendmail(
			recipients=[email],
			subject=_("Invoice {0}").format(due.invoice),
			message=message,
			reference_doctype="Sales Invoice",
			reference_name=due.invoice,
			delayed=True,
		)


def run_ppa_batch(invoices: list[str], today=None, now=None) -> RunReport:
	"""Background job: one run of the core over these invoices (those still due). `today` and
	`now` default to the present (tests move them)."""
	settings = billing_settings.get()
	gateway = billing_settings.gateway(settings)
	due = load_due(invoices)
	ledger = FrappeLedger([d.invoice for d in due])
	report = run_batch(
		due,
		ledger,
		gateway,
		billing_settings.policy(settings),
		getdate(today or nowdate()),
		get_datetime(now) if now else now_datetime(),
	)
	if not report.completed:
		frappe.log_error(
			title=_("Pre-authorised payments stopped"),
			message=_("Stopped at invoice {0}: {1}. The next run resumes there.").format(
				report.stopped_at, report.stop_reason
			),
		)
		commit_job()
	return report
