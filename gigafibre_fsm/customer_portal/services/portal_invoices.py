"""The customer's invoices (submitted ERPNext Sales Invoices of their Customers), one invoice's
lines, its PDF, and their payments (submitted Payment Entries received from them).

The callers have checked the customer (a page through `portal.session_customers`, the PDF's
method through `guards.require_customer_of`); nothing here reads another customer's record:
every query is filtered on `customers`.
"""

import frappe
from frappe import _
from frappe.utils import flt

from gigafibre_fsm.permissions.services.guards import deny

LIST_FIELDS = [
	"name", "posting_date", "due_date", "grand_total", "outstanding_amount", "currency", "status",
]  # fmt: skip


def invoices(customers: list[str], limit: int = 50) -> list[dict]:
	rows = frappe.get_all(
		"Sales Invoice",
		filters={"customer": ("in", customers), "docstatus": 1},
		fields=LIST_FIELDS,
		order_by="posting_date desc, name desc",
		limit=limit,
	)
	for row in rows:
		row.may_pay = flt(row.outstanding_amount) > 0
		row.status_label = _(row.status)
	return rows


def invoice(customers: list[str], name: str) -> dict:
	"""One of the customer's submitted invoices with its lines and taxes; any other name is
	refused the same way whether it exists or not."""
	row = (
		frappe.db.get_value("Sales Invoice", name, ["customer", "docstatus"], as_dict=True) if name else None
	)
	if not row or row.customer not in customers or row.docstatus != 1:
		deny(_("This invoice is not yours"))
	doc = frappe.get_doc("Sales Invoice", name)
	return {
		**{f: doc.get(f) for f in LIST_FIELDS},
		"customer_name": doc.customer_name,
		"net_total": doc.net_total,
		"status_label": _(doc.status),
		"may_pay": flt(doc.outstanding_amount) > 0,
		"items": [
			{"item_name": i.item_name, "qty": i.qty, "rate": i.rate, "amount": i.amount} for i in doc.items
		],
		"taxes": [{"description": t.description, "amount": t.tax_amount} for t in doc.taxes],
	}


def payments(customers: list[str], limit: int = 50) -> list[dict]:
	"""Payments received from the customer, with the invoices each one paid."""
	rows = frappe.get_all(
		"Payment Entry",
		filters={
			"party_type": "Customer",
			"party": ("in", customers),
			"payment_type": "Receive",
			"docstatus": 1,
		},
		fields=[
			"name",
			"posting_date",
			"paid_amount",
			"paid_from_account_currency as currency",
			"mode_of_payment",
		],
		order_by="posting_date desc, name desc",
		limit=limit,
	)
	if rows:
		refs = frappe.get_all(
			"Payment Entry Reference",
			filters={"parent": ("in", [r.name for r in rows]), "reference_doctype": "Sales Invoice"},
			fields=["parent", "reference_name"],
		)
		for row in rows:
			row.invoices = [r.reference_name for r in refs if r.parent == row.name]
	return rows


def invoice_pdf(invoice: str) -> tuple[str, bytes]:
	"""The invoice's PDF in its standard print format. The caller has checked that the invoice
	is the session customer's: Frappe's own print check is skipped because ERPNext's website
	permission knows only the Customer's Portal Users, not a customer signed in by phone."""
	docstatus = frappe.db.get_value("Sales Invoice", invoice, "docstatus")
	if docstatus != 1:
		frappe.throw(_("Sales Invoice {0} is not submitted").format(invoice))
	print_format = frappe.db.get_value(
		"Property Setter",
		{"doc_type": "Sales Invoice", "property": "default_print_format"},
		"value",
	)
	saved = frappe.flags.ignore_print_permissions
	frappe.flags.ignore_print_permissions = True
	try:
		pdf = frappe.get_print("Sales Invoice", invoice, print_format or None, as_pdf=True)
	finally:
		frappe.flags.ignore_print_permissions = saved
	return f"{invoice}.pdf", pdf
