"""Service Subscriptions billed through ERPNext's own Subscriptions.

When a Service Subscription becomes Active (and Billing Settings say so), it gets an ERPNext
Subscription for its customer: one Subscription Plan per plan item and actual price (monthly,
fixed rate), the Québec sales taxes template, invoices generated at the start of each month and
submitted. ERPNext generates the invoices and, with Subscription Settings' "Prorate", computes
the pro-rata of a start or an end within a period; cancelling the Service Subscription cancels
the ERPNext one. A suspension for non-payment does not stop billing (the customer still owes
the period); a cancellation does.
"""

import frappe
from frappe.utils import flt, nowdate

from gigafibre_fsm.billing.services import settings as billing_settings
from gigafibre_fsm.billing.services import taxes

SUBSCRIPTION = "Service Subscription"


def plan_for(item: str, price: float | None, currency: str) -> str:
	"""The monthly Subscription Plan of `item` at `price` (the Item's price list rate when no
	price is given), created the first time."""
	name = f"{item} - {flt(price):.2f} {currency}" if price else f"{item} - {currency}"
	if not frappe.db.exists("Subscription Plan", name):
		plan = {
			"doctype": "Subscription Plan",
			"plan_name": name,
			"item": item,
			"currency": currency,
			"billing_interval": "Month",
			"billing_interval_count": 1,
		}
		if price:
			plan.update(price_determination="Fixed Rate", cost=flt(price))
		else:
			plan.update(
				price_determination="Based On Price List",
				price_list=frappe.db.get_single_value("Selling Settings", "selling_price_list"),
			)
		frappe.get_doc(plan).insert(ignore_permissions=True)
	return name


def sync_erpnext_subscription(doc, method=None) -> None:
	"""Service Subscription on_update: an ERPNext Subscription when it becomes Active, cancelled
	when it is Cancelled."""
	before = doc.get_doc_before_save()
	if before and before.status == doc.status:
		return
	settings = billing_settings.get()
	if not settings.bill_subscriptions or not settings.company:
		return
	if doc.status == "Active" and not doc.erpnext_subscription and doc.plan:
		doc.db_set("erpnext_subscription", create_erpnext_subscription(doc, settings.company))
	elif doc.status == "Cancelled" and doc.erpnext_subscription:
		subscription = frappe.get_doc("Subscription", doc.erpnext_subscription)
		if subscription.status != "Cancelled":
			subscription.flags.ignore_permissions = True
			subscription.cancel_subscription()


def create_erpnext_subscription(doc, company: str) -> str:
	currency = frappe.get_cached_value("Company", company, "default_currency")
	taxes.ensure_template(company)
	subscription = frappe.get_doc(
		{
			"doctype": "Subscription",
			"party_type": "Customer",
			"party": doc.customer,
			"company": company,
			"start_date": doc.start_date or nowdate(),
			"generate_invoice_at": "Beginning of the current subscription period",
			"submit_invoice": 1,
			"sales_tax_template": taxes.template_name(company),
			"plans": [{"plan": plan_for(doc.plan, doc.actual_price, currency), "qty": 1}],
		}
	)
	subscription.insert(ignore_permissions=True)
	return subscription.name
