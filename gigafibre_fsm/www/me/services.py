"""The customer's services, /me/services: each Service Location with its subscriptions and its
equipment, each device with a health light (green, orange, red, grey) from the NOC's latest
reading, and the catalog's options they may ask to add (a request staff complete).

Only the signed-in customer's locations, subscriptions and equipment.
"""

from frappe import _
from frappe.utils import fmt_money

from gigafibre_fsm.customer_portal.services import portal

no_cache = 1


def get_context(context):
	customers = portal.session_customers("/me/services")
	portal.page_context(context, _("Services and equipment"))
	context.back = "/me"
	context.locations = portal.locations(customers)
	for place in context.locations:
		for sub in place.subscriptions:
			sub.price_shown = (
				fmt_money(sub.actual_price, currency=portal.default_currency()) if sub.actual_price else ""
			)
	context.options = portal.options(customers)
	for option in context.options:
		option["price_shown"] = fmt_money(option["price"], currency=option["currency"])
	return context
