# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from gigafibre_fsm.errors import GigafibreError
from gigafibre_fsm.messaging.notifications import DEFAULT_TEMPLATES, check_template
from gigafibre_fsm.services.core_errors import translated_errors


class CustomerNotificationTemplate(Document):
	def validate(self):
		# a body that would not render (unknown placeholder, broken Jinja) is refused now, with
		# Jinja's complaint, rather than failing at 8:00 for every customer
		with translated_errors():
			check_template(self.body, self.language)
		# an edited default is the staff's: migrations never overwrite it
		self.is_default = int((self.body or "").strip() == DEFAULT_TEMPLATES.get((self.event, self.language)))

	def onload(self):
		try:  # shown on the form (customer_notification_template.js)
			self.set_onload("preview", check_template(self.body, self.language))
		except GigafibreError:
			pass  # a body saved before a placeholder was renamed: the form still opens
