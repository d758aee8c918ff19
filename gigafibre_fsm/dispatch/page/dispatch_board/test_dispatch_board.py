# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""The Dispatch Board's data: the day's technicians and jobs, for dispatchers only."""

import frappe

from gigafibre_fsm.dispatch.page.dispatch_board import dispatch_board
from gigafibre_fsm.tests import ERPNEXT_RECORDS, IntegrationTestCase
from gigafibre_fsm.tests.factories import coming_weekday, make_technician, make_user

DAY = coming_weekday(2)  # a Wednesday


class TestDispatchBoard(IntegrationTestCase):
	def setUp(self):
		frappe.db.delete("Dispatch Job", {"scheduled_date": DAY})
		self.alice = make_technician("_Test Board Alice")
		self.retired = make_technician("_Test Board Retired")
		frappe.db.set_value("Dispatch Technician", self.alice, "active", 1)
		self.jobs = [
			frappe.get_doc(
				{
					"doctype": "Dispatch Job",
					"subject": subject,
					"scheduled_date": DAY,
					"start_time": start,
					"duration_minutes": 60,
					"technician": technician,
				}
			).insert(ignore_permissions=True)
			for subject, start, technician in (
				("Board install", "09:00", self.alice),
				("Board open job", "13:00", None),
				("Board job of a retired technician", "10:00", self.retired),
			)
		]
		frappe.db.set_value("Dispatch Technician", self.retired, "active", 0)

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_a_dispatcher_gets_the_days_jobs_and_technicians(self):
		frappe.set_user(make_user("board.dispatcher@example.com", "Dispatcher"))
		board = dispatch_board.get_board(DAY)
		jobs = {j.subject: j for j in board["jobs"]}
		self.assertEqual(set(jobs), {"Board install", "Board open job", "Board job of a retired technician"})
		self.assertEqual(jobs["Board install"].technician, self.alice)
		self.assertIsNone(jobs["Board open job"].technician)
		self.assertTrue(jobs["Board install"].modified)  # the version a move sends back
		rows = {t.name for t in board["technicians"]}
		# an inactive technician keeps a row while they still have a job that day
		self.assertTrue({self.alice, self.retired} <= rows)

	def test_a_cancelled_job_leaves_the_board(self):
		self.jobs[1].status = "Cancelled"
		self.jobs[1].save()
		board = dispatch_board.get_board(DAY)
		self.assertNotIn("Board open job", {j.subject for j in board["jobs"]})

	def test_a_technician_cannot_read_the_board(self):
		frappe.set_user(make_user("board.tech@example.com", "Field Technician"))
		with self.assertRaises(frappe.PermissionError):
			dispatch_board.get_board(DAY)
