# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""No inbound message is lost: concurrent first messages from new senders, through a real
gunicorn serving this site, each stored exactly once and each answered 2xx.

Twilio posts every incoming message as its own HTTP request, so two messages from a new
sender can reach two workers at once, both creating the sender's conversation. The test starts
gunicorn from the bench (4 workers on a free 127.0.0.1 port), fires signed webhooks from 8
threads in rounds where several threads post first messages of the same new senders at the
same instant (SMS and WhatsApp), then posts some again at once (Twilio's retries), and counts
what the database holds. gunicorn commits in its own transactions, so the test commits the
Messaging Settings it needs, restores them, and deletes every row it made.
"""

import random
import threading
from dataclasses import dataclass
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import frappe
from frappe.utils.password import remove_encrypted_password

from gigafibre_fsm.tests import IntegrationTestCase
from gigafibre_fsm.tests.gunicorn import Gunicorn
from simulators.twilio_api import TwilioApiDouble

PUBLIC = "https://fsm.example.ca"
PATH = "/api/method/gigafibre_fsm.api.messaging.twilio_inbound"
THREADS = 8
ROUNDS = 10
SENDERS_PER_ROUND = 2  # each posted by THREADS // SENDERS_PER_ROUND threads at the same instant
SETTINGS_FIELDS = ("public_base_url",)


@dataclass
class Posted:
	sid: str
	sender: str
	status: int
	body: str


def new_senders(count: int) -> list[str]:
	"""Fictional Montréal numbers (438-555-xxxx) that have no conversation yet; every other
	one on WhatsApp."""
	found: list[str] = []
	while len(found) < count:
		number = f"+1438555{random.randrange(10000):04d}"
		address = f"whatsapp:{number}" if len(found) % 2 else number
		if address not in found and not frappe.db.exists("SMS Conversation", address):
			found.append(address)
	return found


def post(base_url: str, site: str, token: str, params: dict) -> tuple[int, str]:
	"""POST one webhook as Twilio does: a form, signed for the public URL."""
	from twilio.request_validator import RequestValidator

	headers = {
		"Content-Type": "application/x-www-form-urlencoded",
		"User-Agent": "TwilioProxy/1.1",
		"X-Twilio-Signature": RequestValidator(token).compute_signature(PUBLIC + PATH, params),
		"Host": site,
		"X-Frappe-Site-Name": site,
	}
	request = Request(base_url + PATH, data=urlencode(params).encode(), headers=headers, method="POST")
	try:
		with urlopen(request, timeout=60) as response:
			return response.status, response.read().decode("utf-8", "replace")
	except HTTPError as e:
		return e.code, e.read().decode("utf-8", "replace")[:500]


def fire(base_url: str, site: str, token: str, rounds: list[list[dict]]) -> list[Posted]:
	"""Post each round's webhooks from THREADS threads that start each round together."""
	barrier = threading.Barrier(THREADS)
	results: list[Posted] = []
	lock = threading.Lock()

	def worker(index: int):
		for webhooks in rounds:
			params = webhooks[index]
			barrier.wait()
			status, body = post(base_url, site, token, params)
			with lock:
				results.append(Posted(params["MessageSid"], params["From"], status, body))

	threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
	for t in threads:
		t.start()
	for t in threads:
		t.join()
	return results


class TestConcurrentInbound(IntegrationTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.site = frappe.local.site
		cls.twilio = TwilioApiDouble().start()  # its account's token signs the webhooks
		settings = frappe.get_single("Messaging Settings")
		cls.saved = {f: settings.get(f) for f in SETTINGS_FIELDS}
		cls.saved_token = settings.get_password("auth_token", raise_exception=False)
		settings.update({"auth_token": cls.twilio.auth_token, "public_base_url": PUBLIC})
		settings.save(ignore_permissions=True)
		frappe.db.commit()  # nosemgrep: gunicorn's workers read them in their own transactions
		cls.server = None
		try:
			cls.server = Gunicorn().start(cls.site)
		except BaseException:
			cls._restore_settings()
			cls.twilio.stop()
			raise

	@classmethod
	def _restore_settings(cls):
		settings = frappe.get_single("Messaging Settings")
		settings.update(cls.saved)
		if cls.saved_token:
			settings.auth_token = cls.saved_token
		settings.save(ignore_permissions=True)
		if not cls.saved_token:
			remove_encrypted_password("Messaging Settings", "Messaging Settings", "auth_token")
		frappe.db.commit()  # nosemgrep

	@classmethod
	def tearDownClass(cls):
		try:
			if cls.server:
				cls.server.stop()
			cls._restore_settings()
		finally:
			cls.twilio.stop()
			super().tearDownClass()

	def setUp(self):
		self.addresses: list[str] = []
		self.addCleanup(self.delete_what_was_made)

	def delete_what_was_made(self):
		if self.addresses:
			frappe.db.delete("SMS Message", {"conversation": ["in", self.addresses]})
			frappe.db.delete("SMS Conversation", {"name": ["in", self.addresses]})
			frappe.db.commit()  # nosemgrep: the rows were committed by gunicorn

	def test_concurrent_first_messages_are_each_stored_once(self):
		per_sender = THREADS // SENDERS_PER_ROUND
		self.addresses = new_senders(ROUNDS * SENDERS_PER_ROUND)
		rounds = []
		for r in range(ROUNDS):
			senders = self.addresses[r * SENDERS_PER_ROUND : (r + 1) * SENDERS_PER_ROUND]
			rounds.append(
				[
					self.twilio.inbound_params(sender, f"message {i} de {sender}")
					for sender in senders
					for i in range(per_sender)
				]
			)
		results = fire(self.server.base_url, self.site, self.twilio.auth_token, rounds)
		retried = fire(  # Twilio's retries of round 0, each webhook posted by every thread at once
			self.server.base_url,
			self.site,
			self.twilio.auth_token,
			[[webhook] * THREADS for webhook in rounds[0][:2]],
		)

		failures = [
			(p.status, p.sender, p.body[:200]) for p in results + retried if not 200 <= p.status < 300
		]
		self.assertEqual(failures, [], f"{len(failures)} of {len(results + retried)} webhooks were not 2xx")
		self.assertEqual(len(results), THREADS * ROUNDS)

		frappe.db.rollback()  # a fresh snapshot: see what gunicorn committed
		stored = frappe.get_all(
			"SMS Message",
			filters={"conversation": ["in", self.addresses]},
			fields=["twilio_sid", "conversation", "channel", "direction"],
		)
		sids = [p.sid for p in results]
		self.assertEqual(sorted(m.twilio_sid for m in stored), sorted(sids), "each message stored once")
		for message in stored:
			channel = "WhatsApp" if message.conversation.startswith("whatsapp:") else "SMS"
			self.assertEqual((message.direction, message.channel), ("Inbound", channel))
		conversations = frappe.get_all(
			"SMS Conversation",
			filters={"name": ["in", self.addresses]},
			fields=["name", "phone", "channel", "unread_count"],
		)
		self.assertEqual(sorted(c.name for c in conversations), sorted(self.addresses))
		for c in conversations:
			self.assertEqual(c.phone, c.name)
			self.assertEqual(c.channel, "WhatsApp" if c.name.startswith("whatsapp:") else "SMS")
			self.assertEqual(c.unread_count, per_sender, f"{c.name} counts every message once")
