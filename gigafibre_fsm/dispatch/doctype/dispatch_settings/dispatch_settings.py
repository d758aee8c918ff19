# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from gigafibre_fsm.dispatch import work_schedule
from gigafibre_fsm.errors import InvalidInput
from gigafibre_fsm.errors import _ as mark
from gigafibre_fsm.services.core_errors import translated_errors


class DispatchSettings(Document):
	def validate(self):
		with translated_errors():
			work_schedule.get_zone(self.time_zone or work_schedule.DEFAULT_TZ)
			times = {}
			for fieldname in ("lunch_earliest", "lunch_latest"):
				value = self.get(fieldname)
				times[fieldname] = work_schedule.parse_time(value) if value else None
				self.set(fieldname, times[fieldname].strftime("%H:%M") if value else None)
			if (
				times["lunch_earliest"]
				and times["lunch_latest"]
				and times["lunch_latest"] <= times["lunch_earliest"]
			):
				raise InvalidInput(mark("The lunch break window ends before it starts"))
			if (self.road_factor or 1.3) < 1 or (self.urban_speed_kmh or 40) <= 0:
				raise InvalidInput(mark("The road factor must be at least 1 and the speed positive"))
		if self.planning_time_limit is not None and self.planning_time_limit < 0:
			self.planning_time_limit = 0
