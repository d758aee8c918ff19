"""The online order, /order: an address, a plan and options, the person's phone or e-mail
verified by a code, an installation slot held 15 minutes, the contract, then Stripe Checkout;
back from Checkout (`?order=…&paid=1`), the order's status until it is placed.

Opening the page changes nothing. Its calls go through Frappe's `frappe.call` (the session's
CSRF token) to `api.sales` and `api.customer_portal`; the order's secret token stays in the
browser's sessionStorage and is sent with each call."""

import frappe
from frappe import _

no_cache = 1


def get_context(context):
	context.no_breadcrumbs = True
	context.title = _("Order fibre internet")
	context.lang = frappe.local.lang
	context.order = (frappe.form_dict.get("order") or "")[:20]
	context.paid = bool(frappe.form_dict.get("paid"))
	context.messages = {
		"error": _("Something went wrong. Please try again."),
		"no_match": _("No served address matches. Check the civic number and the street."),
		"not_served": _("This address is not served yet: no order can be placed for it"),
		"per_month": _("{0} / month, taxes included"),
		"once": _("{0} once, taxes included"),
		"code_sent": _("We sent a code to {0}. It is valid for {1} minutes."),
		"first_invoice": _("First invoice, taxes included: {0}"),
		"monthly": _("Then {0} per month, taxes included"),
		"held": _("Held for you for {0}"),
		"hold_lapsed": _("Your appointment hold has lapsed: choose a slot again."),
		"no_slots": _("No appointment is free in the coming weeks. Call us."),
		"accepted": _("Contract accepted."),
		"waiting": _("We are waiting for Stripe to confirm your payment…"),
		"thanks": _("Thank you! Your order {0} is paid. A technician comes on {1} between {2} and {3}."),
		"attention": _(
			"Your payment is received; our team is finishing your order {0} and will contact you."
		),
		"status": _("Status: {0}"),
	}
	return context
