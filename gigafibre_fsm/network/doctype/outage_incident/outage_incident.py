# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

from frappe.model.document import Document
from frappe.utils import now_datetime

from gigafibre_fsm.services.links import require_existing_links


class OutageIncident(Document):
	def validate(self):
		require_existing_links(self)
		self.affected_onu_count = max(
			self.affected_onu_count or 0, len({r.onu for r in self.affected_locations if r.onu})
		)
		if not self.title:
			self.title = f"{self.scope}: {self.node or self.olt or ''}".strip()
		if self.status == "Resolved" and not self.resolved_at:
			self.resolved_at = now_datetime()

	def on_update(self):
		from gigafibre_fsm.network.services.outages import publish_incident

		publish_incident(self)
