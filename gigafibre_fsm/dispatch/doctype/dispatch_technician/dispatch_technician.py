# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from gigafibre_fsm.dispatch import work_schedule
from gigafibre_fsm.dispatch.job_rules import validate_skill_levels
from gigafibre_fsm.geo import validate_coordinates
from gigafibre_fsm.services.core_errors import translated_errors


class DispatchTechnician(Document):
	def validate(self):
		with translated_errors():
			validate_coordinates(self.home_latitude, self.home_longitude)
			work_schedule.get_zone(self.time_zone or work_schedule.DEFAULT_TZ)
			validate_skill_levels([(row.tag, row.level) for row in self.skills])
			work_schedule.weekly_shifts_from_rows(
				{"weekday": row.weekday, "start": row.start_time, "end": row.end_time}
				for row in self.weekly_schedule
			)
			work_schedule.validate_extra_shifts(
				[
					work_schedule.ExtraShift(
						row.shift_date,
						work_schedule.parse_time(row.start_time),
						work_schedule.parse_time(row.end_time),
					)
					for row in self.extra_shifts
				]
			)
