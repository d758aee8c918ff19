"""The technician's phone page: today's and tomorrow's jobs, and the button that moves each on.

Only the logged-in technician's own jobs (as the technician or an assistant) are listed; the
status buttons call `gigafibre_fsm.api.dispatch.set_my_job_status`, which checks it again.
"""

import frappe
from frappe import _
from frappe.utils import add_days, getdate, nowdate

from gigafibre_fsm.dispatch.services import technician_jobs
from gigafibre_fsm.permissions import roles
from gigafibre_fsm.permissions.services.guards import deny

no_cache = 1


def get_context(context):
	if frappe.session.user == "Guest":
		frappe.local.flags.redirect_location = "/login?redirect-to=/technician"
		raise frappe.Redirect
	if not roles.TECHNICIAN_PAGE & set(frappe.get_roles()):
		deny(_("This page is for field technicians"))
	today = getdate(nowdate())
	jobs = technician_jobs.my_jobs(today, days=2)
	context.no_breadcrumbs = True
	context.show_sidebar = False
	context.technicians = technician_jobs.my_technicians()
	context.today = today
	context.tomorrow = getdate(add_days(today, 1))
	context.days = [
		(_("Today"), today, [j for j in jobs if getdate(j.scheduled_date) == today]),
		(_("Tomorrow"), context.tomorrow, [j for j in jobs if getdate(j.scheduled_date) != today]),
	]
	context.button_labels = {
		"En Route": _("En route"),
		"In Progress": _("Start the work"),
		"Completed": _("Job done"),
	}
	return context
