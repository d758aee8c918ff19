# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

import frappe

from gigafibre_fsm.tests import ERPNEXT_RECORDS, IntegrationTestCase
from gigafibre_fsm.tests.factories import make_location, make_technician, make_user

IGNORE_TEST_RECORD_DEPENDENCIES = ERPNEXT_RECORDS  # Frappe v16
test_ignore = IGNORE_TEST_RECORD_DEPENDENCIES  # Frappe v15's name


def make_job(**values):
	return frappe.get_doc(
		{
			"doctype": "Dispatch Job",
			"subject": "Install ONT",
			"scheduled_date": "2026-12-07",
			"duration_minutes": 90,
			**values,
		}
	).insert(ignore_permissions=True)


class TestDispatchJob(IntegrationTestCase):
	def test_assigning_a_technician_assigns_the_job(self):
		job = make_job(technician=make_technician("_Test Tech Assign"))
		self.assertEqual(job.status, "Assigned")
		job.technician = None
		job.save(ignore_permissions=True)
		self.assertEqual(job.status, "Open")

	def test_status_flow(self):
		job = make_job(technician=make_technician("_Test Tech Flow"))
		for status in ("En Route", "In Progress", "Completed"):
			job.status = status
			job.save(ignore_permissions=True)
		job.status = "Open"
		with self.assertRaises(frappe.ValidationError):
			job.save(ignore_permissions=True)
		self.assertEqual(frappe.db.get_value("Dispatch Job", job.name, "status"), "Completed")

	def test_customer_comes_from_the_location(self):
		location = make_location()
		job = make_job(service_location=location.name)
		self.assertEqual(job.customer, location.customer)
		self.assertEqual((job.latitude, job.longitude), (location.latitude, location.longitude))

	def test_invalid_rrule_is_refused(self):
		with self.assertRaises(frappe.ValidationError):
			make_job(recurrence_rule="FREQ=FORTNIGHTLY;COUNT=3")
		job = make_job(recurrence_rule="RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=4", start_time="09:00:00")
		self.assertIn("FREQ=WEEKLY", job.recurrence_rule)

	def test_bad_window_and_bad_team_are_refused(self):
		with self.assertRaises(frappe.ValidationError):
			make_job(window_start="12:00:00", window_end="08:00:00")
		tech = make_technician("_Test Tech Team")
		with self.assertRaises(frappe.ValidationError):
			make_job(technician=tech, assistants=[{"technician": tech}])
		with self.assertRaises(frappe.ValidationError):
			make_job(required_tags=[{"tag": "IPTV", "level": 9}])


class TestFieldTechnicianSeesOnlyTheirJobs(IntegrationTestCase):
	def setUp(self):
		self.alice_user = make_user("alice.tech@example.com", "Field Technician")
		self.alice = make_technician("_Test Alice", user=self.alice_user)
		self.bob = make_technician("_Test Bob", user=make_user("bob.tech@example.com", "Field Technician"))
		self.alices_job = make_job(technician=self.alice)
		self.assisting = make_job(technician=self.bob, assistants=[{"technician": self.alice}])
		self.bobs_job = make_job(technician=self.bob)

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_list_shows_only_their_jobs(self):
		frappe.set_user(self.alice_user)
		visible = set(frappe.get_list("Dispatch Job", pluck="name"))
		self.assertIn(self.alices_job.name, visible)
		self.assertIn(self.assisting.name, visible)
		self.assertNotIn(self.bobs_job.name, visible)

	def test_cannot_open_or_change_anothers_job(self):
		frappe.set_user(self.alice_user)
		self.assertFalse(frappe.has_permission("Dispatch Job", "read", self.bobs_job.name))
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc("Dispatch Job", self.bobs_job.name).check_permission("write")

	def test_can_update_their_job_but_not_reassign_it(self):
		frappe.set_user(self.alice_user)
		job = frappe.get_doc("Dispatch Job", self.alices_job.name)
		job.status = "En Route"
		job.save()
		job.technician = self.bob
		with self.assertRaises(frappe.PermissionError):
			job.save()
