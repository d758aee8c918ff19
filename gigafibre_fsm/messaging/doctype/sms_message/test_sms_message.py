# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""SMS through the real whitelisted functions, with Twilio replaced by the local double at its
HTTP boundary (Messaging Settings' API Base URL) and webhooks signed with Twilio's algorithm."""

import frappe
from werkzeug.test import EnvironBuilder

from gigafibre_fsm.api import messaging as api
from gigafibre_fsm.messaging.services import sms
from gigafibre_fsm.tests import ERPNEXT_RECORDS, IntegrationTestCase
from simulators.twilio_api import TwilioApiDouble

PUBLIC = "https://fsm.example.ca"

# the Dynamic Link of an SMS Message points at DocType: no test records to make there either
IGNORE_TEST_RECORD_DEPENDENCIES = [*ERPNEXT_RECORDS, "DocType"]  # Frappe v16
test_ignore = IGNORE_TEST_RECORD_DEPENDENCIES  # Frappe v15's name


def configure(twilio: TwilioApiDouble, **values) -> None:
	settings = frappe.get_single("Messaging Settings")
	settings.update(
		{
			"enabled": 1,
			"account_sid": twilio.account_sid,
			"auth_token": twilio.auth_token,
			"sender": twilio.from_number,
			"public_base_url": PUBLIC,
			"api_base_url": twilio.base_url,
			"timeout_seconds": 5,
			**values,
		}
	)
	settings.save(ignore_permissions=True)


class TwilioTestCase(IntegrationTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.twilio = TwilioApiDouble().start()
		configure(cls.twilio)

	@classmethod
	def tearDownClass(cls):
		cls.twilio.stop()
		super().tearDownClass()

	def setUp(self):
		frappe.set_user("Administrator")
		self.twilio.requests.clear()

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.local.request = None
		frappe.local.request_ip = None

	def post_webhook(self, endpoint: str, params: dict, query: str = "", signature: str | None = None):
		"""Call the whitelisted webhook as Twilio would: a form POST to its public URL, signed."""
		path = f"/api/method/gigafibre_fsm.api.messaging.{endpoint}"
		url = PUBLIC + path + (f"?{query}" if query else "")
		frappe.local.request = EnvironBuilder(
			method="POST",
			base_url="http://127.0.0.1:8000",  # what the site sees behind the proxy
			path=path,
			query_string=query,
			data=params,
			headers={
				"X-Twilio-Signature": signature if signature is not None else self.twilio.sign(url, params)
			},
		).get_request()
		frappe.local.request_ip = "127.0.0.1"  # as Frappe sets it per request (rate limits use it)
		frappe.set_user("Guest")
		try:
			return getattr(api, endpoint)()
		finally:
			frappe.set_user("Administrator")

	def status_callback(self, message: str, status: str, error_code: int | None = None, signature=None):
		sid = frappe.db.get_value("SMS Message", message, "twilio_sid")
		params = self.twilio.status_params(sid, status, error_code)
		return self.post_webhook("twilio_status", params, f"message={message}", signature)


class TestSMSMessage(TwilioTestCase):
	def test_send_queues_then_the_job_sends_once(self):
		result = api.send("514 555-0101", "Votre technicien arrive à 14 h.")
		message = frappe.get_doc("SMS Message", result["message"])
		self.assertEqual(result["conversation"], "+15145550101")
		self.assertEqual(message.direction, "Outbound")
		self.assertEqual(message.to_number, "+15145550101")
		self.assertTrue(message.twilio_sid.startswith("SM"))
		self.assertEqual(message.status, "Queued")
		self.assertEqual((message.encoding, message.segments), ("GSM-7", 1))
		[request] = self.twilio.requests
		self.assertEqual(request["params"]["To"], "+15145550101")
		self.assertEqual(request["params"]["Body"], "Votre technicien arrive à 14 h.")
		self.assertEqual(
			request["params"]["StatusCallback"],
			f"{PUBLIC}/api/method/gigafibre_fsm.api.messaging.twilio_status?message={message.name}",
		)
		sms.deliver_message(message.name)  # a retried or duplicated job
		self.assertEqual(len(self.twilio.requests), 1)
		events = [e for e in getattr(frappe.local, "_realtime_log", []) if e[0] == sms.EVENT_CHANGED]
		self.assertTrue(any(e[1]["message"] == message.name for e in events))

	def test_reference_and_its_customer_are_recorded(self):
		from gigafibre_fsm.tests.factories import make_customer

		customer = make_customer("_Test SMS Reference Customer")
		name = sms.send_sms("+15145550102", "Panne dans votre secteur", "Customer", customer)
		message = frappe.get_doc("SMS Message", name)
		self.assertEqual((message.reference_doctype, message.reference_name), ("Customer", customer))
		self.assertEqual(frappe.db.get_value("SMS Conversation", "+15145550102", "customer"), customer)

	def test_invalid_number_is_refused_and_nothing_is_stored(self):
		before = frappe.db.count("SMS Message")
		with self.assertRaises(frappe.ValidationError):
			api.send("call me", "x")
		with self.assertRaises(frappe.ValidationError):
			api.send("+15145550103", "   ")
		self.assertEqual(frappe.db.count("SMS Message"), before)
		self.assertEqual(self.twilio.requests, [])

	def test_twilio_error_is_recorded_with_its_code(self):
		name = sms.send_sms("+15005550001", "x")  # Twilio's magic invalid 'To'
		message = frappe.get_doc("SMS Message", name)
		self.assertEqual(message.status, "Failed")
		self.assertEqual(message.error_code, "21211")
		self.assertIn("not a valid phone number", message.error_message)
		self.assertFalse(message.twilio_sid)
		sms.deliver_message(name)
		self.assertEqual(len(self.twilio.requests), 1)  # a failed send is not retried by itself

	def test_timeout_leaves_the_message_unconfirmed_and_never_resends(self):
		configure(self.twilio, timeout_seconds=1)
		try:
			self.twilio.delay_next(2.5)
			name = sms.send_sms("+15145550104", "x")
		finally:
			configure(self.twilio)
		self.assertEqual(frappe.db.get_value("SMS Message", name, "status"), "Unconfirmed")
		sms.deliver_message(name)
		self.assertEqual(len(self.twilio.requests), 1)
		self.assertEqual(len(self.twilio.sent_to("+15145550104")), 1)  # Twilio did get it, once

	def test_disabled_sending_is_refused(self):
		configure(self.twilio, enabled=0)
		try:
			with self.assertRaises(frappe.ValidationError):
				sms.send_sms("+15145550105", "x")
		finally:
			configure(self.twilio)

	def test_staff_roles_only(self):
		from gigafibre_fsm.tests.factories import make_user

		outsider = make_user("sms-outsider@example.com", "Accounts User")
		dispatcher = make_user("sms-dispatcher@example.com", "Dispatcher")
		for user in ("Guest", outsider):
			frappe.set_user(user)
			with self.assertRaises(frappe.PermissionError):
				api.send("+15145550106", "x")
		frappe.set_user(dispatcher)
		self.assertTrue(api.send("+15145550106", "x"))
		frappe.set_user("Administrator")
		self.assertEqual(len(self.twilio.requests), 1)  # the dispatcher's, and only theirs


class TestStatusCallbacks(TwilioTestCase):
	def test_status_moves_forward_and_never_back(self):
		name = sms.send_sms("+15145550111", "x")
		self.status_callback(name, "sent")
		self.assertEqual(frappe.db.get_value("SMS Message", name, "status"), "Sent")
		self.status_callback(name, "delivered")
		row = frappe.db.get_value("SMS Message", name, ["status", "delivered_at", "modified"], as_dict=True)
		self.assertEqual(row.status, "Delivered")
		self.assertTrue(row.delivered_at)
		self.status_callback(name, "sent")  # late
		self.status_callback(name, "delivered")  # repeated
		again = frappe.db.get_value("SMS Message", name, ["status", "modified"], as_dict=True)
		self.assertEqual(again.status, "Delivered")
		self.assertEqual(again.modified, row.modified)  # nothing was written twice

	def test_undelivered_keeps_the_error_code(self):
		name = sms.send_sms("+15145550112", "x")
		self.status_callback(name, "undelivered", error_code=30003)
		row = frappe.db.get_value("SMS Message", name, ["status", "error_code"], as_dict=True)
		self.assertEqual((row.status, row.error_code), ("Undelivered", "30003"))
		self.status_callback(name, "delivered")
		self.assertEqual(frappe.db.get_value("SMS Message", name, "status"), "Undelivered")

	def test_bad_signature_is_403_and_changes_nothing(self):
		name = sms.send_sms("+15145550113", "x")
		with self.assertRaises(frappe.PermissionError):
			self.status_callback(name, "delivered", signature="bm90IGEgc2lnbmF0dXJl")
		sid = frappe.db.get_value("SMS Message", name, "twilio_sid")
		params = self.twilio.status_params(sid, "delivered")
		forged_url = f"{PUBLIC}/api/method/gigafibre_fsm.api.messaging.twilio_status?message=other"
		with self.assertRaises(frappe.PermissionError):  # signed for another URL
			self.post_webhook(
				"twilio_status", params, f"message={name}", self.twilio.sign(forged_url, params)
			)
		self.assertEqual(frappe.db.get_value("SMS Message", name, "status"), "Queued")

	def test_callback_that_overtakes_the_job_records_the_sid(self):
		# The job has not saved the SID yet when Twilio's first callback arrives.
		conversation = sms.get_or_create_conversation("+15145550114")
		message = frappe.get_doc(
			{
				"doctype": "SMS Message",
				"conversation": conversation,
				"direction": "Outbound",
				"status": "Queued",
				"to_number": "+15145550114",
				"body": "x",
			}
		).insert(ignore_permissions=True)
		sent = sms.twilio_client().send(
			"+15145550114", "x", status_callback=sms.status_callback_url(message.name)
		)
		self.post_webhook(
			"twilio_status", self.twilio.status_params(sent.sid, "sent"), f"message={message.name}"
		)
		row = frappe.db.get_value("SMS Message", message.name, ["twilio_sid", "status"], as_dict=True)
		self.assertEqual((row.twilio_sid, row.status), (sent.sid, "Sent"))
		requests = len(self.twilio.requests)
		sms.deliver_message(message.name)  # the job, late: the message went already
		self.assertEqual(len(self.twilio.requests), requests)

	def test_unknown_status_is_accepted_and_ignored(self):
		name = sms.send_sms("+15145550116", "x")
		sid = frappe.db.get_value("SMS Message", name, "twilio_sid")
		params = {
			**self.twilio.status_params(sid, "sent"),
			"MessageStatus": "teleported",
			"SmsStatus": "teleported",
		}
		self.assertIsNone(self.post_webhook("twilio_status", params, f"message={name}"))
		self.assertEqual(frappe.db.get_value("SMS Message", name, "status"), "Queued")

	def test_callback_for_a_message_sent_elsewhere_is_ignored(self):
		sent = sms.twilio_client().send("+15145550115", "x")
		self.assertIsNone(self.post_webhook("twilio_status", self.twilio.status_params(sent.sid, "sent")))
		self.assertFalse(frappe.db.exists("SMS Message", {"twilio_sid": sent.sid}))
