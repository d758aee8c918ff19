# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from gigafibre_fsm.services.core_errors import translated_errors


class NetworkSettings(Document):
	def validate(self):
		from gigafibre_fsm.network.services.settings import outage_policy

		with translated_errors():
			outage_policy(self)  # refuses windows, counts and fractions the correlator cannot use
