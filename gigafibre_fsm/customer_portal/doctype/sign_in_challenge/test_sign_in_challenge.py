# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""Signing in without a password, end to end through the real whitelisted methods: the code by
SMS through messaging's send_sms and the local Twilio double, the link by e-mail read back from
the Email Queue, Frappe's own session (login_as), the limits, the lockout, no enumeration, and
what the signed-in customer may read afterwards."""

import email
import random
import re
from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

import frappe
from frappe.auth import CookieManager, LoginManager
from frappe.utils import now_datetime
from werkzeug.test import EnvironBuilder

from gigafibre_fsm.customer_portal.services import sign_in
from gigafibre_fsm.permissions.services import scopes
from gigafibre_fsm.tests import ERPNEXT_RECORDS, IntegrationTestCase
from gigafibre_fsm.tests.factories import make_customer, make_location, make_user
from simulators.twilio_api import TwilioApiDouble

IGNORE_TEST_RECORD_DEPENDENCIES = ERPNEXT_RECORDS  # Frappe v16
test_ignore = IGNORE_TEST_RECORD_DEPENDENCIES  # Frappe v15's name

API = "gigafibre_fsm.api.customer_portal."
RUN = random.randint(1000, 9999)  # numbers and addresses of this run (limits count earlier challenges)


EXCHANGE = 200 + RUN % 700 + (1 if (200 + RUN % 700) % 100 == 11 else 0)  # a valid NXX, not N11


def phone(n: int) -> str:
	return f"+1514{EXCHANGE}{n:04d}"


def configure_twilio(twilio: TwilioApiDouble) -> None:
	settings = frappe.get_single("Messaging Settings")
	settings.update(
		{
			"enabled": 1,
			"account_sid": twilio.account_sid,
			"auth_token": twilio.auth_token,
			"sender": twilio.from_number,
			"public_base_url": "https://portail.example.ca",
			"api_base_url": twilio.base_url,
			"timeout_seconds": 5,
		}
	)
	settings.save(ignore_permissions=True)


def ensure_outgoing_email_account() -> None:
	"""frappe.sendmail queues through the default outgoing account; nothing is sent in tests."""
	if frappe.db.exists("Email Account", {"default_outgoing": 1, "enable_outgoing": 1}):
		return
	account = frappe.get_doc(
		{
			"doctype": "Email Account",
			"email_account_name": "_Test Sign-in Outgoing",
			"email_id": "portail@example.ca",
			"smtp_server": "127.0.0.1",
			"enable_outgoing": 1,
			"default_outgoing": 1,
			"enable_incoming": 0,
			"no_smtp_authentication": 1,
		}
	)
	account.flags.ignore_validate = True
	account.insert(ignore_permissions=True)


def make_contact(
	customer: str, first_name: str, phone_no: str | None = None, email_id: str | None = None
) -> str:
	contact = frappe.get_doc({"doctype": "Contact", "first_name": first_name})
	if phone_no:
		contact.append("phone_nos", {"phone": phone_no, "is_primary_mobile_no": 1})
	if email_id:
		contact.append("email_ids", {"email_id": email_id, "is_primary": 1})
	contact.append("links", {"link_doctype": "Customer", "link_name": customer})
	return contact.insert(ignore_permissions=True).name


class TestSignIn(IntegrationTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.twilio = TwilioApiDouble().start()
		configure_twilio(cls.twilio)
		ensure_outgoing_email_account()

	@classmethod
	def tearDownClass(cls):
		cls.twilio.stop()
		frappe.set_user("Administrator")
		super().tearDownClass()

	def setUp(self):
		frappe.set_user("Administrator")
		self.twilio.requests.clear()
		# Frappe's rate limiter counts per IP in Redis for an hour: an address of this test alone
		self.ip = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
		# Frappe's login commits (Session.start): here the test's transaction is kept, and rolled back
		self._commit = patch.object(frappe.db, "commit")
		self._commit.start()

	def tearDown(self):
		self._commit.stop()
		frappe.set_user("Administrator")
		frappe.local.request = None
		frappe.local.request_ip = None
		frappe.local.lang = "en"

	# --- helpers ---------------------------------------------------------------------------

	@contextmanager
	def request(self, cmd: str, form: dict, cookies: dict | None = None):
		"""An HTTP request as Frappe builds one: werkzeug request, caller IP, form, cookie and
		login managers (a Guest session, as a visitor's browser has)."""
		builder = EnvironBuilder(method="POST", path=f"/api/method/{cmd}", data=form)
		for key, value in (cookies or {}).items():
			builder.headers.add("Cookie", f"{key}={value}")
		frappe.local.request = builder.get_request()
		frappe.local.request_ip = self.ip
		frappe.local.response = frappe._dict()
		frappe.set_user("Guest")  # (resets form_dict)
		frappe.local.cookie_manager = CookieManager()
		frappe.local.login_manager = LoginManager()
		frappe.local.form_dict = frappe._dict(cmd=cmd, **form)
		frappe.local.lang = form.get("_lang") or "en"  # as HTTPRequest.set_lang reads `_lang`
		yield

	def call(self, method: str, **form):
		"""Call a sign-in endpoint as a visitor would (whitelist, HTTP method, rate limit)."""
		with self.request(API + method, form):
			return frappe.handler.execute_cmd(API + method)

	def refused(self, method: str, exc=frappe.PermissionError, **form) -> str:
		with self.assertRaises(exc) as caught:
			self.call(method, **form)
		self.assertEqual(frappe.session.user, "Guest")
		return str(caught.exception)

	def code_sent_to(self, number: str) -> str:
		[message] = self.twilio.sent_to(number)[-1:]
		return re.search(r"\b(\d{6})\b", message["body"]).group(1)

	def customer_with_phone(self, label: str, number_as_typed: str, language: str = "fr"):
		customer = make_customer(f"_Test Sign-in {label} {RUN}")
		frappe.db.set_value("Customer", customer, "language", language)
		contact = make_contact(customer, f"Client {label}", phone_no=number_as_typed)
		return customer, contact

	def challenges(self, destination: str) -> list[dict]:
		return frappe.get_all(
			"Sign-in Challenge", filters={"destination": destination}, fields=["*"], order_by="creation"
		)

	# --- the code by SMS ------------------------------------------------------------------------

	def test_a_customer_signs_in_with_a_code_and_reads_only_their_own_records(self):
		number = phone(1)
		typed = f"({number[2:5]}) {number[5:8]}-{number[8:]}"  # as the Contact was typed in
		customer, contact = self.customer_with_phone("SMS", typed)
		other = make_customer(f"_Test Sign-in Other {RUN}")
		mine, theirs = make_location(customer).name, make_location(other).name

		answer = self.call("request_code", phone=typed)
		self.assertEqual(answer, {"channel": "SMS", "sent_to": number, "expires_in_minutes": 10})
		[sms] = self.twilio.sent_to(number)
		self.assertIn("Votre code de connexion Gigafibre est", sms["body"])  # the customer's language
		code = self.code_sent_to(number)
		self.assertTrue(sms["body"].endswith(f"#{code}"))  # WebOTP line
		[challenge] = self.challenges(number)
		self.assertNotIn(code, str({k: v for k, v in challenge.items() if k != "name"}))  # hash only
		self.assertEqual(challenge.secret_hash, sign_in.hasher().code_hash(number, code))
		self.assertEqual(challenge.ip, self.ip)

		answer = self.call("verify_code", phone=number, code=code)
		self.assertTrue(answer["signed_in"])
		user = answer["user"]
		self.assertEqual(frappe.session.user, user)  # Frappe's own session, made by login_as
		self.assertTrue(frappe.local.session_obj.sid and frappe.local.session_obj.sid != "Guest")
		self.assertTrue(frappe.session.data.csrf_token)  # given at sign-in: Frappe checks it from now on
		self.assertEqual(
			user, f"{number.lstrip('+')}@{sign_in.PHONE_USER_DOMAIN}"
		)  # no e-mail on the Contact
		self.assertEqual(frappe.db.get_value("User", user, "user_type"), "Website User")
		self.assertIn("Customer", frappe.get_roles(user))
		self.assertEqual(frappe.db.get_value("Contact", contact, "user"), user)
		self.assertIn(user, [r.user for r in frappe.get_doc("Customer", customer).portal_users])
		self.assertEqual(frappe.db.get_value("Sign-in Challenge", challenge.name, "user"), user)
		self.assertTrue(frappe.db.get_value("Sign-in Challenge", challenge.name, "used_at"))

		# the permission layer knows them, both ways they are linked, and lists only their records
		self.assertEqual(scopes.customers_of(user), [customer])
		frappe.set_user(user)
		self.assertEqual(
			frappe.get_list("Service Location", filters={"name": ("in", [mine, theirs])}, pluck="name"),
			[mine],
		)
		frappe.set_user("Administrator")

		# the SMS record no longer shows the code (staff may read SMS records)
		self.assertNotIn(code, frappe.db.get_value("SMS Message", {"reference_name": challenge.name}, "body"))

		# the same code again: refused, nothing changes
		message = self.refused("verify_code", phone=number, code=code)
		self.assertIn("already been used", message)

	def test_wrong_codes_count_and_the_fifth_locks_even_the_right_code(self):
		number = phone(2)
		self.customer_with_phone("Lock", number, language="en")
		self.call("request_code", phone=number)
		code = self.code_sent_to(number)
		wrong = f"{(int(code) + 1) % 10**6:06d}"
		for left in (4, 3, 2, 1):
			self.assertIn(f"{left} tries left", self.refused("verify_code", phone=number, code=wrong))
		self.assertIn("Too many wrong codes", self.refused("verify_code", phone=number, code=wrong))
		self.assertIn("Too many wrong codes", self.refused("verify_code", phone=number, code=code))
		[challenge] = self.challenges(number)
		self.assertEqual((challenge.tries, challenge.used_at, challenge.user), (5, None, None))
		self.assertNotIn(code, frappe.db.get_value("SMS Message", {"reference_name": challenge.name}, "body"))
		# a typo that cannot be a code is refused without counting (and says why)
		with self.assertRaises(frappe.ValidationError):
			self.call("verify_code", phone=number, code="12")
		# a new code replaces the locked one
		self.call("request_code", phone=number)
		self.assertTrue(self.call("verify_code", phone=number, code=self.code_sent_to(number))["signed_in"])

	def test_an_expired_code_is_refused_and_changes_nothing(self):
		number = phone(3)
		_customer, contact = self.customer_with_phone("Expired", number)
		self.call("request_code", phone=number)
		code = self.code_sent_to(number)
		[challenge] = self.challenges(number)
		frappe.db.set_value(
			"Sign-in Challenge", challenge.name, "expires_at", now_datetime() - timedelta(seconds=1)
		)
		users_before = frappe.db.count("User")
		self.assertIn("has expired", self.refused("verify_code", phone=number, code=code))
		self.assertEqual(frappe.db.count("User"), users_before)
		self.assertIsNone(frappe.db.get_value("Contact", contact, "user"))
		self.assertIsNone(frappe.db.get_value("Sign-in Challenge", challenge.name, "used_at"))

	def test_the_daily_job_hides_expired_codes_and_deletes_old_challenges(self):
		number = phone(10)
		self.call("request_code", phone=number)
		code = self.code_sent_to(number)
		[challenge] = self.challenges(number)
		message = frappe.db.get_value("SMS Message", {"reference_name": challenge.name}, "name")
		sign_in.delete_old_challenges()
		self.assertIn(code, frappe.db.get_value("SMS Message", message, "body"))  # still live: kept
		frappe.db.set_value(
			"Sign-in Challenge", challenge.name, "expires_at", now_datetime() - timedelta(minutes=1)
		)
		sign_in.delete_old_challenges()
		self.assertNotIn(code, frappe.db.get_value("SMS Message", message, "body"))
		self.assertTrue(frappe.db.exists("Sign-in Challenge", challenge.name))
		frappe.db.set_value(
			"Sign-in Challenge",
			challenge.name,
			"creation",
			now_datetime() - timedelta(days=sign_in.KEEP_DAYS + 1),
		)
		sign_in.delete_old_challenges()
		self.assertFalse(frappe.db.exists("Sign-in Challenge", challenge.name))

	def test_the_permission_layer_knows_a_user_by_the_contacts_user_field_alone(self):
		"""No Portal User row, no Contact e-mail: Contact.user alone ties the user to the customer."""
		customer = make_customer(f"_Test Sign-in Contact User {RUN}")
		user = make_user(f"contact.user.{RUN}@example.ca", "Customer", user_type="Website User")
		contact = make_contact(customer, "Contact User", phone_no=phone(11))
		self.assertEqual(scopes.customers_of(user), [])
		frappe.db.set_value("Contact", contact, "user", user)
		self.assertEqual(scopes.customers_of(user), [customer])
		location = make_location(customer).name
		frappe.set_user(user)
		self.assertEqual(
			frappe.get_list("Service Location", filters={"name": location}, pluck="name"), [location]
		)

	def test_a_french_message_for_a_french_visitor(self):
		number = phone(4)
		self.customer_with_phone("Fr", number, language="en")
		self.call("request_code", phone=number)
		wrong = f"{(int(self.code_sent_to(number)) + 1) % 10**6:06d}"
		message = self.refused("verify_code", phone=number, code=wrong, _lang="fr")
		self.assertIn("Ce code n'est pas celui que nous avons envoyé", message)

	# --- the link by e-mail -----------------------------------------------------------------------

	def sent_link(self, address: str) -> str:
		queued = frappe.get_all(
			"Email Queue Recipient",
			filters={"recipient": address},
			pluck="parent",
			order_by="creation desc",
			limit=1,
		)
		self.assertTrue(queued, f"no e-mail queued for {address}")
		raw = frappe.db.get_value("Email Queue", queued[0], "message")
		body = "".join(
			part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
			for part in email.message_from_string(raw).walk()
			if part.get_content_type() == "text/html"
		)
		return re.search(r"/portal-sign-in\?token=([A-Za-z0-9_-]{43})", body).group(1)

	def test_a_customer_signs_in_with_a_link_once(self):
		address = f"marie.{RUN}@example.ca"
		customer = make_customer(f"_Test Sign-in Link {RUN}")
		frappe.db.set_value("Customer", customer, "language", "fr")
		contact = make_contact(customer, "Marie", email_id=address.replace("marie", "Marie"))
		answer = self.call("request_link", email=f"  {address.upper()} ")
		self.assertEqual(answer["sent_to"], address)
		token = self.sent_link(address)
		[challenge] = self.challenges(address)
		self.assertNotIn(token, str(challenge))
		subject = frappe.db.get_value(
			"Email Queue",
			{"reference_doctype": "Sign-in Challenge", "reference_name": challenge.name},
			"message",
		)
		self.assertIn("Votre lien de connexion", email.message_from_string(subject)["Subject"] or "")

		# opening the page uses nothing (mail scanners open links)
		from gigafibre_fsm.www import portal_sign_in

		frappe.set_user("Guest")
		frappe.local.form_dict = frappe._dict(token=token)
		self.assertIsNone(portal_sign_in.get_context(frappe._dict()).link_problem)
		self.assertIsNone(frappe.db.get_value("Sign-in Challenge", challenge.name, "used_at"))

		answer = self.call("consume_link", token=token)
		self.assertTrue(answer["signed_in"])
		self.assertEqual(frappe.session.user, address)
		self.assertEqual(frappe.db.get_value("Contact", contact, "user"), address)
		self.assertEqual(scopes.customers_of(address), [customer])

		self.assertIn("already been used", self.refused("consume_link", token=token))  # replayed
		frappe.set_user("Guest")
		frappe.local.form_dict = frappe._dict(token=token)
		self.assertIn("already been used", portal_sign_in.get_context(frappe._dict()).link_problem)

	def test_an_expired_or_unknown_link_is_refused(self):
		address = f"expired.{RUN}@example.ca"
		self.call("request_link", email=address)
		token = self.sent_link(address)
		[challenge] = self.challenges(address)
		frappe.db.set_value(
			"Sign-in Challenge", challenge.name, "expires_at", now_datetime() - timedelta(seconds=1)
		)
		self.assertIn("has expired", self.refused("consume_link", token=token))
		self.assertIn("not valid", self.refused("consume_link", token=token[:-2] + "xx"))
		self.assertIsNone(frappe.db.get_value("Sign-in Challenge", challenge.name, "used_at"))

	def test_a_staff_account_is_never_signed_in_by_a_link(self):
		address = f"staff.{RUN}@example.ca"
		make_user(address, "Dispatcher")
		make_contact(make_customer(f"_Test Sign-in Staff {RUN}"), "Staff", email_id=address)
		self.call("request_link", email=address)
		message = self.refused("consume_link", token=self.sent_link(address))
		self.assertIn("cannot sign in here", message)
		self.assertIsNone(
			frappe.db.get_value("Sign-in Challenge", {"destination": address}, "used_at")
		)  # refused: rolled back with the request

	# --- strangers and enumeration -------------------------------------------------------------------

	def test_the_answer_is_the_same_for_a_customer_and_a_stranger(self):
		known, unknown = phone(5), phone(6)
		self.customer_with_phone("Known", known)
		a = self.call("request_code", phone=known)
		b = self.call("request_code", phone=unknown)
		self.assertEqual({**a, "sent_to": None}, {**b, "sent_to": None})
		self.assertEqual(len(self.twilio.sent_to(known)), 1)
		self.assertEqual(len(self.twilio.sent_to(unknown)), 1)  # a stranger gets a code too
		self.assertEqual(
			self.call("request_link", email=f"known.{RUN}@example.ca").keys(),
			self.call("request_link", email=f"nobody.{RUN}@example.ca").keys(),
		)

	def test_a_stranger_gets_a_verified_identity_and_no_user(self):
		number = phone(7)
		users_before = frappe.db.count("User")
		self.call("request_code", phone=number)
		answer = self.call("verify_code", phone=number, code=self.code_sent_to(number))
		self.assertEqual((answer["signed_in"], answer["verified"], answer["sent_to"]), (False, True, number))
		self.assertEqual(frappe.session.user, "Guest")
		self.assertEqual(frappe.db.count("User"), users_before)
		cookie = frappe.local.cookie_manager.cookies[sign_in.IDENTITY_COOKIE]
		self.assertTrue(cookie["httponly"])
		with self.request(API + "verify_code", {}, cookies={sign_in.IDENTITY_COOKIE: cookie["value"]}):
			identity = sign_in.verified_identity()
		self.assertEqual((identity.channel, identity.destination), ("SMS", number))
		forged = cookie["value"][:-1] + ("0" if cookie["value"][-1] != "0" else "1")
		with self.request(API + "verify_code", {}, cookies={sign_in.IDENTITY_COOKIE: forged}):
			self.assertIsNone(sign_in.verified_identity())

	# --- limits ---------------------------------------------------------------------------------------

	def test_five_codes_per_phone_per_hour(self):
		number = phone(8)
		base = self.ip.rsplit(".", 1)[0]
		for i in range(5):
			self.ip = f"{base}.{i + 1}"  # from five addresses: the phone's limit, not the IP's
			self.call("request_code", phone=number)
		self.ip = f"{base}.99"
		message = self.refused("request_code", exc=frappe.RateLimitExceededError, phone=number)
		self.assertIn("Too many codes", message)
		self.assertEqual(len(self.challenges(number)), 5)
		self.assertEqual(len(self.twilio.sent_to(number)), 5)

	def test_twenty_codes_per_ip_per_hour(self):
		for i in range(20):
			self.call("request_code", phone=phone(100 + i))
		message = self.refused("request_code", exc=frappe.RateLimitExceededError, phone=phone(200))
		self.assertEqual(self.challenges(phone(200)), [])
		self.assertEqual(self.twilio.sent_to(phone(200)), [])
		self.assertTrue(message)
		# the service's own count per IP (the stored challenges), without Frappe's limiter
		frappe.local.request_ip = self.ip
		with self.assertRaises(frappe.RateLimitExceededError) as caught:
			sign_in.request_code(phone(201))
		self.assertIn("from your network", str(caught.exception))

	def test_verify_is_rate_limited_per_ip(self):
		number = phone(9)
		refusals = []
		for _ in range(31):
			try:
				self.call("verify_code", phone=number, code="123456")
			except Exception as e:
				refusals.append(type(e).__name__)
		frappe.set_user("Administrator")
		self.assertEqual(refusals[:30], ["SignInRefused"] * 30)
		self.assertEqual(refusals[30], "RateLimitExceededError")
