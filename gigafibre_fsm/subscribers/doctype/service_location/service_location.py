# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

from frappe import _
from frappe.model.document import Document

from gigafibre_fsm.geo import validate_coordinates
from gigafibre_fsm.services.core_errors import translated_errors
from gigafibre_fsm.services.links import require_existing_links
from gigafibre_fsm.subscribers import fibre_access


class ServiceLocation(Document):
	def validate(self):
		require_existing_links(self)
		with translated_errors():
			validate_coordinates(self.latitude, self.longitude)
			self.pon_port = fibre_access.normalise_pon_port(self.pon_port)
			fibre_access.validate_onu_id(self.onu_id)
			for fieldname in ("internet_vlan", "iptv_vlan", "voip_vlan", "management_vlan"):
				fibre_access.validate_vlan(_(self.meta.get_label(fieldname)), self.get(fieldname))
			self.static_ip = fibre_access.validate_ip_address(_("Static IP"), self.static_ip)
		if self.address:
			from frappe.contacts.doctype.address.address import get_address_display

			self.address_display = get_address_display(self.address)
		if not self.location_name:
			self.location_name = self.address or self.customer
