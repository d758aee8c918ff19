# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""The last free technician goes to one customer only: holds raced through a real gunicorn.

Eight requests ask at the same instant, from eight threads, through four gunicorn workers, to
hold the same arrival window for eight different appointments, while two technicians can take
it: exactly two holds must be written, on two different technicians, and the six others refused
with "just taken". gunicorn commits in its own transactions, so the test commits what it
builds and deletes it afterwards.
"""

import json
import threading
from datetime import date, timedelta
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import frappe

from gigafibre_fsm.tests import IntegrationTestCase
from gigafibre_fsm.tests.factories import make_customer, make_technician, make_user
from gigafibre_fsm.tests.gunicorn import Gunicorn

PATH = "/api/method/gigafibre_fsm.api.dispatch.hold_appointment_slot"
THREADS = 8
DISPATCHER = "_test_hold_race_dispatcher@example.com"


def far_monday() -> date:
	today = date.today()
	return today + timedelta(days=(7 - today.weekday()) % 7 + 21)


class TestHoldRace(IntegrationTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.site = frappe.local.site
		cls.day = far_monday()
		cls.previous_active = frappe.get_all("Dispatch Technician", filters={"active": 1}, pluck="name")
		for name in cls.previous_active:
			frappe.db.set_value("Dispatch Technician", name, "active", 0)
		cls.technicians = [
			make_technician(f"_Test Hold Race {i}", skills=[{"tag": "ONT Installation", "level": 2}])
			for i in (1, 2)
		]
		for name in cls.technicians:
			frappe.db.set_value("Dispatch Technician", name, "active", 1)
		customer = make_customer("_Test Hold Race Customer")
		cls.jobs = [
			frappe.get_doc(
				{
					"doctype": "Dispatch Job",
					"subject": f"Race {i}",
					"status": "Open",
					"customer": customer,
					"latitude": 45.55,
					"longitude": -73.6,
					"duration_minutes": 120,  # one per technician in a two-hour window
				}
			)
			.insert(ignore_permissions=True)
			.name
			for i in range(THREADS)
		]
		make_user(DISPATCHER, "Dispatcher")
		user = frappe.get_doc("User", DISPATCHER)
		cls.api_key = user.api_key or frappe.generate_hash(length=15)
		cls.api_secret = frappe.generate_hash(length=15)
		user.api_key, user.api_secret = cls.api_key, cls.api_secret
		user.save(ignore_permissions=True)
		settings = frappe.get_single("Dispatch Settings")
		cls.saved_windows = settings.arrival_windows
		settings.arrival_windows = "08:00-10:00\n13:00-15:00"
		settings.save(ignore_permissions=True)
		frappe.db.commit()  # nosemgrep: gunicorn's workers read them in their own transactions
		cls.server = None
		try:
			cls.server = Gunicorn().start(cls.site)
		except BaseException:
			cls._clean()
			raise

	@classmethod
	def _clean(cls):
		frappe.db.delete("Appointment Hold", {"reschedules_job": ("in", cls.jobs)})
		frappe.db.delete("Dispatch Job", {"name": ("in", cls.jobs)})
		for name in cls.technicians:
			frappe.db.set_value("Dispatch Technician", name, "active", 0)
		for name in cls.previous_active:
			frappe.db.set_value("Dispatch Technician", name, "active", 1)
		frappe.db.set_single_value("Dispatch Settings", "arrival_windows", cls.saved_windows)
		frappe.db.commit()  # nosemgrep

	@classmethod
	def tearDownClass(cls):
		try:
			if cls.server:
				cls.server.stop()
		finally:
			cls._clean()
			super().tearDownClass()

	def post(self, job: str, slot: str) -> tuple[int, dict]:
		request = Request(
			self.server.base_url + PATH,
			data=urlencode({"job": job, "slot": slot}).encode(),
			headers={
				"Authorization": f"token {self.api_key}:{self.api_secret}",
				"Host": self.site,
				"X-Frappe-Site-Name": self.site,
				"Content-Type": "application/x-www-form-urlencoded",
				"Accept": "application/json",
			},
			method="POST",
		)
		try:
			with urlopen(request, timeout=120) as response:
				return response.status, json.loads(response.read() or b"{}")
		except HTTPError as e:
			return e.code, json.loads(e.read() or b"{}")

	def test_two_technicians_two_holds_whatever_the_number_asking(self):
		slot = f"{self.day}T08:00-10:00"
		barrier = threading.Barrier(THREADS)
		answers: list[tuple[int, dict]] = []
		lock = threading.Lock()

		def ask(job):
			barrier.wait()
			answer = self.post(job, slot)
			with lock:
				answers.append(answer)

		threads = [threading.Thread(target=ask, args=(job,)) for job in self.jobs]
		for t in threads:
			t.start()
		for t in threads:
			t.join()
		held = [body for status, body in answers if status == 200]
		refused = [body for status, body in answers if status != 200]
		self.assertEqual(len(held), 2, answers)
		self.assertEqual(len(refused), THREADS - 2)
		for body in refused:
			self.assertIn("just taken", json.dumps(body))
		frappe.db.rollback()  # see the workers' commits
		rows = frappe.get_all(
			"Appointment Hold",
			filters={"reschedules_job": ("in", self.jobs), "status": "Active"},
			pluck="technician",
		)
		self.assertEqual(sorted(rows), sorted(self.technicians))
