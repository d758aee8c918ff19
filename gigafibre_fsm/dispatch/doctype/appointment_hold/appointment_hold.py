# Holds are written only by dispatch/services/appointment_slots.py, under a lock on the technician.
from frappe.model.document import Document


class AppointmentHold(Document):
	pass
