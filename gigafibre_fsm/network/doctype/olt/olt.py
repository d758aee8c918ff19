# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from gigafibre_fsm.network.olt import AUTO, LAYOUTS


class OLT(Document):
	def validate(self):
		if self.layout not in LAYOUTS and self.layout != AUTO:
			frappe.throw(_("Unknown OLT model {0}").format(self.layout))
		if self.snmp_version == "v3" and not self.v3_user:
			frappe.throw(_("SNMPv3 needs a user"))
		if self.olt_name and "/" in self.olt_name:
			frappe.throw(_("An OLT name cannot contain a slash: ONU ids are olt/frame/slot/port:onu"))
