# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""Incoming SMS through the real webhook: conversation, customer match, idempotency, TwiML."""

import frappe

from gigafibre_fsm.api import messaging as api
from gigafibre_fsm.messaging.doctype.sms_message.test_sms_message import TwilioTestCase
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
