# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_datetime, get_system_timezone, getdate

from gigafibre_fsm.dispatch import job_rules, recurrence, work_schedule
from gigafibre_fsm.dispatch.services import job_completion
from gigafibre_fsm.dispatch.services.board import assignment_changed, publish_assignment_change
from gigafibre_fsm.permissions.services.scopes import is_only_field_technician
from gigafibre_fsm.services.core_errors import translated_errors
from gigafibre_fsm.services.links import require_existing_links
from gigafibre_fsm.subscribers.services.locations import customer_of_location

# What a technician on the phone may change on their own job; the rest is the dispatcher's.
TECHNICIAN_EDITABLE = frozenset({"status", "notes", "equipment", "materials"})


class DispatchJob(Document):
	def validate(self):
		require_existing_links(self)
		before = self.get_doc_before_save()
		self.refuse_dispatcher_changes_by_technician(before)
		with translated_errors():
			for fieldname in ("start_time", "window_start", "window_end"):
				value = _time_or_none(self.get(fieldname))
				self.set(fieldname, value.strftime("%H:%M") if value else None)
			self.status = job_rules.status_after_assignment(self.status, self.technician)
			job_rules.JOB_LIFECYCLE.check(before.status if before else None, self.status)
			job_rules.validate_team(self.technician, [row.technician for row in self.assistants])
			job_rules.validate_skill_levels([(row.tag, row.level) for row in self.required_tags])
			job_rules.validate_appointment(
				_time_or_none(self.window_start),
				_time_or_none(self.window_end),
				_time_or_none(self.start_time),
				self.duration_minutes,
			)
			self.validate_recurrence()
		self.validate_location_belongs_to_customer()

	def on_update(self):
		if assignment_changed(self):
			publish_assignment_change(self)
		if self.status == "Completed" and self.has_value_changed("status"):
			job_completion.on_job_completed(self)

	def validate_recurrence(self):
		if not self.recurrence_rule:
			return
		zone = work_schedule.get_zone(get_system_timezone())
		start = get_datetime(f"{self.scheduled_date or getdate()} {self.start_time or '08:00:00'}")
		self.recurrence_rule = recurrence.validate_rrule(self.recurrence_rule, start.replace(tzinfo=zone))
		for line in (self.recurrence_exceptions or "").splitlines():
			if line.strip():
				try:
					getdate(line.strip())
				except Exception:
					frappe.throw(
						_("Skipped date {0} is not a date (expected YYYY-MM-DD)").format(line.strip())
					)

	def validate_location_belongs_to_customer(self):
		if self.service_location:
			self.customer = customer_of_location(self.service_location, self.customer)

	def refuse_dispatcher_changes_by_technician(self, before):
		"""A technician updates the work on their job; moving or reassigning it is dispatch's call."""
		if not before or not is_only_field_technician(frappe.session.user):
			return
		for df in self.meta.fields:
			if df.fieldname in TECHNICIAN_EDITABLE or df.fieldtype in ("Section Break", "Column Break"):
				continue
			if df.fieldtype == "Table":
				changed = [r.as_dict(no_default_fields=True) for r in self.get(df.fieldname)] != [
					r.as_dict(no_default_fields=True) for r in before.get(df.fieldname)
				]
			else:
				changed = str(self.get(df.fieldname) or "") != str(before.get(df.fieldname) or "")
			if changed and not df.read_only:
				frappe.throw(
					_("Only a dispatcher can change {0} of a job").format(_(df.label)), frappe.PermissionError
				)


def _time_or_none(value):
	return work_schedule.parse_time(value) if value not in (None, "") else None
