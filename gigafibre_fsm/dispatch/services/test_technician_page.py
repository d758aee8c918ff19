# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""The technician's phone page: own jobs only, moved forward along the lifecycle, nobody else's."""

import frappe
from frappe.utils import add_days, nowdate

from gigafibre_fsm.api import dispatch as api
from gigafibre_fsm.tests import ERPNEXT_RECORDS, IntegrationTestCase
from gigafibre_fsm.tests.factories import make_customer, make_location, make_technician, make_user
from gigafibre_fsm.www import technician as technician_page


def make_job(subject, technician, day=None, **values):
	return frappe.get_doc(
		{
			"doctype": "Dispatch Job",
			"subject": subject,
			"scheduled_date": day or nowdate(),
			"start_time": "10:00",
			"duration_minutes": 60,
			"technician": technician,
			**values,
		}
	).insert(ignore_permissions=True)


class TestTechnicianPage(IntegrationTestCase):
	def setUp(self):
		self.alice_user = make_user("tech.alice@example.com", "Field Technician")
		self.bob_user = make_user("tech.bob@example.com", "Field Technician")
		self.alice = make_technician("_Test Phone Alice", user=self.alice_user)
		self.bob = make_technician("_Test Phone Bob", user=self.bob_user)
		# the test case rolls back once per class, so each test starts from no jobs of theirs
		frappe.db.delete("Dispatch Job", {"technician": ("in", [self.alice, self.bob])})
		self.alice_job = make_job("Alice installs a drop", self.alice)
		self.bob_job = make_job("Bob repairs a splice", self.bob, start_time="08:30")

	def tearDown(self):
		frappe.set_user("Administrator")

	def status(self, job):
		return frappe.db.get_value("Dispatch Job", job.name, "status")

	def test_a_technician_moves_their_own_job_forward(self):
		frappe.set_user(self.alice_user)
		for status in ("En Route", "In Progress", "Completed"):
			result = api.set_my_job_status(self.alice_job.name, status)
			self.assertEqual(result["status"], status)
			self.assertEqual(self.status(self.alice_job), status)

	def test_an_assistant_may_move_the_job_too(self):
		job = make_job("Two-person install", self.bob, assistants=[{"technician": self.alice}])
		frappe.set_user(self.alice_user)
		api.set_my_job_status(job.name, "En Route")
		self.assertEqual(self.status(job), "En Route")

	def test_another_technicians_job_is_refused(self):
		frappe.set_user(self.alice_user)
		with self.assertRaises(frappe.PermissionError):
			api.set_my_job_status(self.bob_job.name, "En Route")
		self.assertEqual(self.status(self.bob_job), "Assigned")

	def test_a_dispatcher_cannot_move_a_job_that_is_not_theirs_from_the_phone(self):
		frappe.set_user(make_user("phone.dispatcher@example.com", "Dispatcher"))
		with self.assertRaises(frappe.PermissionError):
			api.set_my_job_status(self.bob_job.name, "En Route")

	def test_an_illegal_jump_is_refused(self):
		frappe.set_user(self.alice_user)
		with self.assertRaises(frappe.ValidationError):
			api.set_my_job_status(self.alice_job.name, "Completed")  # Assigned → Completed
		self.assertEqual(self.status(self.alice_job), "Assigned")
		with self.assertRaises(frappe.ValidationError):
			api.set_my_job_status(self.alice_job.name, "Cancelled")  # dispatch's call, not theirs
		self.assertEqual(self.status(self.alice_job), "Assigned")

	def test_a_user_without_the_role_is_refused(self):
		frappe.set_user(make_user("phone.nobody@example.com"))
		with self.assertRaises(frappe.PermissionError):
			api.set_my_job_status(self.alice_job.name, "En Route")

	def test_the_page_lists_only_their_jobs_of_today_and_tomorrow_in_time_order(self):
		early = make_job("Alice early visit", self.alice, start_time="08:00")
		tomorrow = make_job("Alice tomorrow", self.alice, day=add_days(nowdate(), 1))
		later = make_job("Alice next week", self.alice, day=add_days(nowdate(), 7))
		assisting = make_job(
			"Alice assists Bob", self.bob, start_time="13:00", assistants=[{"technician": self.alice}]
		)
		frappe.set_user(self.alice_user)
		context = technician_page.get_context(frappe._dict())
		(_, _, today_jobs), (_, _, tomorrow_jobs) = context.days
		self.assertEqual([j.name for j in today_jobs], [early.name, self.alice_job.name, assisting.name])
		self.assertEqual([j.name for j in tomorrow_jobs], [tomorrow.name])
		self.assertTrue(today_jobs[2].assisting)
		self.assertEqual(today_jobs[0].next_status, "En Route")
		shown = {j.name for j in today_jobs + tomorrow_jobs}
		self.assertNotIn(self.bob_job.name, shown)
		self.assertNotIn(later.name, shown)

	def test_the_page_shows_the_address_the_map_position_and_the_customers_phone(self):
		customer = make_customer("_Test Phone Customer")
		frappe.db.set_value("Customer", customer, "mobile_no", "+1 514 555 0199")
		location = make_location(customer, address_display="123 rue Saint-Denis\nMontréal QC")
		job = make_job(
			"Alice at a customer", self.alice, start_time="15:00", customer=customer,
			service_location=location.name, latitude=45.51, longitude=-73.56,
		)  # fmt: skip
		frappe.set_user(self.alice_user)
		(_, _, today_jobs), _ = technician_page.get_context(frappe._dict()).days
		shown = next(j for j in today_jobs if j.name == job.name)
		self.assertEqual(shown.address, "123 rue Saint-Denis, Montréal QC")
		self.assertEqual(shown.phone, "+1 514 555 0199")
		self.assertEqual((shown.latitude, shown.longitude), (45.51, -73.56))

	def test_the_page_is_refused_to_a_user_without_the_role(self):
		frappe.set_user(make_user("phone.customer@example.com"))
		with self.assertRaises(frappe.PermissionError):
			technician_page.get_context(frappe._dict())
