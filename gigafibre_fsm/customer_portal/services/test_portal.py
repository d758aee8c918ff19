# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""Tier 2: the customer portal's pages (/me ...) and methods on a real site, as two customers
(A linked by the Customer's Portal Users, B by a Contact with their e-mail), a stranger and
staff: each customer sees and changes only their own invoices, payments, services, equipment,
tickets and contact; a visitor is sent to sign in; everyone else is refused."""

import json
import random

import frappe
from frappe.utils import add_to_date, now_datetime, nowdate

from gigafibre_fsm.tests import IntegrationTestCase
from gigafibre_fsm.tests.erpnext_limits import why_erpnext_cannot_post_invoices
from gigafibre_fsm.tests.factories import make_customer, make_location, make_plan, make_user

API = "gigafibre_fsm.api.customer_portal."
RUN = random.randint(1000, 9999)


def call(cmd: str, **args):
	"""A whitelisted method through Frappe's handler (whitelist, HTTP method), as over HTTP."""
	from werkzeug.test import EnvironBuilder
	from werkzeug.wrappers import Request

	form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in args.items()}
	fn = frappe.get_attr(cmd)
	http_method = (frappe.allowed_http_methods_for_whitelisted_func.get(fn) or ["POST"])[0]
	where = {"data": form} if http_method == "POST" else {"query_string": form}
	frappe.local.request = Request(
		EnvironBuilder(method=http_method, path=f"/api/method/{cmd}", **where).get_environ()
	)
	frappe.local.form_dict = frappe._dict(cmd=cmd, **form)
	try:
		return frappe.handler.execute_cmd(cmd)
	finally:
		frappe.local.form_dict = frappe._dict()


def page(module: str, **form):
	"""A /me page's context, built as Frappe builds it for the session user."""
	frappe.local.form_dict = frappe._dict(form)
	try:
		return importlib_page(module).get_context(frappe._dict())
	finally:
		frappe.local.form_dict = frappe._dict()


def importlib_page(module: str):
	import importlib

	return importlib.import_module(f"gigafibre_fsm.www.me.{module}")


class TestCustomerPortalPages(IntegrationTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.company = (
			frappe.defaults.get_global_default("company") or frappe.get_all("Company", pluck="name")[0]
		)
		cls.currency = frappe.get_cached_value("Company", cls.company, "default_currency")
		cls.user = {
			"A": make_user(f"portal.a.{RUN}@example.com", "Customer", user_type="Website User"),
			"B": make_user(f"portal.b.{RUN}@example.com", "Customer", user_type="Website User"),
			"stranger": make_user(f"portal.stranger.{RUN}@example.com", "Customer", user_type="Website User"),
			"staff": make_user(f"portal.staff.{RUN}@example.com", "Billing Agent", "Accounts User"),
		}
		cls.customer = {k: make_customer(f"_Test Portal {k} {RUN}") for k in "AB"}
		# A: a Portal User of the Customer, and a Contact naming the user; B: a Contact with the e-mail
		customer_a = frappe.get_doc("Customer", cls.customer["A"])
		customer_a.append("portal_users", {"user": cls.user["A"]})
		customer_a.save(ignore_permissions=True)
		cls.contact = {}
		for k in "AB":
			contact = frappe.get_doc(
				{
					"doctype": "Contact",
					"first_name": f"Portal {k}",
					"user": cls.user[k] if k == "A" else None,
					"email_ids": [{"email_id": cls.user[k], "is_primary": 1}],
					"phone_nos": [{"phone": f"+1514555{RUN}", "is_primary_mobile_no": 1}],
					"links": [{"link_doctype": "Customer", "link_name": cls.customer[k]}],
				}
			).insert(ignore_permissions=True)
			cls.contact[k] = contact.name
		cls.location = {k: make_location(cls.customer[k], location_name=f"Home {k}").name for k in "AB"}
		plan = make_plan()
		cls.subscription = {
			k: frappe.get_doc(
				{
					"doctype": "Service Subscription",
					"customer": cls.customer[k],
					"service_location": cls.location[k],
					"status": "Pending",
					"plan_type": "Internet",
					"plan": plan,
					"actual_price": 75,
				}
			)
			.insert(ignore_permissions=True)
			.name
			for k in "AB"
		}
		for name in cls.subscription.values():
			frappe.db.set_value("Service Subscription", name, "status", "Active")  # installed
		now = now_datetime()
		# A's ONT informed a minute ago with a weak level; B's never informed and reads 0 (a placeholder)
		cls.equipment = {
			k: frappe.get_doc(
				{
					"doctype": "Service Equipment",
					"equipment_type": "ONT",
					"status": "Active",
					"serial_number": f"PORTAL{k}{RUN}",
					"acs_device_id": f"PORTAL-DEV-{k}-{RUN}",
					"service_location": cls.location[k],
					"customer": cls.customer[k],
					"last_inform": add_to_date(now, minutes=-1) if k == "A" else None,
					"optical_rx_dbm": -26.0 if k == "A" else 0,
				}
			)
			.insert(ignore_permissions=True)
			.name
			for k in "AB"
		}
		cls.job = {}
		for k in "AB":
			job = frappe.get_doc(
				{
					"doctype": "Dispatch Job",
					"subject": f"Installation {k}",
					"customer": cls.customer[k],
					"service_location": cls.location[k],
					"status": "Open",
					"scheduled_date": frappe.utils.add_days(nowdate(), 3),
					"start_time": "09:00",
					"duration_minutes": 60,
				}
			)
			job.db_insert()  # who sees it, not how it was booked
			cls.job[k] = job.name

	def tearDown(self):
		frappe.set_user("Administrator")

	def as_(self, who: str):
		frappe.set_user(self.user[who] if who != "Guest" else "Guest")

	def make_invoice(self, k: str, rate: float = 57.49) -> str:
		si = frappe.get_doc(
			{
				"doctype": "Sales Invoice",
				"customer": self.customer[k],
				"company": self.company,
				"currency": self.currency,
				"posting_date": nowdate(),
				"due_date": nowdate(),
				"items": [{"item_code": make_plan(), "qty": 1, "rate": rate}],
			}
		)
		si.insert(ignore_permissions=True)
		si.submit()
		return si.name

	# --- every page: own records, sign-in for visitors, refused to everyone else ---------------

	def test_every_page_shows_only_the_customers_own_and_refuses_the_others(self):
		for module in ("index", "invoices", "services", "tickets", "account"):
			for who in ("Guest", "stranger", "staff"):
				self.as_(who)
				with self.assertRaises(
					frappe.Redirect if who == "Guest" else frappe.PermissionError, msg=(module, who)
				):
					page(module)
			for k, other in (("A", "B"), ("B", "A")):
				self.as_(k)
				context = page(module)
				shown = json.dumps(context, default=str)
				self.assertNotIn(self.location[other], shown, (module, k))
				self.assertNotIn(self.customer[other], shown, (module, k))
				self.assertNotIn(self.equipment[other], shown, (module, k))
				self.assertNotIn(self.job[other], shown, (module, k))

	def test_home(self):
		self.as_("A")
		home = page("index").home
		self.assertEqual(home["customer_name"], self.customer["A"])
		self.assertEqual(home["next_appointment"]["name"], self.job["A"])
		self.assertEqual([s.name for s in home["services"]], [self.subscription["A"]])
		self.assertIn("/appointments", [p["route"] for p in home["pages"]])
		self.assertEqual(home["connection"]["colour"], "orange")  # its ONT at -26 dBm

	def test_services_and_the_health_light(self):
		self.as_("A")
		places = page("services").locations
		self.assertEqual([p.name for p in places], [self.location["A"]])
		(eq,) = places[0].equipment
		self.assertEqual((eq.name, eq.light["colour"]), (self.equipment["A"], "orange"))  # -26 dBm
		self.assertNotIn("acs_device_id", eq)
		self.as_("B")
		(eq,) = page("services").locations[0].equipment
		self.assertEqual(eq.light["colour"], "grey")  # never informed, 0 dBm is no reading
		frappe.set_user("Administrator")
		frappe.db.set_value(
			"Service Equipment",
			self.equipment["A"],
			{"last_inform": add_to_date(now_datetime(), hours=-3), "optical_rx_dbm": -20},
		)
		self.as_("A")
		self.assertEqual(page("services").locations[0].equipment[0].light["colour"], "red")  # silent

	def test_invoices_their_pdf_and_payments(self):
		if why := why_erpnext_cannot_post_invoices():
			self.skipTest(why)
		invoice = {k: self.make_invoice(k) for k in "AB"}
		draft = frappe.get_doc(
			{
				"doctype": "Sales Invoice",
				"customer": self.customer["A"],
				"company": self.company,
				"items": [{"item_code": make_plan(), "qty": 1, "rate": 10}],
			}
		).insert(ignore_permissions=True)
		from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

		pe = get_payment_entry("Sales Invoice", invoice["A"])
		pe.reference_no, pe.reference_date = f"portal-{RUN}", nowdate()
		pe.insert(ignore_permissions=True)
		pe.submit()
		paid_half = self.make_invoice("A", 20)
		self.as_("A")
		context = page("invoices")
		listed = {i.name for i in context.invoices}
		self.assertIn(invoice["A"], listed)
		self.assertIn(paid_half, listed)
		self.assertNotIn(invoice["B"], listed)
		self.assertNotIn(draft.name, listed)  # not submitted
		self.assertEqual([p.name for p in context.payments], [pe.name])
		self.assertEqual(context.payments[0].invoices, [invoice["A"]])
		self.assertFalse(next(i for i in context.invoices if i.name == invoice["A"]).may_pay)
		detail = page("invoices", invoice=paid_half).invoice
		self.assertTrue(detail["may_pay"])
		self.assertEqual(detail["items"][0]["rate"], 20)
		for other in (invoice["B"], draft.name, "no-such-invoice"):
			with self.assertRaises(frappe.PermissionError, msg=other):
				page("invoices", invoice=other)
		self.assertEqual(
			page("index").home["balance_due"],
			frappe.db.get_value("Sales Invoice", paid_half, "outstanding_amount"),
		)
		# the PDF: their own (when wkhtmltopdf is here), never another's
		with self.assertRaises(frappe.PermissionError):
			call(API + "invoice_pdf", invoice=invoice["B"])
		from shutil import which

		if which("wkhtmltopdf"):
			frappe.local.response = frappe._dict()
			try:
				call(API + "invoice_pdf", invoice=invoice["A"])
			except OSError as e:  # wkhtmltopdf fetches the site's CSS over HTTP: no server in tests
				if "ConnectionRefusedError" not in str(e):
					raise
			else:
				self.assertTrue(frappe.local.response.filecontent.startswith(b"%PDF"))
			frappe.local.response = frappe._dict()
		# Frappe's own print view refuses B's invoice to A (ERPNext's website permission)
		from frappe.www.printview import validate_print_permission

		with self.assertRaises(frappe.PermissionError):
			validate_print_permission(frappe.get_doc("Sales Invoice", invoice["B"]))

	def test_pay_opens_stripe_checkout_for_their_own_invoice_only(self):
		if why := why_erpnext_cannot_post_invoices():
			self.skipTest(why)
		from simulators.stripe_api import StripeApiDouble

		api = StripeApiDouble().start()
		try:
			settings = frappe.get_single("Billing Settings")
			settings.update(
				{
					"stripe_enabled": 1,
					"stripe_secret_key": api.secret_key,
					"stripe_webhook_secret": api.webhook_secret,
					"stripe_api_base_url": api.base_url,
					"company": self.company,
					"currency": self.currency,
					"timeout_seconds": 2,
				}
			)
			settings.save(ignore_permissions=True)
			frappe.clear_document_cache("Billing Settings", "Billing Settings")
			invoice = {k: self.make_invoice(k) for k in "AB"}
			self.as_("A")
			url = call("gigafibre_fsm.api.billing.pay_invoice", invoice=invoice["A"])["url"]
			self.assertTrue(url.startswith("http"), url)
			with self.assertRaises(frappe.PermissionError):
				call("gigafibre_fsm.api.billing.pay_invoice", invoice=invoice["B"])
			answer = call("gigafibre_fsm.api.billing.save_card", customer=self.customer["A"])
			self.assertTrue(answer["client_secret"])
			with self.assertRaises(frappe.PermissionError):
				call("gigafibre_fsm.api.billing.save_card", customer=self.customer["B"])
		finally:
			api.stop()

	# --- tickets ------------------------------------------------------------------------------

	def test_a_ticket_opened_followed_and_answered(self):
		self.as_("A")
		ticket = call(
			API + "open_ticket",
			service_location=self.location["A"],
			subject="No internet",
			description="Since this morning <b>nothing</b>",
		)["ticket"]
		issue = frappe.db.get_value(
			"Issue", ticket, ["customer", "service_location", "subject"], as_dict=True
		)
		self.assertEqual((issue.customer, issue.service_location), (self.customer["A"], self.location["A"]))
		self.assertEqual(frappe.db.get_value("Issue", ticket, "contact"), self.contact["A"])
		call(API + "reply_to_ticket", ticket=ticket, message="Still down")
		context = page("tickets", ticket=ticket)
		self.assertEqual(context.ticket.description, "Since this morning <b>nothing</b>")
		self.assertEqual([m["content"] for m in context.ticket.thread], ["Still down"])
		self.assertIn(ticket, [t.name for t in page("tickets").tickets])
		# B: neither A's ticket nor A's location
		self.as_("B")
		self.assertNotIn(ticket, [t.name for t in page("tickets").tickets])
		with self.assertRaises(frappe.PermissionError):
			page("tickets", ticket=ticket)
		with self.assertRaises(frappe.PermissionError):
			call(API + "reply_to_ticket", ticket=ticket, message="not mine")
		with self.assertRaises(frappe.PermissionError):
			call(API + "open_ticket", service_location=self.location["A"], subject="x", description="y")
		# bad input: a translated refusal, nothing written
		self.as_("A")
		before = frappe.db.count("Issue", {"customer": self.customer["A"]})
		with self.assertRaises(frappe.ValidationError):
			call(API + "open_ticket", service_location=self.location["A"], subject="  ", description="y")
		self.assertEqual(frappe.db.count("Issue", {"customer": self.customer["A"]}), before)

	def test_the_customers_text_is_shown_as_text(self):
		"""A subject or message with markup is shown escaped in the rendered page."""
		from frappe.website.serve import get_response

		self.as_("A")
		ticket = call(
			API + "open_ticket",
			service_location=self.location["A"],
			subject='"><svg onload=alert(1)',
			description="<script>alert(2)</script> slow",
		)["ticket"]
		call(API + "reply_to_ticket", ticket=ticket, message='<img src=x onerror="alert(3)">')
		from werkzeug.test import EnvironBuilder
		from werkzeug.wrappers import Request

		environ = EnvironBuilder(method="GET", path="/me/tickets", query_string={"ticket": ticket})
		frappe.local.request = Request(environ.get_environ())
		frappe.local.form_dict = frappe._dict(ticket=ticket)
		try:
			html = get_response("me/tickets").get_data(as_text=True)
		finally:
			frappe.local.form_dict = frappe._dict()
		self.assertIn("&lt;svg onload=alert(1)", html)
		self.assertIn("&lt;img src=x", html)  # what they wrote, shown as text
		for raw in ("<svg onload", "<script>alert(2)", "<img src=x"):
			self.assertNotIn(raw, html)

	def test_asking_for_an_option_opens_one_request(self):
		from gigafibre_fsm.sales.services import catalog
		from gigafibre_fsm.sales.services.orders import company_and_currency

		catalog.ensure_default_catalog()
		currency = company_and_currency()[1]
		code = f"_PORTAL-OPT-{RUN}"
		if not frappe.db.exists("Item", code):
			frappe.get_doc(
				{
					"doctype": "Item",
					"item_code": code,
					"item_name": f"Portal option {RUN}",
					"item_group": catalog.OPTIONS,
					"stock_uom": frappe.db.get_value("UOM", "Nos") or frappe.db.get_value("UOM", {}),
					"is_stock_item": 0,
				}
			).insert(ignore_permissions=True)
			frappe.get_doc(
				{
					"doctype": "Item Price",
					"item_code": code,
					"price_list": catalog.price_list(),
					"currency": currency,
					"price_list_rate": 7,
					"selling": 1,
				}
			).insert(ignore_permissions=True)
		self.as_("A")
		options = page("services").options
		self.assertIn(code, [o["item_code"] for o in options])
		options = [o for o in options if o["item_code"] == code]
		code = options[0]["item_code"]
		first = call(API + "request_option", service_location=self.location["A"], item_code=code)["ticket"]
		again = call(API + "request_option", service_location=self.location["A"], item_code=code)["ticket"]
		self.assertEqual(first, again)
		self.assertIn(options[0]["item_name"], frappe.db.get_value("Issue", first, "subject"))
		with self.assertRaises(frappe.ValidationError):
			call(API + "request_option", service_location=self.location["A"], item_code="NOT-AN-OPTION")
		self.as_("B")
		with self.assertRaises(frappe.PermissionError):
			call(API + "request_option", service_location=self.location["A"], item_code=code)

	# --- account ------------------------------------------------------------------------------

	def test_phones_are_validated_and_only_their_own_contact_changes(self):
		self.as_("B")
		answer = call(API + "set_my_phones", phones=["514 555 0199", "(450) 555-0142"])
		self.assertEqual(answer["phones"], ["+15145550199", "+14505550142"])
		frappe.set_user("Administrator")
		phones = frappe.get_all(
			"Contact Phone",
			filters={"parent": self.contact["B"]},
			fields=["phone", "is_primary_mobile_no"],
			order_by="idx",
		)
		self.assertEqual(
			[(p.phone, p.is_primary_mobile_no) for p in phones], [("+15145550199", 1), ("+14505550142", 0)]
		)
		before_a = frappe.get_all("Contact Phone", filters={"parent": self.contact["A"]}, pluck="phone")
		self.as_("B")
		with self.assertRaises(frappe.ValidationError):
			call(API + "set_my_phones", phones=["514 555 0199", "123"])
		frappe.set_user("Administrator")
		self.assertEqual(
			frappe.get_all(
				"Contact Phone", filters={"parent": self.contact["B"]}, pluck="phone", order_by="idx"
			),
			["+15145550199", "+14505550142"],
		)
		self.assertEqual(
			frappe.get_all("Contact Phone", filters={"parent": self.contact["A"]}, pluck="phone"), before_a
		)
		for who in ("stranger", "staff", "Guest"):
			self.as_(who)
			with self.assertRaises(frappe.PermissionError, msg=who):
				call(API + "set_my_phones", phones=["514 555 0199"])

	def test_the_language_switch(self):
		self.as_("A")
		self.assertEqual(call(API + "set_my_language", language="en")["language"], "en")
		self.assertEqual(frappe.translate.get_user_lang(self.user["A"]), "en")
		call(API + "set_my_language", language="fr")
		self.assertEqual(frappe.translate.get_user_lang(self.user["A"]), "fr")
		self.assertEqual(page("index").lang, "fr")
		self.assertEqual(frappe._("My account"), "Mon compte")
		with self.assertRaises(frappe.ValidationError):
			call(API + "set_my_language", language="de")
		self.as_("stranger")
		with self.assertRaises(frappe.PermissionError):
			call(API + "set_my_language", language="en")
