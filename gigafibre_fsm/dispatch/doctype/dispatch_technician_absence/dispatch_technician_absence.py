# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

from frappe.model.document import Document
from frappe.utils import get_datetime

from gigafibre_fsm.dispatch import work_schedule
from gigafibre_fsm.dispatch.services.settings import dispatch_zone
from gigafibre_fsm.services.core_errors import translated_errors
from gigafibre_fsm.services.links import require_existing_links


class DispatchTechnicianAbsence(Document):
	def validate(self):
		require_existing_links(self)
		# The times are wall-clock times in the dispatch time zone, as the planner reads them.
		zone = dispatch_zone()
		with translated_errors():
			work_schedule.validate_absence(
				work_schedule.Absence(
					get_datetime(self.from_datetime).replace(tzinfo=zone),
					get_datetime(self.to_datetime).replace(tzinfo=zone),
					self.reason or "",
				)
			)
