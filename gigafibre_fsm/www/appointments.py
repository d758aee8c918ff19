"""The customer's appointments, /appointments: what is coming, moved into another window the
dispatch core offers (held while they confirm), or cancelled within the policy.

Only the signed-in customer's own jobs are listed; every button calls `api.dispatch`'s methods,
which check the customer and the policy again.
"""

import frappe
from frappe import _
from frappe.utils import getdate, nowdate

from gigafibre_fsm.dispatch.services import appointment_slots
from gigafibre_fsm.dispatch.services.settings import dispatch_settings
from gigafibre_fsm.permissions.services import scopes
from gigafibre_fsm.permissions.services.guards import deny

no_cache = 1
SHOWN_STATUSES = ("Open", "Assigned", "En Route", "In Progress")


def get_context(context):
	if frappe.session.user == "Guest":
		frappe.local.flags.redirect_location = "/portal-sign-in?redirect-to=/appointments"
		raise frappe.Redirect
	customers = scopes.customers_of(frappe.session.user)
	if not customers:
		deny(_("This page is for customers"))
	settings = dispatch_settings()
	jobs = frappe.get_all(
		"Dispatch Job",
		filters={"customer": ("in", customers), "status": ("in", SHOWN_STATUSES)},
		fields=[
			"name",
			"subject",
			"status",
			"scheduled_date",
			"start_time",
			"window_start",
			"window_end",
			"service_location",
		],
		order_by="scheduled_date asc, start_time asc",
	)
	today = getdate(nowdate())
	context.appointments = [
		{
			**job,
			"may_change": appointment_slots.customer_may_change(frappe._dict(job), settings),
			"window": f"{job.window_start}-{job.window_end}" if job.window_start else job.start_time,
		}
		for job in jobs
		if not job.scheduled_date or getdate(job.scheduled_date) >= today
	]
	context.no_breadcrumbs = True
	context.show_sidebar = False
	context.title = _("My Appointments")
	context.notice_hours = settings.reschedule_notice_hours or 0
	return context
