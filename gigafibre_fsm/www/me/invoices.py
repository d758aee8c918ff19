"""The customer's invoices, /me/invoices: the list, one invoice (?invoice=...) with its lines,
its PDF and a Pay button (Stripe Checkout, `api.billing.pay_invoice`), and their payments.

Only the signed-in customer's submitted Sales Invoices and Payment Entries; another's invoice
is refused the same way whether it exists or not.
"""

import frappe
from frappe import _
from frappe.utils import fmt_money

from gigafibre_fsm.customer_portal.services import portal, portal_invoices

no_cache = 1


def get_context(context):
	customers = portal.session_customers("/me/invoices")
	name = frappe.form_dict.get("invoice")
	context.back = "/me/invoices" if name else "/me"
	if name:
		invoice = portal_invoices.invoice(customers, name)
		portal.page_context(context, _("Invoice {0}").format(name))
		money = lambda v: fmt_money(v, currency=invoice["currency"])  # noqa: E731
		invoice["grand_total_shown"] = money(invoice["grand_total"])
		invoice["outstanding_shown"] = money(invoice["outstanding_amount"])
		for row in invoice["items"] + invoice["taxes"]:
			row["amount_shown"] = money(row["amount"])
		context.invoice = invoice
		context.invoices = None
		return context
	portal.page_context(context, _("Invoices and payments"))
	context.invoice = None
	context.invoices = portal_invoices.invoices(customers)
	for row in context.invoices:
		row.grand_total_shown = fmt_money(row.grand_total, currency=row.currency)
		row.outstanding_shown = fmt_money(row.outstanding_amount, currency=row.currency)
	context.payments = portal_invoices.payments(customers)
	for row in context.payments:
		row.amount_shown = fmt_money(row.paid_amount, currency=row.currency)
	context.paid = bool(frappe.form_dict.get("paid"))
	return context
