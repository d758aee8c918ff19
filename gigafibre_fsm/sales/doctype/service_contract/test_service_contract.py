# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""Tier 2: a contract sent, accepted through its page's method, and given back byte for byte;
replayed, expired, cancelled, someone else's, altered; a commercial contract at two locations;
the order's acceptance by a signed-in customer."""

import base64
import email
import hashlib
import re
import shutil
import unittest
from contextlib import contextmanager

import frappe
from frappe.utils import add_to_date, now_datetime
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gigafibre_fsm.sales.doctype.service_contract import contract_acceptance
from gigafibre_fsm.tests import ERPNEXT_RECORDS, IntegrationTestCase
from gigafibre_fsm.tests.factories import make_customer, make_location, make_plan, make_user

IGNORE_TEST_RECORD_DEPENDENCIES = ERPNEXT_RECORDS  # Frappe v16
test_ignore = IGNORE_TEST_RECORD_DEPENDENCIES  # Frappe v15's name

API = "gigafibre_fsm.api.sales."
# Frappe v15 makes PDFs with wkhtmltopdf (a system package, not a Python one)
NEEDS_PDF = unittest.skipUnless(shutil.which("wkhtmltopdf"), "wkhtmltopdf is not installed: no PDF")
USER_AGENT = "Mozilla/5.0 (Linux; Android 14) Contract-Test/1.0"


def terms(title: str, text: str) -> str:
	if not frappe.db.exists("Terms and Conditions", title):
		frappe.get_doc(
			{"doctype": "Terms and Conditions", "title": title, "terms": text, "selling": 1}
		).insert(ignore_permissions=True)
	return title


def outgoing_email_account() -> None:
	"""frappe.sendmail queues through the default outgoing account (nothing is sent in tests)."""
	if frappe.db.exists("Email Account", {"default_outgoing": 1, "enable_outgoing": 1}):
		return
	account = frappe.get_doc(
		{
			"doctype": "Email Account",
			"email_account_name": "_Test Contracts Outgoing",
			"email_id": "contrats@example.ca",
			"smtp_server": "127.0.0.1",
			"enable_outgoing": 1,
			"default_outgoing": 1,
			"enable_incoming": 0,
			"no_smtp_authentication": 1,
		}
	)
	account.flags.ignore_validate = True  # no SMTP server is asked
	account.insert(ignore_permissions=True)


def portal_user(email_address: str, customer: str) -> str:
	user = make_user(email_address, "Customer", user_type="Website User")
	doc = frappe.get_doc("Customer", customer)
	if user not in [row.user for row in doc.get("portal_users", [])]:
		doc.append("portal_users", {"user": user})
		doc.save(ignore_permissions=True)
	return user


def make_contract(customer: str, locations: list[str], prices=(75,), **values):
	return frappe.get_doc(
		{
			"doctype": "Service Contract",
			"customer": customer,
			"language": "fr",
			"commitment_months": 24,
			"email": "client.contrat@example.com",
			"terms_template": terms("_Test Contract Terms FR", "<p>Résiliation : 30 jours d'avis.</p>"),
			"lines": [
				{"service_location": loc, "plan": make_plan(), "monthly_price": price}
				for loc, price in zip(locations, prices, strict=True)
			],
			**values,
		}
	).insert(ignore_permissions=True)


@contextmanager
def request(cmd: str, form: dict, user: str = "Guest", ip: str = "203.0.113.9", http_method: str = "POST"):
	"""Call as over HTTP: a werkzeug request with the caller's IP and browser, as `user`."""
	form = {k: str(v) for k, v in form.items()}
	builder = EnvironBuilder(
		method=http_method,
		path=f"/api/method/{cmd}",
		data=form if http_method == "POST" else None,
		query_string=None if http_method == "POST" else form,
		headers={"User-Agent": USER_AGENT},
	)
	frappe.set_user(user)  # first: it empties form_dict
	saved = {k: getattr(frappe.local, k, None) for k in ("request", "request_ip", "form_dict")}
	frappe.local.request = Request(builder.get_environ())
	frappe.local.request_ip = ip
	frappe.local.form_dict = frappe._dict(cmd=cmd, **form)
	try:
		yield
	finally:
		frappe.set_user("Administrator")
		for k, v in saved.items():
			setattr(frappe.local, k, v)
		frappe.cache.delete(frappe.cache.make_key(f"rl:{cmd}:{ip}"))


def call(cmd: str, form: dict, user: str = "Guest", ip: str = "203.0.113.9"):
	http_method = "GET" if cmd.endswith("download_accepted_contract") else "POST"
	with request(cmd, form, user, ip, http_method):
		return frappe.handler.execute_cmd(cmd)


def sent_token(contract: str) -> str:
	"""The token, read from the e-mail the customer got (the app keeps only its hash)."""
	queued = frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": "Service Contract", "reference_name": contract},
		fields=["message"],
		order_by="creation desc",
		limit=1,
	)
	message = email.message_from_string(queued[0].message)
	text = "".join(
		part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
		for part in message.walk()
		if part.get_content_type() in ("text/plain", "text/html")
	)
	return re.search(r"/contract\?token=([A-Za-z0-9_-]{43})", text).group(1)


def file_bytes(contract) -> bytes:
	with open(frappe.get_doc("File", contract.pdf_file).get_full_path(), "rb") as fh:
		return fh.read()


class TestServiceContract(IntegrationTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.customer_a = make_customer("_Test Contract Customer A")
		cls.customer_b = make_customer("_Test Contract Customer B")
		cls.user_a = portal_user("contract.customer.a@example.com", cls.customer_a)
		cls.user_b = portal_user("contract.customer.b@example.com", cls.customer_b)
		outgoing_email_account()

	def setUp(self):
		frappe.set_user("Administrator")
		self.office = make_location(self.customer_a, location_name="Bureau")
		self.shop = make_location(self.customer_a, location_name="Boutique")

	def tearDown(self):
		frappe.set_user("Administrator")

	# --- the document, without a PDF -----------------------------------------------------

	def test_a_commercial_contract_at_two_locations_with_gst_and_qst(self):
		contract = make_contract(self.customer_a, [self.office.name, self.shop.name], prices=(75, 49.99))
		self.assertRegex(contract.name, r"^CTR-\d{5}$")
		self.assertEqual(contract.status, "Draft")
		self.assertEqual([line.location_name for line in contract.lines], ["Bureau", "Boutique"])
		self.assertEqual(contract.monthly_total, 124.99)
		self.assertEqual(contract.monthly_taxes, 18.72)  # GST 6.25 + QST 12.47
		self.assertEqual(contract.monthly_total_with_taxes, 143.71)
		self.assertIn("30 jours", contract.terms)  # the operator's Terms and Conditions, copied

	def test_the_print_format_speaks_the_contract_s_language(self):
		contract = make_contract(self.customer_a, [self.office.name, self.shop.name], prices=(75, 49.99))
		lang = frappe.local.lang
		french = contract_acceptance.render_html(contract)
		for text in (
			"Total mensuel taxes incluses",
			"TPS 5 %",
			"TVQ 9,975 %",
			"24 mois",
			"Boutique",
			"30 jours",
		):
			self.assertIn(text, french)
		contract.language = "en"
		english = contract_acceptance.render_html(contract)
		for text in ("Monthly Total With Taxes", "GST 5%", "QST 9.975%", "24 months"):
			self.assertIn(text, english)
		self.assertNotIn("Total mensuel", english)
		self.assertEqual(frappe.local.lang, lang)  # printing put the session's language back

	def test_a_location_of_another_customer_is_refused(self):
		elsewhere = make_location(self.customer_b, location_name="Ailleurs")
		with self.assertRaises(frappe.ValidationError):
			make_contract(self.customer_a, [self.office.name, elsewhere.name], prices=(75, 75))

	def test_sending_and_acceptance_fields_are_not_typed_by_hand(self):
		contract = make_contract(self.customer_a, [self.office.name])
		for status in ("Sent", "Accepted"):
			contract.reload()
			contract.status = status
			with self.assertRaises(frappe.ValidationError):
				contract.save(ignore_permissions=True)
		contract.reload()
		contract.accepted_pdf_sha256 = "0" * 64
		with self.assertRaises(frappe.ValidationError):
			contract.save(ignore_permissions=True)

	def test_nothing_is_sent_without_terms_or_an_address(self):
		contract = make_contract(self.customer_a, [self.office.name], terms_template=None, terms=None)
		with self.assertRaises(frappe.ValidationError):
			contract_acceptance.send_for_acceptance(contract.name)
		contract = make_contract(self.customer_a, [self.office.name], email=None, mobile=None)
		with self.assertRaises(frappe.ValidationError):
			contract_acceptance.send_for_acceptance(contract.name)
		self.assertEqual(frappe.db.get_value("Service Contract", contract.name, "status"), "Draft")

	def test_a_bad_link_shows_nothing(self):
		from gigafibre_fsm.www import contract as page

		frappe.set_user("Guest")
		for token in ("", "not-a-valid-token", frappe.generate_hash(length=43)):
			frappe.local.form_dict = frappe._dict(token=token)
			context = page.get_context(frappe._dict())
			self.assertTrue(context.get("invalid"), token)
			self.assertNotIn("contract_name", context)
			with self.assertRaises(frappe.PermissionError):
				call(API + "accept_contract", {"token": token, "signer_name": "X", "agree": 1})

	# --- sent, accepted, given back ---------------------------------------------------------

	def send(self, contract) -> str:
		answer = call(API + "send_for_acceptance", {"contract": contract.name}, user="Administrator")
		self.assertEqual(answer["status"], "Sent")
		self.assertTrue(answer["email"])
		contract.reload()
		return sent_token(contract.name)

	@NEEDS_PDF
	def test_send_accept_download_byte_for_byte(self):
		contract = make_contract(self.customer_a, [self.office.name, self.shop.name], prices=(75, 49.99))
		token = self.send(contract)
		# only the hash is kept; the PDF is a private File attached to the contract
		self.assertEqual(contract.token_hash, hashlib.sha256(token.encode()).hexdigest())
		self.assertNotIn(token, str(contract.as_dict()))
		file = frappe.get_doc("File", contract.pdf_file)
		self.assertEqual(
			(file.is_private, file.attached_to_doctype, file.attached_to_name),
			(1, "Service Contract", contract.name),
		)
		pdf = file_bytes(contract)
		self.assertTrue(pdf.startswith(b"%PDF-"))
		self.assertEqual(contract.pdf_sha256, hashlib.sha256(pdf).hexdigest())

		# the page, as the customer who clicked the link
		from gigafibre_fsm.www import contract as page

		frappe.set_user("Guest")
		frappe.local.form_dict = frappe._dict(token=token)
		context = page.get_context(frappe._dict())
		frappe.set_user("Administrator")
		self.assertTrue(context.can_accept)
		self.assertEqual(context.pdf_sha256, contract.pdf_sha256)
		self.assertIn("Boutique", context.contract_html)

		answer = call(
			API + "accept_contract", {"token": token, "signer_name": " Marie-Ève  Tremblay ", "agree": "true"}
		)
		self.assertEqual(answer["status"], "Accepted")
		contract.reload()
		self.assertEqual(contract.status, "Accepted")
		self.assertEqual(contract.signer_name, "Marie-Ève Tremblay")
		self.assertEqual(contract.signer_email, "client.contrat@example.com")
		self.assertEqual(contract.accepted_ip, "203.0.113.9")
		self.assertEqual(contract.accepted_user_agent, USER_AGENT)
		self.assertEqual(contract.accepted_via, "Link")
		self.assertTrue(contract.accepted_at)
		self.assertEqual(contract.accepted_pdf_sha256, hashlib.sha256(file_bytes(contract)).hexdigest())
		self.assertEqual(contract.accepted_pdf_sha256, contract.pdf_sha256)

		# given back: the exact bytes, to the customer and to staff
		for user in (self.user_a, "Administrator"):
			frappe.local.response = frappe._dict()
			with request(
				API + "download_accepted_contract", {"contract": contract.name}, user, http_method="GET"
			):
				frappe.handler.execute_cmd(API + "download_accepted_contract")
				self.assertEqual(frappe.response["type"], "pdf")
				self.assertEqual(frappe.response["filecontent"], pdf)
			frappe.local.response = frappe._dict()

		# someone else: neither the download nor the link
		with self.assertRaises(frappe.PermissionError):
			call(API + "download_accepted_contract", {"contract": contract.name}, user=self.user_b)

		# accepted is final: no change, no second acceptance
		contract.reload()
		contract.commitment_months = 12
		with self.assertRaises(frappe.ValidationError):
			contract.save(ignore_permissions=True)
		contract.reload()
		contract.status = "Cancelled"
		with self.assertRaises(frappe.ValidationError):
			contract.save(ignore_permissions=True)
		with self.assertRaises(frappe.ValidationError):
			frappe.delete_doc("Service Contract", contract.name, ignore_permissions=True)
		accepted_at = frappe.db.get_value("Service Contract", contract.name, "accepted_at")
		with self.assertRaisesRegex(frappe.ValidationError, "already accepted on|déjà été accepté le"):
			call(
				API + "accept_contract",
				{"token": token, "signer_name": "Quelqu'un", "agree": 1},
				ip="198.51.100.4",
			)
		frappe.clear_messages()
		row = frappe.db.get_value(
			"Service Contract", contract.name, ["accepted_at", "accepted_ip", "signer_name"]
		)
		self.assertEqual(row, (accepted_at, "203.0.113.9", "Marie-Ève Tremblay"))

		# the page shows it accepted, no form
		frappe.set_user("Guest")
		frappe.local.form_dict = frappe._dict(token=token)
		context = page.get_context(frappe._dict())
		frappe.set_user("Administrator")
		self.assertTrue(context.accepted)
		self.assertFalse(context.can_accept)

	@NEEDS_PDF
	def test_the_page_renders_in_the_contract_s_language(self):
		from frappe.website.serve import get_response

		for language, texts in (
			("fr", ("Contrat de service", "Accepter le contrat", "Votre nom complet", "Empreinte SHA-256")),
			("en", ("Service Contract", "Accept the Contract", "Your full name", "SHA-256 fingerprint")),
		):
			contract = make_contract(self.customer_a, [self.office.name], language=language)
			token = self.send(contract)
			frappe.set_user("Guest")
			saved = getattr(frappe.local, "request", None)
			frappe.local.request = Request(
				EnvironBuilder(path="/contract", query_string={"token": token}).get_environ()
			)
			frappe.local.form_dict = frappe._dict(token=token)
			try:
				response = get_response("contract", 200)
			finally:
				frappe.local.request = saved
				frappe.set_user("Administrator")
			html = response.get_data(as_text=True)
			self.assertEqual(response.status_code, 200)
			for text in texts:
				self.assertIn(text, html)
			self.assertIn(
				"data:application/pdf;base64," + base64.b64encode(file_bytes(contract)).decode(), html
			)

	@NEEDS_PDF
	def test_a_refused_acceptance_records_nothing(self):
		contract = make_contract(self.customer_a, [self.office.name])
		token = self.send(contract)
		for form in (
			{"token": token, "signer_name": "", "agree": 1},
			{"token": token, "signer_name": "Jean Roy", "agree": 0},
		):
			with self.assertRaises(frappe.ValidationError):
				call(API + "accept_contract", form)
			frappe.clear_messages()
		contract.reload()
		self.assertEqual(contract.status, "Sent")
		self.assertFalse(contract.accepted_at or contract.signer_name or contract.accepted_pdf_sha256)

	@NEEDS_PDF
	def test_an_expired_link_is_refused_clearly_in_the_contract_s_language(self):
		for language, refusal in (
			("fr", "Ce lien de contrat a expiré"),
			("en", "This contract link has expired"),
		):
			contract = make_contract(self.customer_a, [self.office.name], language=language)
			token = self.send(contract)
			contract.db_set(
				"token_expires_on", add_to_date(now_datetime(), minutes=-1), update_modified=False
			)
			frappe.set_user("Guest")
			frappe.local.lang = "en" if language == "fr" else "fr"  # the browser's, not the contract's
			with self.assertRaisesRegex(frappe.ValidationError, refusal):
				contract_acceptance.accept_with_token(token, "Jean Roy", True)
			frappe.set_user("Administrator")
			frappe.clear_messages()
			self.assertEqual(frappe.db.get_value("Service Contract", contract.name, "status"), "Sent")

	@NEEDS_PDF
	def test_a_cancelled_or_withdrawn_contract_s_link_stops_working(self):
		for status in ("Cancelled", "Draft"):
			contract = make_contract(self.customer_a, [self.office.name])
			token = self.send(contract)
			contract.status = status
			contract.save(ignore_permissions=True)
			self.assertFalse(contract.token_hash)
			with self.assertRaises(frappe.PermissionError):
				call(API + "accept_contract", {"token": token, "signer_name": "Jean Roy", "agree": 1})
			frappe.clear_messages()
			self.assertEqual(frappe.db.get_value("Service Contract", contract.name, "status"), status)

	@NEEDS_PDF
	def test_a_sent_contract_s_content_is_frozen(self):
		contract = make_contract(self.customer_a, [self.office.name])
		self.send(contract)
		contract.lines[0].monthly_price = 1
		with self.assertRaises(frappe.ValidationError):
			contract.save(ignore_permissions=True)

	@NEEDS_PDF
	def test_a_draft_changed_after_its_pdf_was_made_loses_that_pdf(self):
		contract = make_contract(self.customer_a, [self.office.name])
		frappe.set_user(self.user_a)
		self.assertTrue(contract_acceptance.prepare_for_order(contract.name)["pdf_sha256"])
		frappe.set_user("Administrator")
		contract.reload()
		contract.lines[0].monthly_price = 80
		contract.save(ignore_permissions=True)
		self.assertFalse(contract.pdf_file or contract.pdf_sha256)
		frappe.set_user(self.user_a)
		with self.assertRaises(frappe.ValidationError):  # nothing recorded to accept
			contract_acceptance.accept_as_customer(contract.name, "Marie Tremblay", True)
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Service Contract", contract.name, "status"), "Draft")

	@NEEDS_PDF
	def test_someone_else_s_link_does_not_exist_for_a_signed_in_customer(self):
		from gigafibre_fsm.www import contract as page

		contract = make_contract(self.customer_a, [self.office.name])
		token = self.send(contract)
		frappe.set_user(self.user_b)
		frappe.local.form_dict = frappe._dict(token=token)
		self.assertTrue(page.get_context(frappe._dict()).get("invalid"))
		frappe.set_user("Administrator")
		with self.assertRaises(frappe.PermissionError):
			call(API + "accept_contract", {"token": token, "signer_name": "B", "agree": 1}, user=self.user_b)
		frappe.clear_messages()
		with self.assertRaises(frappe.PermissionError):
			call(API + "download_accepted_contract", {"contract": contract.name}, user=self.user_b)
		self.assertEqual(frappe.db.get_value("Service Contract", contract.name, "status"), "Sent")

	@NEEDS_PDF
	def test_an_altered_pdf_is_never_accepted_nor_given_back(self):
		contract = make_contract(self.customer_a, [self.office.name])
		token = self.send(contract)
		path = frappe.get_doc("File", contract.pdf_file).get_full_path()
		original = file_bytes(contract)
		with open(path, "ab") as fh:
			fh.write(b"%% altered\n")
		try:
			with self.assertRaises(frappe.ValidationError):
				call(API + "accept_contract", {"token": token, "signer_name": "Jean Roy", "agree": 1})
			frappe.clear_messages()
			self.assertEqual(frappe.db.get_value("Service Contract", contract.name, "status"), "Sent")
			with open(path, "wb") as fh:
				fh.write(original)
			call(API + "accept_contract", {"token": token, "signer_name": "Jean Roy", "agree": 1})
			with open(path, "ab") as fh:
				fh.write(b"%% altered after\n")
			with self.assertRaises(frappe.ValidationError):
				contract_acceptance.accepted_pdf(contract.name)
		finally:
			with open(path, "wb") as fh:
				fh.write(original)
		frappe.clear_messages()
		self.assertEqual(contract_acceptance.accepted_pdf(contract.name)[1], original)

	@NEEDS_PDF
	def test_accepted_during_the_order_by_the_signed_in_customer(self):
		contract = make_contract(self.customer_a, [self.office.name, self.shop.name], prices=(60, 60))
		frappe.set_user(self.user_b)
		with self.assertRaises(frappe.PermissionError):
			contract_acceptance.prepare_for_order(contract.name)
		frappe.set_user(self.user_a)
		shown = contract_acceptance.prepare_for_order(contract.name)
		with self.assertRaises(frappe.ValidationError):
			contract_acceptance.accept_as_customer(contract.name, "Marie Tremblay", True, pdf_sha256="0" * 64)
		answer = contract_acceptance.accept_as_customer(
			contract.name, "Marie Tremblay", True, pdf_sha256=shown["pdf_sha256"]
		)
		frappe.set_user("Administrator")
		contract.reload()
		self.assertEqual(answer["status"], "Accepted")
		self.assertEqual((contract.accepted_via, contract.signer_user), ("Order", self.user_a))
		self.assertEqual(contract.accepted_pdf_sha256, hashlib.sha256(file_bytes(contract)).hexdigest())
		self.assertEqual(contract.accepted_pdf_sha256, shown["pdf_sha256"])


class TestServiceContractBySms(IntegrationTestCase):
	"""The link sent by SMS through the messaging layer, Twilio replaced by its local double at the
	HTTP boundary (Messaging Settings' API Base URL)."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		from simulators.twilio_api import TwilioApiDouble

		cls.twilio = TwilioApiDouble().start()
		settings = frappe.get_single("Messaging Settings")
		settings.update(
			{
				"enabled": 1,
				"account_sid": cls.twilio.account_sid,
				"auth_token": cls.twilio.auth_token,
				"sender": cls.twilio.from_number,
				"public_base_url": "https://fsm.example.ca",
				"api_base_url": cls.twilio.base_url,
				"timeout_seconds": 5,
			}
		)
		settings.save(ignore_permissions=True)
		cls.customer = make_customer("_Test Contract SMS Customer")

	@classmethod
	def tearDownClass(cls):
		cls.twilio.stop()
		super().tearDownClass()

	@NEEDS_PDF
	def test_the_link_goes_by_sms_and_accepts(self):
		location = make_location(self.customer, location_name="Chalet")
		contract = make_contract(self.customer, [location.name], email=None, mobile="514 555-0188")
		answer = call(API + "send_for_acceptance", {"contract": contract.name}, user="Administrator")
		self.assertEqual((answer["email"], answer["sms"]), (False, True))
		message = frappe.get_all(
			"SMS Message",
			filters={"reference_doctype": "Service Contract", "reference_name": contract.name},
			fields=["to_number", "body"],
		)
		self.assertEqual([m.to_number for m in message], ["+15145550188"])
		sent = [r["params"] for r in self.twilio.requests if r["params"].get("To") == "+15145550188"]
		self.assertEqual(len(sent), 1)
		self.assertIn(contract.name, sent[0]["Body"])
		token = re.search(r"/contract\?token=([A-Za-z0-9_-]{43})", sent[0]["Body"]).group(1)
		call(API + "accept_contract", {"token": token, "signer_name": "Luc Gagnon", "agree": 1})
		self.assertEqual(frappe.db.get_value("Service Contract", contract.name, "status"), "Accepted")
