# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CustomerNotification(Document):
	"""Written by messaging/services/notifications.py only; read-only in the desk."""
