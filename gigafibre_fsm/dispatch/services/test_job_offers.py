# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""Job offers end to end: SMS with a link, first valid acceptance wins, expiry, the offer page."""

import re
from datetime import timedelta

import frappe
from frappe.utils import now_datetime

from gigafibre_fsm.api import dispatch as api
from gigafibre_fsm.dispatch.services import job_offers
from gigafibre_fsm.tests import IntegrationTestCase
from gigafibre_fsm.tests.factories import coming_weekday, make_technician
from gigafibre_fsm.www import job_offer as offer_page

TOKEN = re.compile(r"job_offer\?token=([\w-]+)")


class TestJobOffers(IntegrationTestCase):
	def setUp(self):
		frappe.db.set_single_value(
			"Messaging Settings", {"enabled": 1, "account_sid": "AC" + "0" * 32, "sender": "+15145550000"}
		)
		self.alice = make_technician("_Test Offer Alice", phone="+1 514 555 0101")
		self.bob = make_technician("_Test Offer Bob", phone="514-555-0102")
		self.job = frappe.get_doc(
			{
				"doctype": "Dispatch Job",
				"subject": "Repair a drop",
				"scheduled_date": coming_weekday(1),
				"start_time": "14:00",
				"duration_minutes": 60,
			}
		).insert(ignore_permissions=True)

	def token_sent_to(self, phone_digits: str) -> str:
		bodies = frappe.get_all(
			"SMS Message",
			filters={"reference_doctype": "Dispatch Job", "reference_name": self.job.name},
			fields=["to_number", "body"],
		)
		body = next(b.body for b in bodies if b.to_number.endswith(phone_digits))
		return TOKEN.search(body).group(1)

	def test_first_valid_acceptance_wins_and_the_others_are_withdrawn(self):
		sent = api.offer_job(self.job.name, [self.alice, self.bob])
		self.assertEqual({s["technician"] for s in sent}, {self.alice, self.bob})
		alice_token, bob_token = self.token_sent_to("5550101"), self.token_sent_to("5550102")

		# both tap "Accept" together: the job row is locked, so the second sees the first's result
		first = api.accept_offer(bob_token)
		second = api.accept_offer(alice_token)
		self.assertTrue(first["accepted"])
		self.assertEqual((second["accepted"], second["reason"]), (False, "taken"))
		self.assertEqual(
			frappe.db.get_value("Dispatch Job", self.job.name, ["technician", "status"]),
			(self.bob, "Assigned"),
		)
		statuses = dict(
			frappe.get_all(
				"Dispatch Job Offer",
				filters={"job": self.job.name},
				fields=["technician", "status"],
				as_list=True,
			)
		)
		self.assertEqual(statuses, {self.bob: "Accepted", self.alice: "Withdrawn"})
		self.assertTrue(api.accept_offer(bob_token)["accepted"])  # a double tap changes nothing

	def test_an_expired_offer_is_refused(self):
		api.offer_job(self.job.name, [self.alice])
		token = self.token_sent_to("5550101")
		frappe.db.set_value(
			"Dispatch Job Offer", {"job": self.job.name}, "expires_on", now_datetime() - timedelta(minutes=1)
		)
		result = api.accept_offer(token)
		self.assertEqual((result["accepted"], result["reason"]), (False, "expired"))
		self.assertIsNone(frappe.db.get_value("Dispatch Job", self.job.name, "technician"))
		self.assertEqual(
			frappe.db.get_value("Dispatch Job Offer", {"job": self.job.name}, "status"), "Expired"
		)

	def test_a_forged_token_is_refused(self):
		with self.assertRaises(frappe.PermissionError):
			api.accept_offer("not-a-real-token")

	def test_offer_page_shows_the_job_without_accepting_it(self):
		api.offer_job(self.job.name, [self.alice])
		frappe.form_dict.token = self.token_sent_to("5550101")
		context = offer_page.get_context(frappe._dict())
		self.assertEqual(context.job.subject, "Repair a drop")
		self.assertIsNone(frappe.db.get_value("Dispatch Job", self.job.name, "technician"))
		frappe.form_dict.token = "forged"
		self.assertTrue(offer_page.get_context(frappe._dict()).invalid)

	def test_only_open_jobs_are_offered(self):
		self.job.technician = self.alice
		self.job.save()
		with self.assertRaises(frappe.ValidationError):
			job_offers.offer_job(self.job.name, [self.bob])
