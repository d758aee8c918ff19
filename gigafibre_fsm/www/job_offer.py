"""The page a technician lands on from a job offer SMS: the job, and Accept or Decline.

Opening the page changes nothing (SMS apps fetch links to preview them); accepting is a POST.
"""

import frappe

from gigafibre_fsm.dispatch.services.job_offers import offer_details

no_cache = 1


def get_context(context):
	token = frappe.form_dict.get("token") or ""
	context.token = token
	context.no_breadcrumbs = True
	try:
		details = offer_details(token)
	except frappe.PermissionError:
		context.invalid = True
		return context
	context.update(details)
	return context
