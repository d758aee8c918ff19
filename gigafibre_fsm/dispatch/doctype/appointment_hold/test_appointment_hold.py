# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

import frappe
from frappe.utils import add_to_date, now_datetime, nowdate

from gigafibre_fsm.dispatch.services import appointment_slots
from gigafibre_fsm.tests import ERPNEXT_RECORDS, IntegrationTestCase
from gigafibre_fsm.tests.factories import make_technician

IGNORE_TEST_RECORD_DEPENDENCIES = ERPNEXT_RECORDS  # Frappe v16
test_ignore = IGNORE_TEST_RECORD_DEPENDENCIES  # Frappe v15's name


def hold(status: str, minutes_left: int) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Appointment Hold",
				"status": status,
				"slot_date": nowdate(),
				"technician": make_technician("_Test Hold Sweep"),
				"starts_at": now_datetime(),
				"ends_at": add_to_date(now_datetime(), hours=1),
				"expires_at": add_to_date(now_datetime(), minutes=minutes_left),
				"token_hash": frappe.generate_hash(length=64),
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


class TestAppointmentHold(IntegrationTestCase):
	def test_the_sweep_expires_only_running_holds_past_their_time(self):
		lapsed, running = hold("Active", -1), hold("Active", 10)
		booked, released = hold("Booked", -1), hold("Released", -1)
		appointment_slots.expire_lapsed_holds()
		status = {
			n: frappe.db.get_value("Appointment Hold", n, "status")
			for n in (lapsed, running, booked, released)
		}
		self.assertEqual(
			status, {lapsed: "Expired", running: "Active", booked: "Booked", released: "Released"}
		)

	def test_nobody_creates_a_hold_from_the_desk(self):
		# holds are written by the service under a lock on the technician, never by hand
		for role in ("Dispatcher", "System Manager"):
			perms = [p for p in frappe.get_meta("Appointment Hold").permissions if p.role == role]
			self.assertTrue(perms and not any(p.create for p in perms), role)
