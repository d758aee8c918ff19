# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import now_datetime

from gigafibre_fsm.services.core_errors import translated_errors
from gigafibre_fsm.services.links import require_existing_links
from gigafibre_fsm.subscribers.equipment_identity import normalise_mac, normalise_serial
from gigafibre_fsm.subscribers.fibre_access import validate_ip_address


class ServiceEquipment(Document):
	def validate(self):
		require_existing_links(self)
		with translated_errors():
			self.serial_number = normalise_serial(self.serial_number)
			self.mac_address = normalise_mac(self.mac_address)
			self.management_ip = validate_ip_address(_("Management IP"), self.management_ip)
		self.refuse_duplicates()
		self.record_move()

	def refuse_duplicates(self):
		# The unique index would refuse these too, but with a database error in English.
		for fieldname in ("serial_number", "mac_address"):
			value = self.get(fieldname)
			other = value and frappe.db.exists(
				"Service Equipment", {fieldname: value, "name": ("!=", self.name or "")}
			)
			if other:
				frappe.throw(
					_("{0} {1} is already recorded on {2}").format(
						_(self.meta.get_label(fieldname)), value, frappe.bold(other)
					),
					frappe.DuplicateEntryError,
				)

	def record_move(self):
		"""Append a history row when the equipment changes place or status."""
		before = self.get_doc_before_save()
		old_location = before.service_location if before else None
		old_status = before.status if before else None
		if before and old_location == self.service_location and old_status == self.status:
			return
		self.append(
			"moves",
			{
				"moved_on": now_datetime(),
				"from_location": old_location,
				"to_location": self.service_location,
				"from_status": old_status,
				"to_status": self.status,
				"moved_by": frappe.session.user,
				"dispatch_job": self.flags.dispatch_job,
			},
		)
