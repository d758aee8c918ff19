"""Suspension for non-payment and reactivation on payment, through the Service Subscription
lifecycle the Subscribers context enforces (Active → Suspended → Active).

Only what billing suspended is reactivated: the PPA Attempt of the last failed try lists the
subscriptions it suspended, and a payment of that invoice lifts exactly those (if they are
still suspended and the customer has no other invoice whose tries ran out).
"""

import frappe
from frappe import _
from frappe.utils import flt, now_datetime

ATTEMPT = "PPA Attempt"
SUBSCRIPTION = "Service Subscription"


def suspend_for_invoice(customer: str, invoice: str) -> list[str]:
	"""Suspend the customer's active subscriptions for the unpaid `invoice`; returns them."""
	names = frappe.get_all(SUBSCRIPTION, filters={"customer": customer, "status": "Active"}, pluck="name")
	for name in names:
		sub = frappe.get_doc(SUBSCRIPTION, name)
		sub.status = "Suspended"
		sub.status_reason = _("Unpaid invoice {0}").format(invoice)
		sub.flags.ignore_permissions = True
		sub.save()
	return names


def reactivate_after_payment(doc, method=None) -> None:
	"""Payment Entry on_submit: when it pays an invoice whose tries ran out, reactivate what
	billing suspended for it."""
	if doc.payment_type != "Receive":
		return
	for ref in doc.get("references") or []:
		if ref.reference_doctype == "Sales Invoice":
			reactivate_for_invoice(ref.reference_name)


def reactivate_for_invoice(invoice: str) -> list[str]:
	if flt(frappe.db.get_value("Sales Invoice", invoice, "outstanding_amount")) > 0:
		return []
	rows = frappe.get_all(
		ATTEMPT,
		filters={
			"sales_invoice": invoice,
			"suspended_subscriptions": ["is", "set"],
			"reactivated_at": ["is", "not set"],
		},
		fields=["name", "customer", "suspended_subscriptions"],
	)
	reactivated = []
	for row in rows:
		if _other_exhausted_invoices(row.customer, invoice):
			continue
		for name in (row.suspended_subscriptions or "").split():
			if frappe.db.get_value(SUBSCRIPTION, name, "status") == "Suspended":
				sub = frappe.get_doc(SUBSCRIPTION, name)
				sub.status = "Active"
				sub.status_reason = _("Invoice {0} paid").format(invoice)
				sub.flags.ignore_permissions = True
				sub.save()
				reactivated.append(name)
		frappe.db.set_value(ATTEMPT, row.name, "reactivated_at", now_datetime(), update_modified=False)
	return reactivated


def _other_exhausted_invoices(customer: str, paid_invoice: str) -> bool:
	"""Another unpaid invoice of the customer suspended them too."""
	others = frappe.get_all(
		ATTEMPT,
		filters={
			"customer": customer,
			"sales_invoice": ["!=", paid_invoice],
			"suspended_subscriptions": ["is", "set"],
			"reactivated_at": ["is", "not set"],
		},
		pluck="sales_invoice",
	)
	return any(flt(frappe.db.get_value("Sales Invoice", name, "outstanding_amount")) > 0 for name in others)
