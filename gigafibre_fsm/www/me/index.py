"""The customer portal's home, /me: the customer's name, what they owe, their next
appointment, their services' status, and a link to each page.

Only the signed-in customer's records (`portal.session_customers`): a visitor is sent to sign
in, anyone else (staff included) is refused.
"""

from frappe import _
from frappe.utils import fmt_money

from gigafibre_fsm.customer_portal.services import portal

no_cache = 1


def get_context(context):
	customers = portal.session_customers("/me")
	portal.page_context(context, _("My account"))
	context.home = portal.home(customers)
	context.balance = fmt_money(context.home["balance_due"], currency=context.home["currency"])
	context.back = None
	return context
