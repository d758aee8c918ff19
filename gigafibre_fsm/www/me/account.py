"""The customer's account, /me/account: their contact details (phone numbers changed here,
validated; the e-mail shown), their payment method (a card saved with Stripe for pre-authorised
payments, `api.billing.save_card`) and the portal's language (French or English).

Only the signed-in customer's own Contact.
"""

import frappe
from frappe import _

from gigafibre_fsm.customer_portal.services import portal, portal_account

no_cache = 1


def get_context(context):
	customers = portal.session_customers("/me/account")
	portal.page_context(context, _("My account"))
	context.back = "/me"
	context.account = portal_account.account(customers)
	context.cards = frappe.get_all(
		"Customer",
		filters={"name": ("in", customers)},
		fields=["name", "customer_name", "ppa_enabled"],
		order_by="name asc",
	)
	saved = frappe.get_all(
		"Saved Payment Method",
		filters={"customer": ("in", customers)},
		fields=["customer", "saved_at"],
		order_by="saved_at desc",
	)
	for card in context.cards:
		card.saved_at = next((s.saved_at for s in saved if s.customer == card.name), None)
	# Stripe sends the browser back with ?setup_intent=...&redirect_status=succeeded; the card is
	# recorded by the webhook, which may come a moment later
	context.card_returned = frappe.form_dict.get("redirect_status") == "succeeded"
	return context
