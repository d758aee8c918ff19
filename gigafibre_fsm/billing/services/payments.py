"""Payments and refunds recorded in ERPNext's own accounting: a Payment Entry against the
Sales Invoice, never a parallel ledger.

Each Stripe PaymentIntent is recorded once: its id is the Payment Entry's `reference_no`
(Receive). A refund is a Payment Entry (Pay) to the customer with the same `reference_no`;
the refunded total of a PaymentIntent is the sum of those, so a replayed or reordered
`charge.refunded` records only the difference.
"""

import frappe
from frappe import _
from frappe.utils import flt, nowdate

from gigafibre_fsm.billing.money import check_currency, from_cents, to_cents
from gigafibre_fsm.billing.services import settings as billing_settings
from gigafibre_fsm.services.core_errors import translated_errors

PAYMENT_ENTRY = "Payment Entry"


# Payment Entries are looked up by Stripe's PaymentIntent id (their reference_no) with a locking
# read; this index keeps that read (and its lock) on those rows instead of the whole table.
REFERENCE_INDEX = "gigafibre_stripe_reference"


def ensure_reference_index() -> None:
	"""The index on Payment Entry.reference_no (install and every migrate; idempotent)."""
	frappe.db.add_index(PAYMENT_ENTRY, ["reference_no"], index_name=REFERENCE_INDEX)


def payment_entry_for(payment_intent: str, for_update: bool = False) -> str | None:
	return frappe.db.get_value(
		PAYMENT_ENTRY,
		{"reference_no": payment_intent, "payment_type": "Receive", "docstatus": ["<", 2]},
		"name",
		for_update=for_update,
	)


def recorded_payment(payment_intent: str) -> str | None:
	"""The document that recorded `payment_intent`: its Payment Entry, or the Journal Entry of
	the pre-authorised batch that booked it (batch_posting.py). Both are locking reads on indexed
	columns, so a payment committed while this transaction waited for the invoice is seen."""
	from gigafibre_fsm.billing.services.batch_posting import journal_entry_for

	# locking reads: they see what a concurrent webhook for the same charge committed while this
	# transaction waited for the invoice (a plain read would see this transaction's older snapshot)
	return payment_entry_for(payment_intent, for_update=True) or journal_entry_for(
		payment_intent, for_update=True
	)


def record_payment(invoice: str, payment_intent: str, amount: int, currency: str) -> str:
	"""The Payment Entry (submitted) recording `amount` cents of `payment_intent` against
	`invoice`; the existing one (or the batch's Journal Entry) if it was recorded already.
	Throws on a currency mismatch."""
	# the invoice is locked first: a PPA batch booking this payment now is waited for, then seen
	si = frappe.db.get_value(
		"Sales Invoice",
		invoice,
		["name", "currency", "outstanding_amount", "docstatus"],
		as_dict=True,
		for_update=True,
	)
	existing = recorded_payment(payment_intent)
	if existing:
		return existing
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

	settings = billing_settings.get()
	if not si or si.docstatus != 1:
		frappe.throw(_("Sales Invoice {0} is not submitted").format(invoice))
	with translated_errors():
		check_currency(currency, si.currency)
		value = float(from_cents(amount, currency))  # exact: two decimals round-trip through a float
		outstanding = to_cents(max(flt(si.outstanding_amount), 0), si.currency)
	pe = get_payment_entry(
		"Sales Invoice", invoice, bank_account=settings.payment_account or None, ignore_permissions=True
	)
	if settings.mode_of_payment:
		pe.mode_of_payment = settings.mode_of_payment
	pe.reference_no = payment_intent
	pe.reference_date = nowdate()
	pe.paid_amount = pe.received_amount = value
	for ref in pe.references:  # one row: this invoice; more than owed stays unallocated
		ref.allocated_amount = float(from_cents(min(amount, outstanding), currency))
	pe.remarks = _("Stripe payment {0} for {1}").format(payment_intent, invoice)
	pe.flags.ignore_permissions = True
	pe.insert()
	pe.submit()
	return pe.name


def refunded_total(payment_intent: str) -> int:
	"""Cents already recorded as refunded for `payment_intent`."""
	rows = frappe.get_all(
		PAYMENT_ENTRY,
		filters={"reference_no": payment_intent, "payment_type": "Pay", "docstatus": 1},
		fields=["paid_amount", "paid_from_account_currency"],
	)
	return sum(to_cents(flt(r.paid_amount), r.paid_from_account_currency or "CAD") for r in rows)


def record_refund(
	invoice: str, payment_intent: str, refunded_total_cents: int, currency: str, remarks: str | None = None
) -> str | None:
	"""Bring the refunds recorded for `payment_intent` up to `refunded_total_cents`: a Payment
	Entry (Pay) to the customer for the difference, or nothing if it is recorded already. A lost
	dispute is recorded the same way, keyed by the dispute's id instead of a PaymentIntent."""
	missing = refunded_total_cents - refunded_total(payment_intent)
	if missing <= 0:
		return None
	settings = billing_settings.get()
	si = frappe.get_cached_doc("Sales Invoice", invoice)
	with translated_errors():
		check_currency(currency, si.currency)
		value = float(from_cents(missing, currency))
	pe = frappe.new_doc(PAYMENT_ENTRY)
	pe.update(
		{
			"payment_type": "Pay",
			"company": si.company,
			"posting_date": nowdate(),
			"party_type": "Customer",
			"party": si.customer,
			"paid_from": settings.payment_account,
			"paid_to": si.debit_to,
			"paid_amount": value,
			"received_amount": value,
			"reference_no": payment_intent,
			"reference_date": nowdate(),
			"mode_of_payment": settings.mode_of_payment,
			"remarks": remarks or _("Stripe refund of {0} for {1}").format(payment_intent, invoice),
		}
	)
	pe.setup_party_account_field()
	pe.set_missing_values()
	pe.flags.ignore_permissions = True
	pe.insert()
	pe.submit()
	return pe.name
