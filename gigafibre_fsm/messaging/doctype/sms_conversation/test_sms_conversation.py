# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""Incoming SMS through the real webhook: conversation, customer match, idempotency, TwiML."""

import frappe
from frappe.utils import add_to_date, now_datetime

from gigafibre_fsm.api import messaging as api
from gigafibre_fsm.messaging.doctype.sms_message.test_sms_message import TwilioTestCase, configure
from gigafibre_fsm.messaging.services import sms
from gigafibre_fsm.tests import ERPNEXT_RECORDS
from gigafibre_fsm.tests.factories import make_customer

# the Dynamic Link of an SMS Message points at DocType: no test records to make there either
IGNORE_TEST_RECORD_DEPENDENCIES = [*ERPNEXT_RECORDS, "DocType"]  # Frappe v16
test_ignore = IGNORE_TEST_RECORD_DEPENDENCIES  # Frappe v15's name


def make_contact(customer: str, phone: str) -> str:
	contact = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": customer,
			"phone_nos": [{"phone": phone, "is_primary_mobile_no": 1}],
			"links": [{"link_doctype": "Customer", "link_name": customer}],
		}
	)
	return contact.insert(ignore_permissions=True).name


class TestSMSConversation(TwilioTestCase):
	def inbound(self, from_number: str, body: str, params: dict | None = None):
		params = params or self.twilio.inbound_params(from_number, body)
		return self.post_webhook("twilio_inbound", params), params

	def test_inbound_creates_the_conversation_linked_to_the_customer(self):
		customer = make_customer("_Test SMS Inbound Customer")
		make_contact(customer, "(514) 555-0142")  # stored the way staff typed it
		response, params = self.inbound("+15145550142", "Oui, ça me convient")
		self.assertEqual(response.status_code, 200)
		self.assertTrue(response.content_type.startswith("text/xml"))
		self.assertIn(b"<Response/>", response.get_data())
		conversation = frappe.get_doc("SMS Conversation", "+15145550142")
		self.assertEqual(conversation.customer, customer)
		self.assertEqual(conversation.unread_count, 1)
		message = frappe.get_doc("SMS Message", {"twilio_sid": params["MessageSid"]})
		self.assertEqual(
			(message.direction, message.status, message.body, message.conversation),
			("Inbound", "Received", "Oui, ça me convient", "+15145550142"),
		)
		self.assertEqual(message.encoding, "UCS-2")
		events = [e for e in getattr(frappe.local, "_realtime_log", []) if e[0] == sms.EVENT_INCOMING]
		self.assertTrue(any(e[1]["message"] == message.name for e in events))

	def test_repeated_webhook_is_stored_once(self):
		_, params = self.inbound("+15145550143", "Allo")
		self.inbound("+15145550143", "Allo", params)
		self.assertEqual(frappe.db.count("SMS Message", {"twilio_sid": params["MessageSid"]}), 1)
		self.assertEqual(frappe.db.get_value("SMS Conversation", "+15145550143", "unread_count"), 1)
		self.inbound("+15145550143", "Encore moi")
		self.assertEqual(frappe.db.get_value("SMS Conversation", "+15145550143", "unread_count"), 2)
		api.mark_read("+15145550143")
		self.assertEqual(frappe.db.get_value("SMS Conversation", "+15145550143", "unread_count"), 0)

	def test_unknown_sender_gets_a_conversation_without_customer(self):
		self.inbound("+15145550144", "Qui êtes-vous?")
		self.assertIsNone(frappe.db.get_value("SMS Conversation", "+15145550144", "customer"))
		# staff then add the number to a customer: the next SMS links the thread
		make_contact(make_customer("_Test SMS Late Customer"), "514.555.0144")
		self.inbound("+15145550144", "C'est encore moi")
		self.assertEqual(
			frappe.db.get_value("SMS Conversation", "+15145550144", "customer"), "_Test SMS Late Customer"
		)

	def test_shared_number_is_not_guessed(self):
		make_contact(make_customer("_Test SMS Shared A"), "514 555 0145")
		make_contact(make_customer("_Test SMS Shared B"), "+1 514-555-0145")
		self.assertIsNone(sms.find_customer_by_phone("+15145550145"))

	def test_bad_signature_is_403_and_stores_nothing(self):
		params = self.twilio.inbound_params("+15145550146", "x")
		with self.assertRaises(frappe.PermissionError):
			self.post_webhook("twilio_inbound", params, signature="bm90IGEgc2lnbmF0dXJl")
		with self.assertRaises(frappe.PermissionError):
			self.post_webhook("twilio_inbound", params, signature="")
		self.assertFalse(frappe.db.exists("SMS Message", {"twilio_sid": params["MessageSid"]}))
		self.assertFalse(frappe.db.exists("SMS Conversation", "+15145550146"))

	def test_outbound_and_inbound_share_the_thread(self):
		sms.send_sms("514-555-0147", "Votre rendez-vous est demain")
		self.inbound("+15145550147", "Merci")
		self.assertEqual(frappe.db.count("SMS Message", {"conversation": "+15145550147"}), 2)
		self.assertEqual(frappe.db.count("SMS Conversation", {"phone": "+15145550147"}), 1)


class TestWhatsApp(TwilioTestCase):
	"""Twilio's WhatsApp messages keep their channel, from the webhook to the reply."""

	def inbound(self, from_address: str, body: str, params: dict | None = None):
		params = params or self.twilio.inbound_params(from_address, body, profile_name="Marie")
		return self.post_webhook("twilio_inbound", params), params

	def test_inbound_whatsapp_then_the_reply_goes_back_on_whatsapp(self):
		response, params = self.inbound("whatsapp:+15145550161", "Mon internet est coupé")
		self.assertEqual(response.status_code, 200)
		conversation = frappe.get_doc("SMS Conversation", "whatsapp:+15145550161")
		self.assertEqual((conversation.channel, conversation.unread_count), ("WhatsApp", 1))
		message = frappe.get_doc("SMS Message", {"twilio_sid": params["MessageSid"]})
		self.assertEqual(
			(message.channel, message.from_number, message.to_number, message.conversation),
			("WhatsApp", "whatsapp:+15145550161", f"whatsapp:{self.twilio.from_number}", conversation.name),
		)

		result = api.reply(conversation.name, "Un technicien passe demain.")
		self.assertEqual((result["conversation"], result["channel"]), (conversation.name, "WhatsApp"))
		[request] = self.twilio.requests
		self.assertEqual(request["params"]["To"], "whatsapp:+15145550161")
		self.assertEqual(request["params"]["From"], f"whatsapp:{self.twilio.from_number}")
		self.assertEqual(self.twilio.sent_to("+15145550161"), [])  # never an SMS to the bare number
		sent = frappe.get_doc("SMS Message", result["message"])
		self.assertEqual(
			(sent.channel, sent.to_number, sent.from_number),
			("WhatsApp", "whatsapp:+15145550161", f"whatsapp:{self.twilio.from_number}"),
		)
		self.assertTrue(sent.twilio_sid)

		# WhatsApp's statuses, "read" included, come back to the message
		self.status_callback(sent.name, "delivered")
		self.status_callback(sent.name, "read")
		self.assertEqual(frappe.db.get_value("SMS Message", sent.name, "status"), "Seen")

	def test_whatsapp_outside_its_24_hour_window_is_refused(self):
		_, params = self.inbound("whatsapp:+15145550166", "Bonjour")
		inbound = frappe.db.get_value("SMS Message", {"twilio_sid": params["MessageSid"]})
		frappe.db.set_value(
			"SMS Message", inbound, "creation", add_to_date(now_datetime(), hours=-25), update_modified=False
		)
		before = frappe.db.count("SMS Message")
		for send in (
			lambda: api.reply("whatsapp:+15145550166", "trop tard"),
			lambda: api.send("whatsapp:+15145550167", "jamais écrit"),  # never wrote at all
		):
			with self.assertRaises(frappe.ValidationError):
				send()
		self.assertEqual((frappe.db.count("SMS Message"), self.twilio.requests), (before, []))
		api.send("+15145550166", "par texto")  # SMS has no window
		self.assertEqual(len(self.twilio.sent_to("+15145550166")), 1)
		self.inbound("whatsapp:+15145550166", "Me revoici")  # the customer writes again: open
		api.reply("whatsapp:+15145550166", "Bonjour de nouveau")
		self.assertEqual(len(self.twilio.sent_to("whatsapp:+15145550166")), 1)

	def test_the_same_number_on_sms_and_whatsapp_is_two_threads(self):
		self.inbound("+15145550162", "par texto")
		self.inbound("whatsapp:+15145550162", "par WhatsApp")
		self.assertEqual(frappe.db.get_value("SMS Conversation", "+15145550162", "channel"), "SMS")
		self.assertEqual(
			frappe.db.get_value("SMS Conversation", "whatsapp:+15145550162", "channel"), "WhatsApp"
		)
		api.reply("+15145550162", "réponse texto")
		api.reply("whatsapp:+15145550162", "réponse WhatsApp")
		self.assertEqual(
			[(r["params"]["From"], r["params"]["To"]) for r in self.twilio.requests],
			[
				(self.twilio.from_number, "+15145550162"),
				(f"whatsapp:{self.twilio.from_number}", "whatsapp:+15145550162"),
			],
		)

	def test_whatsapp_thread_links_the_customer_by_its_number(self):
		customer = make_customer("_Test WhatsApp Customer")
		make_contact(customer, "514 555-0163")
		self.inbound("whatsapp:+15145550163", "Bonjour")
		self.assertEqual(
			frappe.db.get_value("SMS Conversation", "whatsapp:+15145550163", "customer"), customer
		)

	def test_staff_send_to_a_whatsapp_address_or_channel(self):
		self.inbound("whatsapp:+15145550164", "Allo?")
		api.send("whatsapp:+15145550164", "x")
		api.send("514 555-0164", "y", channel="WhatsApp")
		self.assertEqual(len(self.twilio.sent_to("whatsapp:+15145550164")), 2)
		self.assertEqual(frappe.db.count("SMS Message", {"conversation": "whatsapp:+15145550164"}), 3)
		with self.assertRaises(frappe.ValidationError):
			api.send("whatsapp:+15145550164", "z", channel="SMS")  # contradicts its own prefix

	def test_a_separate_whatsapp_sender_from_settings(self):
		other = "+15145550198"
		self.twilio.accounts[self.twilio.account_sid].whatsapp_numbers.add(other)
		self.inbound("whatsapp:+15145550165", "Bonjour")
		configure(self.twilio, whatsapp_sender="514 555-0198")
		try:
			self.assertEqual(frappe.db.get_single_value("Messaging Settings", "whatsapp_sender"), other)
			name = sms.send_sms("whatsapp:+15145550165", "x")
		finally:
			configure(self.twilio, whatsapp_sender="")
		self.assertEqual(self.twilio.requests[-1]["params"]["From"], f"whatsapp:{other}")
		self.assertEqual(frappe.db.get_value("SMS Message", name, "from_number"), f"whatsapp:{other}")


class TestWebhookFailures(TwilioTestCase):
	"""Past the signature check, a failure answers 5xx (Twilio may retry), never 4xx."""

	def test_signed_but_unreadable_inbound_is_5xx(self):
		params = self.twilio.inbound_params("+15145550171", "x")
		for broken in (
			{**params, "From": "messenger:12345"},
			{k: v for k, v in params.items() if k != "From"},
		):
			with self.assertRaises(api.TwilioWebhookFailed) as failed:
				self.post_webhook("twilio_inbound", broken)
			self.assertGreaterEqual(failed.exception.http_status_code, 500)
		self.assertFalse(frappe.db.exists("SMS Message", {"twilio_sid": params["MessageSid"]}))

	def test_a_failure_while_storing_is_5xx_and_the_retry_stores_it_once(self):
		params = self.twilio.inbound_params("+15145550172", "x")
		original = sms.receive_inbound

		def broken(inbound):
			raise frappe.LinkValidationError("Could not find Conversation")  # was answered 417

		sms.receive_inbound = broken
		try:
			with self.assertRaises(api.TwilioWebhookFailed) as failed:
				self.post_webhook("twilio_inbound", params)
		finally:
			sms.receive_inbound = original
		self.assertEqual(failed.exception.http_status_code, 500)
		for _attempt in range(2):  # Twilio's retries
			self.assertEqual(self.post_webhook("twilio_inbound", params).status_code, 200)
		self.assertEqual(frappe.db.count("SMS Message", {"twilio_sid": params["MessageSid"]}), 1)

	def test_bad_signature_stays_403(self):
		params = self.twilio.inbound_params("+15145550173", "x")
		with self.assertRaises(frappe.PermissionError):
			self.post_webhook("twilio_inbound", params, signature="bm90IGEgc2lnbmF0dXJl")
