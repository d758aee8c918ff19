"""Disputes recorded against the invoice their payment paid (the decisions are in
billing/stripe_events/plan.py).

Each dispute is one Stripe Dispute record named by its id, linked to the Sales Invoice (found
from the dispute's PaymentIntent through the Payment Entry that recorded it) and listed on the
invoice's form. Its status only moves forward (`dispute_status_after`), so a late
`charge.dispute.updated` never reopens a closed one. A new status is a comment on the invoice;
an opened dispute keeps its Stripe Event as Needs Review (someone must answer it in Stripe's
Dashboard before the evidence is due). A lost dispute's amount went back to the cardholder: a
Payment Entry (Pay) to the customer, keyed by the dispute's id, so it is recorded once.
"""

from datetime import datetime, timezone

import frappe
from frappe import _
from frappe.utils import convert_utc_to_system_timezone, now_datetime

from gigafibre_fsm.billing.money import from_cents
from gigafibre_fsm.billing.services import payments
from gigafibre_fsm.billing.stripe_events import DISPUTE_FINAL, dispute_status_after

DISPUTE = "Stripe Dispute"


def label(status: str) -> str:
	"""Stripe's `needs_response` as the doctype's "Needs Response"."""
	return (status or "").replace("_", " ").title()


def raw(label_: str | None) -> str | None:
	return label_.lower().replace(" ", "_") if label_ else None


def _system_time(epoch: int | None):
	if not epoch:
		return None
	moment = datetime.fromtimestamp(int(epoch), timezone.utc).replace(tzinfo=None)
	return convert_utc_to_system_timezone(moment).replace(tzinfo=None)


def record_dispute(action, invoice: str | None, event_id: str | None = None) -> str:
	"""Create or update the Stripe Dispute; returns the event's outcome line."""
	current = frappe.db.get_value(DISPUTE, action.dispute, ["status", "sales_invoice"], as_dict=True)
	status = dispute_status_after(raw(current.status) if current else None, action.status)
	invoice = invoice or (current.sales_invoice if current else None)
	values = {
		"status": label(status),
		"reason": action.reason,
		"amount": float(from_cents(action.amount, action.currency)) if action.currency else 0,
		"currency": action.currency or None,
		"payment_intent": action.payment_intent,
		"charge": action.charge,
		"evidence_due_by": _system_time(action.evidence_due_by),
		"last_event": event_id if event_id and frappe.db.exists("Stripe Event", event_id) else None,
	}
	if invoice:
		values["sales_invoice"] = invoice
		values["customer"] = frappe.db.get_value("Sales Invoice", invoice, "customer")
	if status in DISPUTE_FINAL:
		values["closed_at"] = now_datetime()
	if current:
		frappe.db.set_value(DISPUTE, action.dispute, values)
	else:
		doc = frappe.get_doc({"doctype": DISPUTE, "dispute_id": action.dispute, **values})
		doc.flags.ignore_links = True
		doc.insert(ignore_permissions=True)
	if invoice and (not current or raw(current.status) != status):
		frappe.get_doc(
			{
				"doctype": "Comment",
				"comment_type": "Info",
				"reference_doctype": "Sales Invoice",
				"reference_name": invoice,
				"content": _("Stripe dispute {0} on payment {1}: {2} ({3})").format(
					action.dispute, action.payment_intent, action.reason or "", _(label(status))
				),
			}
		).insert(ignore_permissions=True)
	if action.opened or not invoice:
		return f"Review: dispute {action.dispute} ({status})"
	return f"Dispute {action.dispute}: {status}"


def record_loss(action, invoice: str | None) -> str:
	"""The lost amount as money returned (a Pay Payment Entry keyed by the dispute), once."""
	if not invoice or not frappe.db.exists("Sales Invoice", {"name": invoice, "docstatus": 1}):
		return f"Review: lost dispute {action.dispute} for no known invoice"
	entry = payments.record_refund(
		invoice,
		action.dispute,
		action.amount,
		action.currency,
		remarks=_("Stripe dispute {0} lost: {1} returned to the cardholder for {2}").format(
			action.dispute, from_cents(action.amount, action.currency), invoice
		),
	)
	if entry and frappe.db.exists(DISPUTE, action.dispute):
		frappe.db.set_value(DISPUTE, action.dispute, "loss_payment_entry", entry)
	return f"Dispute loss Payment Entry {entry}" if entry else "Dispute loss already recorded"


def invoice_dashboard(data):
	"""The Sales Invoice form lists the disputes of its payments (Connections)."""
	data = frappe._dict(data or {})
	data.fieldname = data.get("fieldname") or "sales_invoice"
	data.setdefault("transactions", []).append({"label": _("Stripe"), "items": [DISPUTE]})
	return data
