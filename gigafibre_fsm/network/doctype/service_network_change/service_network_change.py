# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class ServiceNetworkChange(Document):
	"""Written by `subscribers/services/network_changes.py` (when a Service Subscription is
	suspended or reactivated) and by its background job; read by the NOC, never edited."""
