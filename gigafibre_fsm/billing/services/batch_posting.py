"""A batch of pre-authorised charges booked in ERPNext's own books as Journal Entries.

One Journal Entry (Bank Entry) per batch of up to JOURNAL_ROWS invoices: each invoice's
receivable is credited with its customer as party and the invoice as reference (ERPNext
reduces its outstanding and writes its Payment Ledger Entry, as for a deposit slip), and the
account Stripe payments are received into is debited once with the total. Each row's remark is
its PaymentIntent; the PPA Attempt that made the charge names the Journal Entry, which is how a
PaymentIntent booked here is found again (`journal_entry_for`), so that a webhook, a refund or a
later run never books it a second time.

A charge that does not fit a plain deposit — an invoice in another currency than the company's,
one already paid meanwhile, more than is owed — is recorded as before, with its own Payment
Entry (payments.record_payment), which ERPNext allocates and leaves any excess unallocated.
"""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import flt, nowdate

from gigafibre_fsm.billing.money import from_cents, to_cents
from gigafibre_fsm.billing.services import payments, suspension
from gigafibre_fsm.billing.services import settings as billing_settings

JOURNAL_ENTRY = "Journal Entry"
ATTEMPT = "PPA Attempt"
# ERPNext submits a Journal Entry of more than 100 rows in a background job (JournalEntry.submit):
# the payments and their attempt log must be written in the same transaction, so one row is
# kept for the debit and each Journal Entry holds at most 99 invoices.
JOURNAL_ROWS = 99


def journal_entry_for(payment_intent: str, for_update: bool = False) -> str | None:
	"""The submitted Journal Entry that booked `payment_intent` with a PPA batch, if any."""
	return journal_entries_for([payment_intent], for_update).get(payment_intent)


def journal_entries_for(payment_intents: list[str], for_update: bool = False) -> dict[str, str]:
	"""PaymentIntent → the submitted Journal Entry that booked it, for those booked by a batch.
	`for_update` reads the latest committed rows (a locking read), not the transaction's snapshot."""
	if not payment_intents:
		return {}
	attempt, je = DocType(ATTEMPT), DocType(JOURNAL_ENTRY)
	query = (
		frappe.qb.from_(attempt)
		.join(je)
		.on(je.name == attempt.journal_entry)
		.select(attempt.payment_intent, je.name)
		.where(attempt.payment_intent.isin(payment_intents))
		.where(je.docstatus == 1)
	)
	if for_update:
		query = query.for_update()
	return {pi: name for pi, name in query.run()}


def recorded(payment_intents: list[str]) -> dict[str, tuple[str, str]]:
	"""PaymentIntent → (doctype, name) of the document that already recorded it."""
	if not payment_intents:
		return {}
	found = {
		r.reference_no: (payments.PAYMENT_ENTRY, r.name)
		for r in frappe.get_all(
			payments.PAYMENT_ENTRY,
			filters={
				"reference_no": ["in", payment_intents],
				"payment_type": "Receive",
				"docstatus": ["<", 2],
			},
			fields=["name", "reference_no"],
		)
	}
	for pi, name in journal_entries_for(payment_intents, for_update=True).items():
		found.setdefault(pi, (JOURNAL_ENTRY, name))
	return found


def stripe_payment_of(invoice: str) -> frappe._dict | None:
	"""The last PPA charge booked by a batch for `invoice`, shaped as the refund wants it
	(reference_no, paid_amount, paid_to_account_currency); None if there is none."""
	attempt, je = DocType(ATTEMPT), DocType(JOURNAL_ENTRY)
	rows = (
		frappe.qb.from_(attempt)
		.join(je)
		.on(je.name == attempt.journal_entry)
		.select(attempt.payment_intent, attempt.amount_cents, attempt.currency)
		.where(attempt.sales_invoice == invoice)
		.where(je.docstatus == 1)
		.orderby(attempt.attempt_number, order=frappe.qb.desc)
		.limit(1)
	).run(as_dict=True)
	if not rows:
		return None
	row = rows[0]
	return frappe._dict(
		reference_no=row.payment_intent,
		paid_amount=float(from_cents(int(row.amount_cents), row.currency)),
		paid_to_account_currency=row.currency,
	)


def post_charges(
	charges: list[tuple[str, str, int, str]],
) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
	"""Book succeeded charges — (invoice, PaymentIntent, cents, currency) — in the caller's
	transaction. Returns PaymentIntent → (doctype, name) of the document that records each
	(one already recorded, by a webhook say, is returned as it is and not booked again), and
	PaymentIntent → why ERPNext refused the Payment Entry of a charge that is not a plain
	deposit (a cancelled invoice, say): that one is left out, the rest is booked."""
	if not charges:
		return {}, {}
	settings = billing_settings.get()
	names = sorted({invoice for invoice, _pi, _cents, _currency in charges})
	si = DocType("Sales Invoice")
	# lock the invoices: a webhook recording one of these payments now waits for this booking,
	# then finds it (payments.record_payment takes the same lock before it looks)
	invoices = {
		r.name: r
		for r in frappe.qb.from_(si)
		.select(
			si.name,
			si.customer,
			si.company,
			si.currency,
			si.debit_to,
			si.party_account_currency,
			si.outstanding_amount,
			si.docstatus,
		)
		.where(si.name.isin(names))
		.for_update()
		.run(as_dict=True)
	}
	booked = recorded([pi for _invoice, pi, _cents, _currency in charges])
	company = settings.company
	company_currency = frappe.get_cached_value("Company", company, "default_currency") if company else None
	account_currency = (
		frappe.get_cached_value("Account", settings.payment_account, "account_currency")
		if settings.payment_account
		else None
	)
	deposit, alone = [], []
	for invoice, pi, cents, currency in charges:
		if pi in booked:
			continue
		row = invoices.get(invoice)
		plain = (
			row
			and row.docstatus == 1
			and row.company == company
			and currency == row.currency == company_currency == account_currency
			and (row.party_account_currency or row.currency) == currency
			and 0 < cents <= to_cents(max(flt(row.outstanding_amount), 0), row.currency)
		)
		(deposit if plain else alone).append((invoice, pi, cents, currency))
	for start in range(0, len(deposit), JOURNAL_ROWS):
		chunk = deposit[start : start + JOURNAL_ROWS]
		name = _journal_entry(chunk, invoices, settings)
		booked.update({pi: (JOURNAL_ENTRY, name) for _invoice, pi, _cents, _currency in chunk})
	refused = {}
	for invoice, pi, cents, currency in alone:
		frappe.db.savepoint("ppa_payment_entry")
		try:
			booked[pi] = (payments.PAYMENT_ENTRY, payments.record_payment(invoice, pi, cents, currency))
		except frappe.ValidationError as e:
			frappe.db.rollback(save_point="ppa_payment_entry")
			frappe.clear_last_message()
			refused[pi] = str(e) or type(e).__name__
	if deposit:
		_reactivate([invoice for invoice, _pi, _cents, _currency in deposit])
	return booked, refused


def _journal_entry(chunk, invoices, settings) -> str:
	today = nowdate()
	currency = chunk[0][3]
	je = frappe.new_doc(JOURNAL_ENTRY)
	je.update(
		{
			"voucher_type": "Bank Entry",
			"company": settings.company,
			"posting_date": today,
			"cheque_no": _("Stripe pre-authorised payments {0}").format(chunk[0][1])[:140],
			"cheque_date": today,
			"mode_of_payment": settings.mode_of_payment or None,
			"user_remark": _("Stripe pre-authorised payments: {0} invoices").format(len(chunk)),
		}
	)
	for invoice, pi, cents, _currency in chunk:
		row = invoices[invoice]
		je.append(
			"accounts",
			{
				"account": row.debit_to,
				"party_type": "Customer",
				"party": row.customer,
				"credit_in_account_currency": float(from_cents(cents, currency)),
				"reference_type": "Sales Invoice",
				"reference_name": invoice,
				"user_remark": pi,
			},
		)
	total = sum(cents for _invoice, _pi, cents, _currency in chunk)
	je.append(
		"accounts",
		{
			"account": settings.payment_account,
			"debit_in_account_currency": float(from_cents(total, currency)),
		},
	)
	je.flags.ignore_permissions = True
	je.flags.ignore_links = True  # the invoices, their customers and accounts were just read, locked
	je.insert()
	je.submit()
	return je.name


def _reactivate(invoices: list[str]) -> None:
	"""What Payment Entry's on_submit does (suspension.reactivate_after_payment), for the
	invoices of the batch that billing suspended services for: one query for the batch."""
	suspended = frappe.get_all(
		ATTEMPT,
		filters={
			"sales_invoice": ["in", invoices],
			"suspended_subscriptions": ["is", "set"],
			"reactivated_at": ["is", "not set"],
		},
		pluck="sales_invoice",
		distinct=True,
	)
	for invoice in suspended:
		suspension.reactivate_for_invoice(invoice)
