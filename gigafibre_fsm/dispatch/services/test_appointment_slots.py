# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""Appointments a customer books and moves, on a real site: offer, hold, race, book, move, cancel."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import frappe
from frappe.utils import add_to_date, now_datetime

from gigafibre_fsm.api import dispatch as api
from gigafibre_fsm.dispatch.services import appointment_slots
from gigafibre_fsm.tests import IntegrationTestCase
from gigafibre_fsm.tests.factories import make_customer, make_location, make_technician, make_user

CUSTOMER_USER = "_test_rebook_a@example.com"
OTHER_USER = "_test_rebook_b@example.com"


def next_monday(weeks_ahead: int = 2) -> date:
	today = date.today()
	return today + timedelta(days=(7 - today.weekday()) % 7 + 7 * weeks_ahead)


class TestAppointmentSlots(IntegrationTestCase):
	def setUp(self):
		self.day = next_monday()
		frappe.db.delete("Appointment Hold")
		frappe.db.delete(
			"Dispatch Job", {"scheduled_date": ("between", [self.day, self.day + timedelta(days=6)])}
		)
		for name in frappe.get_all("Dispatch Technician", pluck="name"):
			frappe.db.set_value("Dispatch Technician", name, "active", 0)
		self.tech = make_technician("_Test Slots Installer", skills=[{"tag": "ONT Installation", "level": 2}])
		frappe.db.set_value("Dispatch Technician", self.tech, "active", 1)
		settings = frappe.get_single("Dispatch Settings")
		settings.update(
			{
				"time_zone": "America/Toronto",
				"arrival_windows": "08:00-10:00\n10:00-12:00\n13:00-15:00",
				"hold_minutes": 15,
				"booking_notice_hours": 24,
				"booking_horizon_days": 14,
				"reschedule_notice_hours": 24,
			}
		)
		settings.save()
		self.customer = make_customer("_Test Rebook Customer A")
		self.other = make_customer("_Test Rebook Customer B")
		for user, customer in ((CUSTOMER_USER, self.customer), (OTHER_USER, self.other)):
			make_user(user, "Customer", user_type="Website User")
			doc = frappe.get_doc("Customer", customer)
			if user not in [p.user for p in doc.get("portal_users", [])]:
				doc.append("portal_users", {"user": user})
				doc.save(ignore_permissions=True)
		self.location = make_location(self.customer, location_name="Rebook A")
		self.job = frappe.get_doc(
			{
				"doctype": "Dispatch Job",
				"subject": "Installation",
				"status": "Assigned",
				"customer": self.customer,
				"service_location": self.location.name,
				"latitude": self.location.latitude,
				"longitude": self.location.longitude,
				"scheduled_date": self.day,
				"start_time": "08:00",
				"duration_minutes": 120,
				"technician": self.tech,
				"required_tags": [{"tag": "ONT Installation", "level": 1, "required": 1}],
			}
		).insert(ignore_permissions=True)

	def tearDown(self):
		frappe.set_user("Administrator")

	def offered(self):
		return api.appointment_slots_for_job(self.job.name, str(self.day))

	def test_the_customer_is_offered_windows_never_technicians(self):
		frappe.set_user(CUSTOMER_USER)
		slots = self.offered()
		self.assertTrue(slots)
		self.assertEqual(slots[0]["slot"], f"{self.day}T08:00-10:00")  # its own time does not block it
		self.assertFalse(any("technician" in s for s in slots))

	def test_another_customer_cannot_see_or_move_the_appointment(self):
		frappe.set_user(OTHER_USER)
		with self.assertRaises(frappe.PermissionError):
			self.offered()
		with self.assertRaises(frappe.PermissionError):
			api.hold_appointment_slot(self.job.name, f"{self.day}T10:00-12:00")
		with self.assertRaises(frappe.PermissionError):
			api.cancel_appointment(self.job.name)

	def test_hold_then_reschedule_moves_the_job_and_books_the_hold(self):
		frappe.set_user(CUSTOMER_USER)
		held = api.hold_appointment_slot(self.job.name, f"{self.day}T13:00-15:00")
		moved = api.reschedule_appointment(self.job.name, held["hold"], held["token"])
		frappe.set_user("Administrator")
		job = frappe.get_doc("Dispatch Job", self.job.name)
		self.assertEqual((job.start_time, job.window_start, job.window_end), ("13:00", "13:00", "15:00"))
		self.assertEqual(moved["window_start"], "13:00")
		self.assertEqual(frappe.db.get_value("Appointment Hold", held["hold"], "status"), "Booked")
		# the hold is spent: its token books nothing a second time
		frappe.set_user(CUSTOMER_USER)
		with self.assertRaises(frappe.PermissionError):
			api.reschedule_appointment(self.job.name, held["hold"], held["token"])

	def test_a_wrong_token_moves_nothing(self):
		frappe.set_user(CUSTOMER_USER)
		held = api.hold_appointment_slot(self.job.name, f"{self.day}T13:00-15:00")
		with self.assertRaises(frappe.PermissionError):
			api.reschedule_appointment(self.job.name, held["hold"], "not-the-token")
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Dispatch Job", self.job.name, "start_time"), "08:00")

	def test_a_held_slot_is_not_offered_to_the_next_customer(self):
		other_location = make_location(self.other, location_name="Rebook B")
		other_job = frappe.get_doc(
			{
				"doctype": "Dispatch Job",
				"subject": "Repair",
				"status": "Open",
				"customer": self.other,
				"service_location": other_location.name,
				"latitude": other_location.latitude,
				"longitude": other_location.longitude,
				"duration_minutes": 120,
			}
		).insert(ignore_permissions=True)
		frappe.set_user(CUSTOMER_USER)
		slot = f"{self.day}T13:00-15:00"
		api.hold_appointment_slot(self.job.name, slot)
		frappe.set_user(OTHER_USER)
		offered = [s["slot"] for s in api.appointment_slots_for_job(other_job.name, str(self.day))]
		self.assertNotIn(slot, offered)  # one technician, and A holds them then
		with self.assertRaises(frappe.ValidationError) as refused:
			api.hold_appointment_slot(other_job.name, slot)
		self.assertIn("just taken", str(refused.exception))
		self.assertEqual(frappe.db.count("Appointment Hold", {"reschedules_job": other_job.name}), 0)

	def test_an_expired_hold_blocks_no_one_and_is_swept(self):
		frappe.set_user(CUSTOMER_USER)
		slot = f"{self.day}T13:00-15:00"
		held = api.hold_appointment_slot(self.job.name, slot)
		frappe.set_user("Administrator")
		frappe.db.set_value(
			"Appointment Hold", held["hold"], "expires_at", add_to_date(now_datetime(), minutes=-1)
		)
		self.assertIn(slot, [s["slot"] for s in api.appointment_slots_for_job(self.job.name, str(self.day))])
		self.assertEqual(appointment_slots.expire_lapsed_holds(), 1)
		self.assertEqual(frappe.db.get_value("Appointment Hold", held["hold"], "status"), "Expired")

	def test_a_slot_not_offered_is_refused(self):
		frappe.set_user(CUSTOMER_USER)
		for slot in (f"{self.day}T09:00-11:00", "yesterdayT08:00-10:00", f"{date.today()}T08:00-10:00"):
			with self.assertRaises(frappe.ValidationError):
				api.hold_appointment_slot(self.job.name, slot)

	def test_the_customer_cancels_in_time_but_not_the_day_before(self):
		frappe.set_user(CUSTOMER_USER)
		self.assertEqual(api.cancel_appointment(self.job.name)["status"], "Cancelled")
		frappe.set_user("Administrator")
		in_two_hours = datetime.now(ZoneInfo("America/Toronto")) + timedelta(hours=2)
		soon = frappe.get_doc(
			{
				"doctype": "Dispatch Job",
				"subject": "In two hours",
				"status": "Assigned",
				"technician": self.tech,
				"customer": self.customer,
				"scheduled_date": in_two_hours.date(),
				"start_time": f"{in_two_hours:%H:%M}",
				"duration_minutes": 60,
			}
		).insert(ignore_permissions=True)
		frappe.set_user(CUSTOMER_USER)
		with self.assertRaises(frappe.ValidationError):
			api.cancel_appointment(soon.name)
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Dispatch Job", soon.name, "status"), "Assigned")

	def test_a_dispatcher_books_a_new_job_from_a_hold(self):
		held = appointment_slots.hold(
			f"{self.day}T10:00-12:00",
			[{"tag": "ONT Installation", "level": 1}],
			90,
			(self.location.latitude, self.location.longitude),
			self.customer,
			self.location.name,
			"Installation",
			staff=True,
		)
		hold_doc = appointment_slots.held(held["hold"], held["token"])
		job = frappe.get_doc("Dispatch Job", appointment_slots.book_new_job(hold_doc, "New installation"))
		self.assertEqual((job.status, job.technician, job.window_start), ("Assigned", self.tech, "10:00"))
		self.assertEqual([t.tag for t in job.required_tags], ["ONT Installation"])
