# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""Repeating jobs on a real site: one Dispatch Job per occurrence over the horizon, exceptions,
"this one / this and following / all", never twice the same occurrence, and the planner sees them."""

from datetime import timedelta

import frappe
from frappe.utils import getdate

from gigafibre_fsm.api import dispatch as api
from gigafibre_fsm.dispatch.services import day_planning, recurring_jobs
from gigafibre_fsm.tests import ERPNEXT_RECORDS, IntegrationTestCase
from gigafibre_fsm.tests.factories import make_technician

IGNORE_TEST_RECORD_DEPENDENCIES = ERPNEXT_RECORDS  # Frappe v16
test_ignore = IGNORE_TEST_RECORD_DEPENDENCIES  # Frappe v15's name

WEEK = timedelta(weeks=1)


def next_monday():
	today = getdate()
	return today + timedelta(days=7 - today.weekday())  # never today: the first job is ahead


def series_jobs(series):
	return frappe.get_all(
		"Dispatch Job",
		filters={"recurring_series": series},
		fields=["name", "occurrence_date", "scheduled_date", "start_time", "duration_minutes", "subject"],
		order_by="occurrence_date asc",
	)


def schedule(series):
	return [
		(str(j.occurrence_date), str(j.scheduled_date), j.start_time, j.duration_minutes)
		for j in series_jobs(series)
	]


class TestRepeatingJobs(IntegrationTestCase):
	def setUp(self):
		settings = frappe.get_single("Dispatch Settings")
		settings.update(
			{"time_zone": "America/Toronto", "recurrence_horizon_weeks": 8, "planning_time_limit": 1}
		)
		settings.save()
		self.first = next_monday()
		self.today = getdate()
		self.horizon_end = self.today + timedelta(weeks=8)
		self.skipped = self.first + 2 * WEEK
		self.job = frappe.get_doc(
			{
				"doctype": "Dispatch Job",
				"subject": "_Test weekly cabinet check",
				"scheduled_date": self.first,
				"start_time": "09:00",
				"duration_minutes": 60,
				"latitude": 45.51,
				"longitude": -73.57,
				"recurrence_rule": "rrule:FREQ=WEEKLY;BYDAY=MO",
				"recurrence_exceptions": str(self.skipped),
				"required_tags": [{"tag": "ONT Installation", "level": 1, "required": 1}],
			}
		).insert(ignore_permissions=True)
		self.series = self.job.recurring_series
		recurring_jobs.generate_series(self.series)  # what the background job does

	def expected_mondays(self, start=None):
		day, days = start or self.first, []
		while day < self.horizon_end:
			if day != self.skipped:
				days.append(day)
			day += WEEK
		return days

	def test_jobs_are_created_over_the_horizon_once_each_and_not_on_the_skipped_day(self):
		self.assertTrue(self.series)
		self.assertEqual(self.job.occurrence_date, self.first)
		expected = [(str(d), str(d), "09:00", 60) for d in self.expected_mondays()]
		self.assertEqual(schedule(self.series), expected)
		jobs = series_jobs(self.series)
		self.assertEqual(jobs[0].name, self.job.name)  # the job saved with the rule is the first one
		tags = frappe.get_all("Dispatch Job Tag", filters={"parent": jobs[-1].name}, pluck="tag")
		self.assertEqual(tags, ["ONT Installation"])

		# the next day's scheduler, or a second worker, creates nothing more
		self.assertEqual(recurring_jobs.generate_series(self.series)["created"], 0)
		self.assertEqual(schedule(self.series), expected)
		# and the database refuses a second job for one occurrence
		copy = frappe.copy_doc(frappe.get_doc("Dispatch Job", jobs[1].name))
		copy.update(
			{
				"recurring_series": self.series,
				"occurrence_date": jobs[1].occurrence_date,
				"occurrence_key": recurring_jobs.occurrence_key(self.series, jobs[1].occurrence_date),
			}
		)
		# in a savepoint: on PostgreSQL a refused insert aborts the whole transaction otherwise
		frappe.db.savepoint("duplicate_occurrence")
		with self.assertRaises((frappe.UniqueValidationError, frappe.DuplicateEntryError)):
			copy.insert(ignore_permissions=True)
		frappe.db.rollback(save_point="duplicate_occurrence")

	def test_this_and_following_splits_the_series_and_the_planner_plans_the_jobs(self):
		by_day = {j.occurrence_date: j.name for j in series_jobs(self.series)}
		moved_before = by_day[self.first + WEEK]
		split_at = by_day[self.first + 3 * WEEK]
		moved_after = by_day[self.first + 4 * WEEK]
		# two jobs moved on their own ("this one"), one before and one after the split
		api.edit_recurring_job(moved_before, "this", {"start_time": "14:00"})
		api.edit_recurring_job(
			moved_after,
			"this",
			{"scheduled_date": str(self.first + 4 * WEEK + timedelta(days=1)), "start_time": "15:00"},
		)
		result = api.edit_recurring_job(
			split_at,
			"following",
			{"start_time": "10:00", "duration_minutes": 90, "subject": "_Test longer check"},
		)
		following = result["series"]
		self.assertNotEqual(following, self.series)
		self.assertEqual(result["previous_series"], self.series)

		self.assertRegex(
			frappe.db.get_value("Dispatch Job Series", self.series, "recurrence_rule"), r"UNTIL=\d{8}T\d{6}Z"
		)
		self.assertEqual(
			schedule(self.series),
			[
				(str(self.first), str(self.first), "09:00", 60),
				(str(self.first + WEEK), str(self.first + WEEK), "14:00", 60),
			],
		)
		expected = []
		for day in self.expected_mondays(self.first + 3 * WEEK):
			if day == self.first + 4 * WEEK:
				expected.append((str(day), str(day + timedelta(days=1)), "15:00", 90))
			else:
				expected.append((str(day), str(day), "10:00", 90))
		self.assertEqual(schedule(following), expected)
		self.assertEqual({j.subject for j in series_jobs(following)}, {"_Test longer check"})
		self.assertEqual(
			frappe.db.get_value("Dispatch Job", self.job.name, "subject"), "_Test weekly cabinet check"
		)
		# nothing changes when the scheduler runs again on either series
		for series in (self.series, following):
			self.assertEqual(recurring_jobs.generate_series(series), {"created": 0, "moved": 0, "deleted": 0})

		# the day planner plans an occurrence like any job of its day
		for name in frappe.get_all("Dispatch Technician", pluck="name"):
			frappe.db.set_value("Dispatch Technician", name, "active", 0)
		tech = make_technician(
			"_Test Series Tech", skills=[{"tag": "ONT Installation", "level": 2}], active=1
		)
		frappe.db.set_value("Dispatch Technician", tech, "active", 1)
		plan = day_planning.preview(
			split_at and frappe.db.get_value("Dispatch Job", split_at, "scheduled_date")
		)
		placed = {s["job"]: r["technician"] for r in plan["routes"] for s in r["stops"] if s["kind"] == "job"}
		self.assertEqual(placed.get(split_at), tech)

	def test_all_changes_every_open_job_and_a_deleted_job_stays_deleted(self):
		jobs = series_jobs(self.series)
		api.edit_recurring_job(jobs[2].name, "all", {"start_time": "08:30", "subject": "_Test renamed"})
		days = self.expected_mondays()
		self.assertEqual(schedule(self.series), [(str(d), str(d), "08:30", 60) for d in days])
		self.assertEqual({j.subject for j in series_jobs(self.series)}, {"_Test renamed"})
		self.assertEqual(frappe.db.get_value("Dispatch Job Series", self.series, "start_time"), "08:30")

		frappe.delete_doc("Dispatch Job", jobs[-1].name, ignore_permissions=True)
		self.assertIn(
			str(days[-1]), frappe.db.get_value("Dispatch Job Series", self.series, "recurrence_exceptions")
		)
		recurring_jobs.generate_series(self.series)
		self.assertNotIn(str(days[-1]), [o for o, *_rest in schedule(self.series)])

	def test_the_rule_of_one_job_cannot_change_alone_and_a_new_skipped_date_removes_its_job(self):
		jobs = series_jobs(self.series)
		job = frappe.get_doc("Dispatch Job", jobs[1].name)
		job.recurrence_rule = "FREQ=WEEKLY;BYDAY=TU"
		with self.assertRaises(frappe.ValidationError):
			job.save(ignore_permissions=True)
		skip = getdate(jobs[1].occurrence_date)
		api.edit_recurring_job(jobs[1].name, "all", {"recurrence_exceptions": f"{self.skipped}\n{skip}"})
		self.assertFalse(frappe.db.exists("Dispatch Job", jobs[1].name))
		self.assertNotIn(str(skip), [o for o, *_rest in schedule(self.series)])

	def test_a_job_whose_date_is_not_a_day_of_its_rule_is_refused(self):
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc(
				{
					"doctype": "Dispatch Job",
					"subject": "_Test off rule",
					"scheduled_date": self.first + timedelta(days=2),
					"start_time": "09:00",
					"duration_minutes": 60,
					"recurrence_rule": "FREQ=WEEKLY;BYDAY=MO",
				}
			).insert(ignore_permissions=True)

	def test_a_repeat_rule_is_read_in_the_dispatch_time_zone(self):
		# a date-only UNTIL means "through that local day": 23:59:59 in Tokyo is 14:59:59 UTC,
		# whatever the site's system time zone
		frappe.db.set_single_value("Dispatch Settings", "time_zone", "Asia/Tokyo")
		job = frappe.get_doc(
			{
				"doctype": "Dispatch Job",
				"subject": "_Test Tokyo",
				"scheduled_date": self.first,
				"start_time": "09:00",
				"duration_minutes": 60,
				"recurrence_rule": f"FREQ=WEEKLY;BYDAY=MO;UNTIL={(self.first + 3 * WEEK).strftime('%Y%m%d')}",
			}
		).insert(ignore_permissions=True)
		until = (self.first + 3 * WEEK).strftime("%Y%m%d")
		self.assertEqual(job.recurrence_rule, f"FREQ=WEEKLY;UNTIL={until}T145959Z;BYDAY=MO")
		series = frappe.get_doc("Dispatch Job Series", job.recurring_series)
		self.assertEqual(recurring_jobs.core_series(series).dtstart.utcoffset(), timedelta(hours=9))
