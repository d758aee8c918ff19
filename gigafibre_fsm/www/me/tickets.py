"""The customer's support tickets, /me/tickets: open one at one of their locations, follow it
(?ticket=...: the thread) and reply. Tickets are the app's ticket doctype (ERPNext Issue),
through `customer_portal.services.portal_tickets`.

Only the signed-in customer's tickets; another's is refused the same way whether it exists or not.
"""

import frappe
from frappe import _

from gigafibre_fsm.customer_portal.services import portal, portal_tickets

no_cache = 1


def get_context(context):
	customers = portal.session_customers("/me/tickets")
	name = frappe.form_dict.get("ticket")
	context.back = "/me/tickets" if name else "/me"
	if name:
		context.ticket = portal_tickets.ticket(customers, name)
		# the subject is the customer's text: escaped once here, for the <title>, meta tags and <h1>
		portal.page_context(context, frappe.utils.escape_html(context.ticket.subject))
		return context
	portal.page_context(context, _("Support"))
	context.ticket = None
	context.tickets = portal_tickets.tickets_of(customers)
	context.locations = frappe.get_all(
		"Service Location",
		filters={"customer": ("in", customers)},
		fields=["name", "location_name", "address_display"],
		order_by="name asc",
	)
	context.chosen_location = frappe.form_dict.get("location")
	return context
