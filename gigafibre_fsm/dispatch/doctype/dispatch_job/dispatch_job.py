# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

from datetime import datetime

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate

from gigafibre_fsm.dispatch import job_rules, recurrence, work_schedule
from gigafibre_fsm.dispatch.services import job_completion, recurring_jobs
from gigafibre_fsm.dispatch.services.board import assignment_changed, publish_assignment_change
from gigafibre_fsm.dispatch.services.settings import dispatch_zone
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
			self.validate_recurrence(before)
		self.validate_location_belongs_to_customer()
		if self.recurrence_rule and not self.recurring_series:
			# the first job of a new series: the series keeps the rule, this job is its first day
			recurring_jobs.start_series(self)
			self.flags.series_started = True

	def on_update(self):
		if assignment_changed(self):
			publish_assignment_change(self)
		if self.status == "Completed" and self.has_value_changed("status"):
			job_completion.on_job_completed(self)
		if self.flags.series_started:
			recurring_jobs.enqueue_generation(self.recurring_series)

	def on_trash(self):
		recurring_jobs.job_deleted(self)

	def validate_recurrence(self, before):
		if self.recurring_series:
			# a job of a series: its rule is the series'; "this and following" or "all" changes it
			changed = before and any(
				str(self.get(f) or "").strip() != str(before.get(f) or "").strip()
				for f in ("recurrence_rule", "recurrence_exceptions")
			)
			if changed and not frappe.flags.get("dispatch_series_sync"):
				frappe.throw(
					_(
						"The repeat rule and skipped dates belong to the series: change them for this "
						"and the following jobs, or for all jobs of the series"
					)
				)
			return
		if not self.recurrence_rule:
			return
		if not self.scheduled_date:
			frappe.throw(_("A repeating job needs the date of its first occurrence"))
		start = work_schedule.parse_time(self.start_time or self.window_start or "08:00")
		first = datetime.combine(getdate(self.scheduled_date), start, tzinfo=dispatch_zone())
		self.recurrence_rule = recurrence.validate_job_rule(self.recurrence_rule, first)
		self.recurrence_exceptions = recurrence.format_skipped_dates(
			recurrence.parse_skipped_dates(self.recurrence_exceptions)
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
