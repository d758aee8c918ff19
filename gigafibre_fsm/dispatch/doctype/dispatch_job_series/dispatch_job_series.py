# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from gigafibre_fsm.dispatch import job_rules, recurrence, work_schedule
from gigafibre_fsm.dispatch.services import recurring_jobs
from gigafibre_fsm.services.core_errors import translated_errors
from gigafibre_fsm.services.links import require_existing_links


class DispatchJobSeries(Document):
	def validate(self):
		require_existing_links(self)
		with translated_errors():
			for fieldname in ("start_time", "window_start", "window_end"):
				value = self.get(fieldname)
				self.set(fieldname, work_schedule.parse_time(value).strftime("%H:%M") if value else None)
			job_rules.validate_skill_levels([(row.tag, row.level) for row in self.required_tags])
		series = recurring_jobs.core_series(self)
		self.recurrence_rule = series.rule
		self.recurrence_exceptions = recurrence.format_skipped_dates(series.exdates)

	def after_insert(self):
		if not self.flags.from_job and not self.flags.from_edit:
			recurring_jobs.enqueue_generation(self.name)

	def on_update(self):
		if not self.flags.from_job and not self.flags.from_edit:
			recurring_jobs.series_changed(self)
