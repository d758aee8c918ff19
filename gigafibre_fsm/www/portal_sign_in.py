"""The customer's sign-in page, /portal-sign-in: a phone number (or an e-mail address), then
the code received by SMS; or, from the e-mail, the link's token and a button that uses it.

Opening the page changes nothing, even with a token (mail scanners open links to check them):
the token is used by the button's POST (`api.customer_portal.consume_link`). The page's calls go
through Frappe's `frappe.call`, which sends the session's CSRF token.
"""

import frappe
from frappe import _

from gigafibre_fsm.customer_portal.services import sign_in

no_cache = 1


def get_context(context):
	context.no_breadcrumbs = True
	context.title = _("Sign in")
	context.lang = frappe.local.lang
	context.signed_in_as = None if frappe.session.user == "Guest" else frappe.session.user
	token = frappe.form_dict.get("token") or ""
	context.token = token
	context.link_problem = sign_in.link_problem(token) if token else None
	return context
