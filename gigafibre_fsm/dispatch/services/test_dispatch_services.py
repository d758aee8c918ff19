# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""The dispatch shell end to end on a real site: plan a day, move a job, rank, iCal."""

from unittest.mock import patch

import frappe
from icalendar import Calendar

from gigafibre_fsm.api import dispatch as api
from gigafibre_fsm.dispatch.services import board, calendars, day_planning
from gigafibre_fsm.tests import IntegrationTestCase
from gigafibre_fsm.tests.factories import coming_weekday, make_technician

DAY = coming_weekday(0)  # a Monday


def make_job(subject, lat, lon, **values):
	return frappe.get_doc(
		{
			"doctype": "Dispatch Job",
			"subject": subject,
			"scheduled_date": DAY,
			"duration_minutes": 60,
			"latitude": lat,
			"longitude": lon,
			**values,
		}
	).insert(ignore_permissions=True)


class DispatchDay(IntegrationTestCase):
	def setUp(self):
		frappe.db.delete("Dispatch Job", {"scheduled_date": DAY})
		for name in frappe.get_all("Dispatch Technician", pluck="name"):
			frappe.db.set_value("Dispatch Technician", name, "active", 0)
		self.splicer = make_technician(
			"_Test Planner Splicer", skills=[{"tag": "Fibre Splicing", "level": 3}], active=1
		)
		self.installer = make_technician(
			"_Test Planner Installer",
			skills=[{"tag": "ONT Installation", "level": 2}],
			home_latitude=45.52,
			home_longitude=-73.58,
			active=1,
		)
		for tech in (self.splicer, self.installer):
			frappe.db.set_value("Dispatch Technician", tech, "active", 1)
		settings = frappe.get_single("Dispatch Settings")
		settings.update(
			{
				"time_zone": "America/Toronto",
				"planning_time_limit": 1,
				"lunch_earliest": "11:30",
				"lunch_latest": "13:30",
			}
		)
		settings.save()

	def tearDown(self):
		frappe.set_user("Administrator")


def preview_from_the_board(**args):
	"""Ask for a preview as the board does; the background job runs inline under tests. Returns
	the answer and the realtime events it pushed: [(event, message, user)]."""
	with patch("frappe.publish_realtime") as publish:
		answer = api.preview_day_plan(DAY, **args)
	events = [
		(c.args[0], c.args[1], c.kwargs.get("user"))
		for c in publish.call_args_list
		if c.args[0] in (day_planning.PROGRESS_EVENT, day_planning.RESULT_EVENT)
	]
	return answer, events


def plan_of(events):
	ready = [message for event, message, _user in events if event == day_planning.RESULT_EVENT]
	assert len(ready) == 1, ready
	return ready[0]["plan"]


class TestDayPlan(DispatchDay):
	def test_preview_then_apply_assigns_by_skill_and_explains_the_rest(self):
		splice = make_job(
			"Splice a drop", 45.53, -73.60, required_tags=[{"tag": "Fibre Splicing", "level": 2}]
		)
		install = make_job(
			"Install ONT", 45.51, -73.57, window_start="09:00", window_end="11:00",
			required_tags=[{"tag": "ONT Installation", "level": 1}],
		)  # fmt: skip
		impossible = make_job(
			"Aerial splice", 45.50, -73.56, required_tags=[{"tag": "Aerial Work", "level": 5}]
		)
		nowhere = make_job("No coordinates", 0, 0, technician=self.installer)

		answer, events = preview_from_the_board()
		self.assertTrue(answer["queued"])
		# progress, then the plan, pushed to the dispatcher who asked
		self.assertEqual(
			[m["stage"] for e, m, _u in events if e == day_planning.PROGRESS_EVENT],
			["loading", "planning", "done"],
		)
		self.assertEqual({u for _e, _m, u in events}, {frappe.session.user})
		plan = plan_of(events)
		placed = {s["job"]: r["technician"] for r in plan["routes"] for s in r["stops"] if s["kind"] == "job"}
		self.assertEqual(placed, {splice.name: self.splicer, install.name: self.installer})
		unassigned = {u["job"]: u["reason"] for u in plan["unassigned"]}
		self.assertIn("Aerial Work", unassigned[impossible.name])
		self.assertIn("GPS", unassigned[nowhere.name])
		self.assertEqual(
			frappe.db.get_value("Dispatch Job", splice.name, "technician"), None
		)  # preview writes nothing

		result = api.apply_day_plan(plan["plan_id"])
		self.assertEqual(result["jobs_changed"], 2)
		# a job the planner could not place keeps what the dispatcher gave it
		self.assertEqual(frappe.db.get_value("Dispatch Job", nowhere.name, "technician"), self.installer)
		job = frappe.get_doc("Dispatch Job", install.name)
		self.assertEqual((job.technician, job.status), (self.installer, "Assigned"))
		self.assertTrue("09:00" <= job.start_time <= "11:00")

	def test_apply_refuses_a_plan_whose_jobs_changed_since_and_writes_nothing(self):
		first = make_job(
			"Install ONT A", 45.51, -73.57, required_tags=[{"tag": "ONT Installation", "level": 1}]
		)
		second = make_job(
			"Install ONT B", 45.515, -73.575, required_tags=[{"tag": "ONT Installation", "level": 1}]
		)
		plan = day_planning.preview(DAY)
		frappe.get_doc("Dispatch Job", second.name).save()  # someone touched it meanwhile
		with self.assertRaises(frappe.TimestampMismatchError):
			day_planning.apply(plan["plan_id"])
		self.assertIsNone(frappe.db.get_value("Dispatch Job", first.name, "technician"))

	def test_a_client_cannot_ask_for_more_than_the_configured_time(self):
		frappe.db.set_single_value("Dispatch Settings", "max_planning_time_limit", 2)
		make_job("Install ONT", 45.51, -73.57, required_tags=[{"tag": "ONT Installation", "level": 1}])
		solver = day_planning.day_planner.plan_day
		for asked, used in ((600, 2.0), (1.5, 1.5), (-5, 1.0), (None, 1.0)):
			with patch.object(day_planning.day_planner, "plan_day", wraps=solver) as plan_day:
				answer, events = preview_from_the_board(
					**({"time_limit": asked} if asked is not None else {})
				)
			self.assertEqual(answer["time_limit"], used)
			self.assertEqual(plan_day.call_args.args[3], used)
			self.assertTrue(plan_of(events)["routes"])

	def test_two_previews_of_one_day_do_not_both_run(self):
		# the same day asked twice: one background job (deduplicated by its id) ...
		with patch("frappe.enqueue") as enqueue:
			api.preview_day_plan(DAY)
		self.assertEqual(enqueue.call_args.kwargs["job_id"], f"day_plan_preview:{DAY}")
		self.assertTrue(enqueue.call_args.kwargs["deduplicate"])
		# ... and a job that starts while another worker plans that day does nothing
		lock = frappe.cache.make_key(f"gigafibre_fsm:day_plan_running:{DAY}")
		frappe.cache.set(lock, "someone", ex=60)
		try:
			with patch.object(day_planning.day_planner, "plan_day") as plan_day:
				answer, events = preview_from_the_board()
			plan_day.assert_not_called()
			self.assertFalse(answer["queued"])
			self.assertEqual(events, [])
		finally:
			frappe.cache.delete(lock)

	def test_a_day_that_cannot_be_planned_is_reported_to_the_board(self):
		with patch.object(
			day_planning, "load_jobs", side_effect=frappe.ValidationError("Job JOB-1 has no duration")
		):
			_answer, events = preview_from_the_board()
		ready = [m for e, m, _u in events if e == day_planning.RESULT_EVENT]
		self.assertEqual(ready, [{"date": DAY, "error": "Job JOB-1 has no duration"}])

	def test_only_dispatchers_plan(self):
		from gigafibre_fsm.tests.factories import make_user

		frappe.set_user(make_user("plain.tech@example.com", "Field Technician"))
		with self.assertRaises(frappe.PermissionError):
			api.preview_day_plan(DAY)


class TestBoard(DispatchDay):
	def test_second_dispatcher_moving_the_same_job_gets_a_conflict(self):
		job = make_job("Install ONT", 45.51, -73.57, start_time="10:00")
		seen_by_both = str(job.modified)
		board.move_job(job.name, seen_by_both, technician=self.installer)
		with self.assertRaises(frappe.TimestampMismatchError):
			board.move_job(job.name, seen_by_both, technician=self.splicer)
		self.assertEqual(frappe.db.get_value("Dispatch Job", job.name, "technician"), self.installer)


class TestBestTechnicians(DispatchDay):
	def test_lowest_adequate_skill_first_and_reasons_for_the_others(self):
		make_technician("_Test Planner Expert", skills=[{"tag": "ONT Installation", "level": 5}], active=1)
		job = make_job(
			"Install ONT",
			45.51,
			-73.57,
			start_time="10:00",
			required_tags=[{"tag": "ONT Installation", "level": 2}],
		)
		ranking = api.best_technicians(job.name)
		names = [c["technician_name"] for c in ranking["ranked"]]
		self.assertEqual(names[:2], ["_Test Planner Installer", "_Test Planner Expert"])
		excluded = {e["technician"]: e for e in ranking["excluded"]}
		self.assertIn("ONT Installation", excluded[self.splicer]["reason"])


class TestCalendarFeed(DispatchDay):
	def test_feed_lists_the_technicians_jobs_until_revoked(self):
		job = make_job("Install ONT", 45.51, -73.57, start_time="10:00", technician=self.installer)
		url = calendars.new_feed_url(self.installer)
		token = url.split("token=")[1]
		calendar = Calendar.from_ical(calendars.technician_feed(token))
		events = [e for e in calendar.walk("VEVENT")]
		self.assertIn(f"{job.name}@", str(events[0]["UID"]))
		self.assertEqual(events[0].decoded("DTSTART").hour, 10)

		calendars.revoke_feed(self.installer)
		with self.assertRaises(frappe.PermissionError):
			calendars.technician_feed(token)

	def test_customer_appointment_ics(self):
		job = make_job("Install ONT", 45.51, -73.57, start_time="13:30")
		calendar = Calendar.from_ical(calendars.appointment(job.name))
		event = calendar.walk("VEVENT")[0]
		self.assertEqual((event.decoded("DTSTART").hour, event.decoded("DTSTART").minute), (13, 30))
