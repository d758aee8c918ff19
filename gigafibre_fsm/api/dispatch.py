"""REST surface of dispatch: /api/method/gigafibre_fsm.api.dispatch.<name>.

Thin: check the caller, parse the arguments, call `dispatch.services`.
"""

import frappe

from gigafibre_fsm.dispatch.services import board, day_planning

DISPATCH_ROLES = ("Dispatcher", "System Manager")


@frappe.whitelist(methods=["GET", "POST"])
def preview_day_plan(date: str, time_limit: float | None = None) -> dict:
	"""Plan a day without writing anything; returns routes, ETAs, unassigned jobs and a plan_id."""
	frappe.only_for(DISPATCH_ROLES)
	return day_planning.preview(date, float(time_limit) if time_limit else None)


@frappe.whitelist(methods=["POST"])
def apply_day_plan(plan_id: str) -> dict:
	"""Write a previewed plan, all of it or nothing."""
	frappe.only_for(DISPATCH_ROLES)
	return day_planning.apply(plan_id)


@frappe.whitelist(methods=["POST"])
def move_job(
	job: str,
	expected_modified: str | None = None,
	technician: str | None = None,
	scheduled_date: str | None = None,
	start_time: str | None = None,
) -> dict:
	"""Move a job on the board; a Conflict if someone moved it since `expected_modified`."""
	frappe.only_for(DISPATCH_ROLES)
	doc = board.move_job(
		job, expected_modified, technician=technician, scheduled_date=scheduled_date, start_time=start_time
	)
	return {
		"job": doc.name,
		"status": doc.status,
		"technician": doc.technician,
		"modified": str(doc.modified),
	}
