# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""Tier 2: the online order on a real site, through the real whitelisted methods as a visitor's
browser calls them: the sign-in code by SMS (the local Twilio double), the address, the plan and
options, a held installation slot, the contract accepted, Stripe Checkout (the local Stripe
double) and its signed webhook, then the customer's records, the paid invoice, the booked
installation and the provisioning steps. The same order with a failure after the payment; and
what must be refused: an address not served, an unverified visitor, a slot taken meanwhile, a
replayed webhook."""

import random
import re
import shutil
import unittest
from contextlib import contextmanager
from datetime import date, timedelta
from unittest.mock import patch

import frappe
from frappe.auth import CookieManager, LoginManager
from frappe.utils import flt
from werkzeug.test import EnvironBuilder

from gigafibre_fsm.billing.money import MINOR_UNITS, to_cents
from gigafibre_fsm.billing.services import taxes, webhooks
from gigafibre_fsm.customer_portal.services import sign_in
from gigafibre_fsm.sales.services import catalog, orders
from gigafibre_fsm.tests import IntegrationTestCase
from gigafibre_fsm.tests.erpnext_limits import why_erpnext_cannot_post_invoices
from gigafibre_fsm.tests.factories import make_customer, make_technician, make_user

API = "gigafibre_fsm.api.sales."
SIGN_IN = "gigafibre_fsm.api.customer_portal."
RUN = random.randint(1000, 9999)
EXCHANGE = 200 + RUN % 700 + (1 if (200 + RUN % 700) % 100 == 11 else 0)  # a valid NXX, not N11
OLT = "_order-test-olt"
NEEDS_PDF = unittest.skipUnless(shutil.which("wkhtmltopdf"), "wkhtmltopdf is not installed: no contract PDF")


def phone(n: int) -> str:
	return f"+1438{EXCHANGE}{n:04d}"


def next_monday(weeks_ahead: int = 2) -> date:
	today = date.today()
	return today + timedelta(days=(7 - today.weekday()) % 7 + 7 * weeks_ahead)


class Failed(Exception):
	"""A failure injected after the payment."""


@NEEDS_PDF
class TestOnlineOrder(IntegrationTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		from gigafibre_fsm.billing.services.test_billing_services import company_and_bank
		from gigafibre_fsm.customer_portal.doctype.sign_in_challenge.test_sign_in_challenge import (
			configure_twilio,
			ensure_outgoing_email_account,
		)
		from simulators.stripe_api import StripeApiDouble
		from simulators.twilio_api import TwilioApiDouble

		cls.stripe = StripeApiDouble().start()
		cls.twilio = TwilioApiDouble().start()
		frappe.set_user("Administrator")
		configure_twilio(cls.twilio)
		ensure_outgoing_email_account()
		cls.company, cls.bank = company_and_bank()
		cls.currency = frappe.get_cached_value("Company", cls.company, "default_currency")

	@classmethod
	def tearDownClass(cls):
		cls.stripe.stop()
		cls.twilio.stop()
		frappe.set_user("Administrator")
		super().tearDownClass()

	def setUp(self):
		frappe.set_user("Administrator")
		if self.currency not in MINOR_UNITS:
			self.skipTest(f"the test company bills in {self.currency}")
		if why := why_erpnext_cannot_post_invoices():
			self.skipTest(why)
		settings = frappe.get_single("Billing Settings")
		settings.update(
			{
				"stripe_enabled": 1,
				"stripe_secret_key": self.stripe.secret_key,
				"stripe_webhook_secret": self.stripe.webhook_secret,
				"stripe_api_base_url": self.stripe.base_url,
				"company": self.company,
				"currency": self.currency,
				"payment_account": self.bank,
				"timeout_seconds": 2,
			}
		)
		settings.save(ignore_permissions=True)
		frappe.clear_document_cache("Billing Settings", "Billing Settings")
		taxes.ensure_template(self.company)
		catalog.ensure_default_catalog()
		self.prices(("FIBRE-1000", 85), ("WIFI-EXTENDER", 5), ("INSTALLATION", 99), ("FIBRE-500", 65))
		if not frappe.db.exists("Terms and Conditions", "_Test Order Terms"):
			frappe.get_doc(
				{
					"doctype": "Terms and Conditions",
					"title": "_Test Order Terms",
					"terms": "<p>Service mensuel, résiliable en tout temps.</p>",
					"selling": 1,
				}
			).insert(ignore_permissions=True)
		# one installer, Monday to Friday; the slots two weeks ahead
		self.day = next_monday()
		frappe.db.delete("Appointment Hold")
		frappe.db.delete(
			"Dispatch Job", {"scheduled_date": ("between", [self.day, self.day + timedelta(days=6)])}
		)
		for name in frappe.get_all("Dispatch Technician", pluck="name"):
			frappe.db.set_value("Dispatch Technician", name, "active", 0)
		self.tech = make_technician("_Test Order Installer", skills=[{"tag": "ONT Installation", "level": 2}])
		frappe.db.set_value("Dispatch Technician", self.tech, "active", 1)
		dispatch = frappe.get_single("Dispatch Settings")
		dispatch.update(
			{
				"time_zone": "America/Toronto",
				"arrival_windows": "08:00-10:00\n10:00-12:00\n13:00-15:00",
				"hold_minutes": 15,
				"booking_notice_hours": 24,
				"booking_horizon_days": 21,
			}
		)
		dispatch.save()
		if not frappe.db.exists("OLT", OLT):
			frappe.get_doc(
				{"doctype": "OLT", "olt_name": OLT, "layout": "huawei_ma5800", "host": "192.0.2.20"}
			).insert(ignore_permissions=True)
		self.address = self.served(RUN % 900 + 100, "Served")
		self.ip = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
		self.cookies = {}
		# Frappe's rate limiter and the sign-in commit; the test's transaction is kept, then rolled back
		self._commit = patch.object(frappe.db, "commit")
		self._commit.start()

	def tearDown(self):
		self._commit.stop()
		frappe.set_user("Administrator")
		frappe.local.request = None
		frappe.local.request_ip = None
		frappe.local.lang = "en"

	# --- helpers ---------------------------------------------------------------------------

	def prices(self, *pairs):
		# ERPNext's before_tests deletes every Item Price: the test's own prices, made here
		for code, rate in pairs:
			name = frappe.db.get_value("Item Price", {"item_code": code, "price_list": catalog.price_list()})
			if name:
				frappe.db.set_value("Item Price", name, {"price_list_rate": rate, "currency": self.currency})
			else:
				frappe.get_doc(
					{
						"doctype": "Item Price",
						"item_code": code,
						"price_list": catalog.price_list(),
						"price_list_rate": rate,
						"currency": self.currency,
					}
				).insert(ignore_permissions=True)

	def served(self, civic: int, status: str, street: str = "rue de la Commande"):
		values = {
			"doctype": "Served Address",
			"civic": civic,
			"street": street,
			"municipality": "Laval",
			"postal_code": "H7N 1A1",
			"status": status,
			"olt": OLT if status == "Served" else None,
			"pon_port": "0/1/3" if status == "Served" else None,
		}
		if status == "Soon":
			values["expected_date"] = self.day + timedelta(days=60)
		existing = frappe.db.get_value(
			"Served Address", {"civic": civic, "street": street, "municipality": "Laval"}
		)
		if existing:
			frappe.delete_doc("Served Address", existing, force=True)
		return frappe.get_doc(values).insert(ignore_permissions=True).name

	@contextmanager
	def request(self, cmd: str, form: dict, method: str = "POST", user: str = "Guest"):
		builder = EnvironBuilder(
			method=method, path=f"/api/method/{cmd}", data=form if method == "POST" else None
		)
		for key, value in self.cookies.items():
			builder.headers.add("Cookie", f"{key}={value}")
		builder.headers.add("User-Agent", "Mozilla/5.0 (Linux; Android 14) Order-Test/1.0")
		frappe.local.request = builder.get_request()
		frappe.local.request_ip = self.ip
		frappe.local.response = frappe._dict()
		frappe.set_user("Guest")
		frappe.local.cookie_manager = CookieManager()
		frappe.local.login_manager = LoginManager()  # (resumes the cookie's session: Guest)
		frappe.set_user(user)  # a signed-in customer's session
		frappe.local.form_dict = frappe._dict(cmd=cmd, **form)
		frappe.local.lang = "fr"
		try:
			yield
		finally:
			frappe.set_user("Administrator")

	def call(self, method: str, api: str = API, http: str = "POST", user: str = "Guest", **form):
		with self.request(api + method, form, http, user):
			result = frappe.handler.execute_cmd(api + method)
			cookie = frappe.local.cookie_manager.cookies.get(sign_in.IDENTITY_COOKIE)
			if cookie:
				self.cookies[sign_in.IDENTITY_COOKIE] = cookie["value"]
			return result

	def verify_phone(self, number: str) -> None:
		self.call("request_code", api=SIGN_IN, phone=number)
		[message] = self.twilio.sent_to(number)[-1:]
		code = re.search(r"\b(\d{6})\b", message["body"]).group(1)
		self.call("verify_code", api=SIGN_IN, phone=number, code=code)
		self.assertIn(sign_in.IDENTITY_COOKIE, self.cookies)

	def order_up_to_payment(self, number: str, name: str = "Camille Tremblay"):
		"""A visitor's whole way to Stripe Checkout; returns (order, token, Checkout URL)."""
		self.verify_phone(number)
		started = self.call(
			"start_order",
			served_address=self.address,
			contact_name=name,
			email=f"camille.{RUN}@example.ca",
			mobile=number,
			language="fr",
		)
		order, token = started["order"], started["token"]
		priced = self.call(
			"choose_plan", order=order, token=token, plan="FIBRE-1000", options='{"WIFI-EXTENDER": 1}'
		)
		# 85 + 5 + 99 = 189.00; GST 9.45; QST 18.85275 → 18.85
		self.assertEqual(priced["total_cents"], 18900 + 945 + 1885)
		slots = self.call("order_slots", order=order, token=token, from_date=str(self.day))
		self.assertTrue(slots)
		held = self.call("hold_order_slot", order=order, token=token, slot=slots[0]["slot"])
		shown = self.call("order_contract", order=order, token=token)
		self.assertIn("Fibre 1 Gbps", shown["html"])
		self.call(
			"accept_order_contract",
			order=order,
			token=token,
			signer_name=name,
			agree=1,
			pdf_sha256=shown["pdf_sha256"],
		)
		paid = self.call("pay_order", order=order, token=token)
		self.assertEqual(frappe.db.get_value("Service Order", order, "status"), "Awaiting Payment")
		return order, token, paid["session"], held

	def pay(self, session: str):
		payload, header = self.stripe.pay_checkout(session)
		frappe.set_user("Guest")  # Stripe's webhook arrives as Guest
		try:
			return payload, header, webhooks.receive(payload, header)
		finally:
			frappe.set_user("Administrator")

	# --- the whole order -------------------------------------------------------------------

	def test_a_whole_order_from_the_address_to_the_installation_job(self):
		number = phone(1)
		order, token, session, held = self.order_up_to_payment(number)
		# Checkout carries the order, not an invoice (none exists yet), and the exact total
		[created] = [p["params"] for p in self.stripe.posts("/v1/checkout/sessions")][-1:]
		self.assertEqual(created["metadata"], {"order": order})
		self.assertEqual(int(created["line_items"][0]["price_data"]["unit_amount"]), 21730)
		payload, header, (event_id, new) = self.pay(session)
		self.assertTrue(new)
		doc = frappe.get_doc("Service Order", order)
		self.assertEqual(doc.status, "Scheduled", doc.failure)
		self.assertEqual(frappe.db.get_value("Stripe Event", event_id, "status"), "Applied")
		# the customer's records
		self.assertEqual(frappe.db.get_value("Customer", doc.customer, "customer_name"), "Camille Tremblay")
		links = frappe.get_all(
			"Dynamic Link", filters={"parent": doc.contact, "link_name": doc.customer}, pluck="parent"
		)
		self.assertEqual(links, [doc.contact])
		self.assertEqual(frappe.db.get_value("Address", doc.address, "city"), "Laval")
		location = frappe.get_doc("Service Location", doc.service_location)
		self.assertEqual((location.customer, location.status), (doc.customer, "Pending Installation"))
		self.assertEqual((location.olt, location.pon_port), (OLT, "0/1/3"))  # the Network Port step
		sub = frappe.get_doc("Service Subscription", doc.service_subscription)
		self.assertEqual((sub.status, sub.plan, flt(sub.actual_price)), ("Pending", "FIBRE-1000", 90.0))
		contract = frappe.get_doc("Service Contract", doc.contract)
		self.assertEqual((contract.status, contract.accepted_via), ("Accepted", "Order"))
		self.assertEqual(contract.accepted_pdf_sha256, doc.contract_sha256)
		self.assertTrue(doc.terms)  # the operator's terms as they were shown, kept on the order
		self.assertEqual(contract.terms, doc.terms)
		self.assertEqual(contract.accepted_user_agent, "Mozilla/5.0 (Linux; Android 14) Order-Test/1.0")
		# the first invoice, paid by the Checkout's PaymentIntent
		si = frappe.get_doc("Sales Invoice", doc.sales_invoice)
		self.assertEqual((si.docstatus, si.customer), (1, doc.customer))
		self.assertEqual(to_cents(si.grand_total, self.currency), 21730)
		self.assertEqual(flt(si.outstanding_amount), 0)
		self.assertEqual(
			frappe.db.get_value("Payment Entry", doc.payment_entry, "reference_no"), doc.payment_intent
		)
		# the installation, at the held slot
		job = frappe.get_doc("Dispatch Job", doc.dispatch_job)
		self.assertEqual(
			(job.status, job.customer, job.service_location), ("Assigned", doc.customer, location.name)
		)
		self.assertEqual((str(job.scheduled_date), job.window_start), (held["date"], held["window_start"]))
		self.assertEqual(frappe.db.get_value("Appointment Hold", doc.appointment_hold, "status"), "Booked")
		self.assertEqual(
			[(s.step, s.status) for s in doc.steps],
			[("Network Port", "Done"), ("Order Confirmation", "Done")],
		)
		self.assertTrue(
			frappe.db.exists("Email Queue", {"reference_doctype": "Service Order", "reference_name": order})
		)
		# the page's status, with the order's token
		self.assertEqual(
			self.call("order_status", http="GET", order=order, token=token)["status"], "Scheduled"
		)
		# the same event again: acknowledged as received, nothing new
		frappe.set_user("Guest")
		self.assertEqual(webhooks.receive(payload, header), (event_id, False))
		frappe.set_user("Administrator")
		# the same payment seen from another event (async_payment_succeeded): already placed
		session_obj = self.stripe.sessions[session]
		payload2, header2 = self.stripe.signed_event("checkout.session.async_payment_succeeded", session_obj)
		webhooks.receive(payload2, header2)
		# and from its PaymentIntent's own event
		intent = self.stripe.payment_intents[doc.payment_intent]
		payload3, header3 = self.stripe.signed_event("payment_intent.succeeded", intent)
		webhooks.receive(payload3, header3)
		self.assertEqual(frappe.db.count("Sales Invoice", {"customer": doc.customer}), 1)
		self.assertEqual(frappe.db.count("Dispatch Job", {"customer": doc.customer}), 1)
		self.assertEqual(
			frappe.db.count("Customer", {"customer_name": "Camille Tremblay", "name": doc.customer}), 1
		)
		# the installation done completes the order
		job.status = "Completed"
		job.flags.ignore_validate = True
		job.save(ignore_permissions=True)
		self.assertEqual(frappe.db.get_value("Service Order", order, "status"), "Completed")

	def test_a_failure_after_the_payment_leaves_the_order_to_finish_and_no_half_records(self):
		number = phone(2)
		order, _token, session, _held = self.order_up_to_payment(number, "Alex Gagnon")
		customers_before = frappe.db.count("Customer")
		invoices_before = frappe.db.count("Sales Invoice")
		original = orders._book_installation

		def fails(*args, **kwargs):
			raise Failed("the dispatch database went away")

		with patch.object(orders, "_book_installation", fails):
			_payload, _header, (event_id, _new) = self.pay(session)
		doc = frappe.get_doc("Service Order", order)
		self.assertEqual(doc.status, "Needs Attention")
		self.assertIn("the dispatch database went away", doc.failure)
		# the payment is on the order; nothing else of the order was kept
		self.assertTrue(doc.payment_intent.startswith("pi_"))
		self.assertEqual(doc.checkout_session, session)
		self.assertEqual(to_cents(doc.amount_paid, self.currency), 21730)
		self.assertFalse(doc.customer or doc.sales_invoice or doc.dispatch_job)
		self.assertEqual(frappe.db.count("Customer"), customers_before)
		self.assertEqual(frappe.db.count("Sales Invoice"), invoices_before)
		self.assertFalse(frappe.db.exists("Customer", {"customer_name": "Alex Gagnon"}))
		self.assertEqual(frappe.db.get_value("Stripe Event", event_id, "status"), "Needs Review")
		# staff finish it from the recorded payment (the desk's Finish button)
		self.assertIs(orders._book_installation, original)
		agent = make_user("_test_order_billing@example.com", "Billing Agent")
		with self.request(API + "finish_order", {"order": order}):
			frappe.set_user(agent)  # (empties form_dict)
			frappe.local.form_dict = frappe._dict(cmd=API + "finish_order", order=order)
			frappe.handler.execute_cmd(API + "finish_order")
		doc.reload()
		self.assertEqual(doc.status, "Scheduled", doc.failure)
		self.assertEqual(
			flt(frappe.db.get_value("Sales Invoice", doc.sales_invoice, "outstanding_amount")), 0
		)
		self.assertTrue(doc.dispatch_job)
		# finishing twice does nothing more
		with self.assertRaises(frappe.ValidationError):
			orders.finish(order)

	# --- refused ---------------------------------------------------------------------------

	def test_an_unverified_visitor_cannot_start_an_order(self):
		with self.assertRaises(frappe.PermissionError):
			self.call("start_order", served_address=self.address, contact_name="Nobody", mobile=phone(3))
		forged = "eyJjaGFubmVsIjoiU01TIn0.AAAA"
		self.cookies[sign_in.IDENTITY_COOKIE] = forged
		with self.assertRaises(frappe.PermissionError):
			self.call("start_order", served_address=self.address, contact_name="Nobody", mobile=phone(3))
		# staff order through the desk: a dispatcher signed in is refused by the page's method
		dispatcher = make_user("_test_order_dispatcher@example.com", "Dispatcher")
		with self.assertRaises(frappe.PermissionError):
			self.call("start_order", user=dispatcher, served_address=self.address, contact_name="Nobody")
		self.assertFalse(frappe.db.exists("Service Order", {"contact_name": "Nobody"}))

	def test_an_address_not_served_is_refused(self):
		self.verify_phone(phone(4))
		for status in ("Soon", "Not Served"):
			address = self.served(RUN % 900 + 101 + len(status), status)
			with self.assertRaises(frappe.ValidationError) as caught:
				self.call("start_order", served_address=address, contact_name="Sam Roy")
			self.assertNotIsInstance(caught.exception, frappe.PermissionError)
		self.assertFalse(frappe.db.exists("Service Order", {"contact_name": "Sam Roy"}))

	def test_a_wrong_token_reaches_no_order(self):
		self.verify_phone(phone(5))
		started = self.call("start_order", served_address=self.address, contact_name="Lou Roy")
		with self.assertRaises(frappe.PermissionError):
			self.call("choose_plan", order=started["order"], token="not-the-token", plan="FIBRE-1000")
		with self.assertRaises(frappe.PermissionError):
			self.call("pay_order", order=started["order"], token="")

	def test_a_slot_taken_meanwhile_is_refused_and_paying_needs_every_step(self):
		self.verify_phone(phone(6))
		first = self.call("start_order", served_address=self.address, contact_name="Eve Roy")
		second = self.call("start_order", served_address=self.address, contact_name="Max Roy")
		for started in (first, second):
			self.call("choose_plan", order=started["order"], token=started["token"], plan="FIBRE-500")
		slot = self.call("order_slots", order=first["order"], token=first["token"], from_date=str(self.day))[
			0
		]["slot"]
		self.call("hold_order_slot", order=first["order"], token=first["token"], slot=slot)
		# the only installer is held for that window: the second visitor is refused it
		with self.assertRaises(frappe.ValidationError) as caught:
			self.call("hold_order_slot", order=second["order"], token=second["token"], slot=slot)
		self.assertNotIsInstance(caught.exception, frappe.PermissionError)
		self.assertNotIn(
			slot,
			[
				s["slot"]
				for s in self.call(
					"order_slots", order=second["order"], token=second["token"], from_date=str(self.day)
				)
			],
		)
		# no contract accepted: no Checkout
		with self.assertRaises(frappe.ValidationError):
			self.call("pay_order", order=first["order"], token=first["token"])
		self.assertFalse(frappe.db.get_value("Service Order", first["order"], "checkout_session"))

	def test_a_typed_promotion_code_from_a_pricing_rule(self):
		rule = frappe.get_doc(
			{
				"doctype": "Pricing Rule",
				"title": f"_Test free installation {RUN}",
				"apply_on": "Item Code",
				"items": [{"item_code": "INSTALLATION"}],
				"selling": 1,
				"company": self.company,
				"currency": self.currency,
				"rate_or_discount": "Discount Percentage",
				"discount_percentage": 100,
				"coupon_code_based": 1,
			}
		).insert(ignore_permissions=True)
		frappe.get_doc(
			{
				"doctype": "Coupon Code",
				"coupon_name": f"BIENVENUE{RUN}",
				"coupon_code": f"BIENVENUE{RUN}",
				"coupon_type": "Promotional",
				"pricing_rule": rule.name,
			}
		).insert(ignore_permissions=True)
		self.verify_phone(phone(7))
		started = self.call("start_order", served_address=self.address, contact_name="Zoé Roy")
		priced = self.call(
			"choose_plan",
			order=started["order"],
			token=started["token"],
			plan="FIBRE-1000",
			promotion_code=f"bienvenue{RUN}",
		)
		self.assertEqual(priced["promotion"], rule.name)
		self.assertEqual(priced["net_cents"], 8500)
		with self.assertRaises(frappe.ValidationError):
			self.call(
				"choose_plan",
				order=started["order"],
				token=started["token"],
				plan="FIBRE-1000",
				promotion_code="NOPE",
			)

	def test_a_signed_in_customer_orders_for_their_own_customer(self):
		customer = make_customer(f"_Test Order Existing {RUN}")
		number = phone(8)
		contact = frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": "Existing",
				"phone_nos": [{"phone": number, "is_primary_mobile_no": 1}],
				"links": [{"link_doctype": "Customer", "link_name": customer}],
			}
		).insert(ignore_permissions=True)
		self.call("request_code", api=SIGN_IN, phone=number)
		[message] = self.twilio.sent_to(number)[-1:]
		code = re.search(r"\b(\d{6})\b", message["body"]).group(1)
		self.assertTrue(self.call("verify_code", api=SIGN_IN, phone=number, code=code)["signed_in"])
		user = frappe.db.get_value("Contact", contact.name, "user")
		self.assertTrue(user)
		started = self.call(
			"start_order", user=user, served_address=self.address, contact_name="Existing Client"
		)
		order = frappe.get_doc("Service Order", started["order"])
		self.assertEqual((order.customer, order.verified_channel), (customer, "Account"))
		self.assertEqual(orders._contact(order, customer), contact.name)  # no second Contact

	def test_a_slot_lost_while_paying_leaves_a_paid_order_to_finish(self):
		"""The hold lapsed while the customer was on Stripe's page and someone else took the only
		installer: the payment is recorded, nothing else is kept, staff finish it."""
		order, _token, session, held = self.order_up_to_payment(phone(9), "Noa Lapointe")
		hold = frappe.db.get_value("Service Order", order, "appointment_hold")
		frappe.db.set_value(
			"Appointment Hold", hold, "expires_at", frappe.utils.add_to_date(None, minutes=-1)
		)
		self.verify_phone(phone(10))
		other = self.call("start_order", served_address=self.address, contact_name="Quick Other")
		self.call("choose_plan", order=other["order"], token=other["token"], plan="FIBRE-500")
		self.call("hold_order_slot", order=other["order"], token=other["token"], slot=held["slot"])
		_payload, _header, (event_id, _new) = self.pay(session)
		doc = frappe.get_doc("Service Order", order)
		self.assertEqual(doc.status, "Needs Attention")
		self.assertTrue(doc.payment_intent and doc.failure)
		self.assertFalse(doc.customer or doc.dispatch_job)
		self.assertFalse(frappe.db.exists("Customer", {"customer_name": "Noa Lapointe"}))
		self.assertEqual(frappe.db.get_value("Stripe Event", event_id, "status"), "Needs Review")
		# Finish: the order is placed, its installation goes to dispatch unscheduled
		orders.finish(order)
		doc.reload()
		self.assertEqual(doc.status, "Provisioning", doc.failure)
		self.assertEqual(
			flt(frappe.db.get_value("Sales Invoice", doc.sales_invoice, "outstanding_amount")), 0
		)
		job = frappe.get_doc("Dispatch Job", doc.dispatch_job)
		self.assertEqual((job.status, job.scheduled_date, job.customer), ("Open", None, doc.customer))
		# dispatch books it: the order is Scheduled
		job.update(
			{"status": "Assigned", "scheduled_date": self.day + timedelta(days=1), "start_time": "13:00"}
		)
		job.technician = self.tech
		job.save(ignore_permissions=True)
		self.assertEqual(frappe.db.get_value("Service Order", order, "status"), "Scheduled")

	def test_an_order_left_unpaid_is_cancelled_and_its_slot_freed(self):
		self.verify_phone(phone(11))
		started = self.call("start_order", served_address=self.address, contact_name="Left Unpaid")
		order, token = started["order"], started["token"]
		self.call("choose_plan", order=order, token=token, plan="FIBRE-500")
		slot = self.call("order_slots", order=order, token=token, from_date=str(self.day))[0]["slot"]
		self.call("hold_order_slot", order=order, token=token, slot=slot)
		hold = frappe.db.get_value("Service Order", order, "appointment_hold")
		self.assertEqual(orders.cancel_abandoned_orders(), 0)  # a fresh order is left alone
		frappe.db.set_value(
			"Service Order", order, "modified", frappe.utils.add_to_date(None, days=-3), update_modified=False
		)
		self.assertEqual(orders.cancel_abandoned_orders(), 1)
		self.assertEqual(frappe.db.get_value("Service Order", order, "status"), "Cancelled")
		self.assertEqual(frappe.db.get_value("Appointment Hold", hold, "status"), "Released")
		with self.assertRaises(frappe.ValidationError):
			self.call("choose_plan", order=order, token=token, plan="FIBRE-500")

	def test_the_payment_intent_event_alone_places_the_order(self):
		"""A webhook endpoint that only receives PaymentIntent events still places the order."""
		order, _token, session, _held = self.order_up_to_payment(phone(12), "Pia Intent")
		self.stripe.pay_checkout(session)  # the session's own event is never delivered
		intent = self.stripe.payment_intents[self.stripe.sessions[session]["payment_intent"]]
		payload, header = self.stripe.signed_event("payment_intent.succeeded", intent)
		frappe.set_user("Guest")
		event_id, _new = webhooks.receive(payload, header)
		frappe.set_user("Administrator")
		doc = frappe.get_doc("Service Order", order)
		self.assertEqual(doc.status, "Scheduled", doc.failure)
		self.assertEqual((doc.payment_intent, doc.checkout_session), (intent["id"], session))
		self.assertEqual(
			flt(frappe.db.get_value("Sales Invoice", doc.sales_invoice, "outstanding_amount")), 0
		)
		self.assertEqual(frappe.db.get_value("Stripe Event", event_id, "status"), "Applied")

	def test_a_provisioning_step_that_fails_is_retried_visibly(self):
		"""No fibre drop recorded for the address yet: the Network Port step waits and retries;
		once the NOC records it, the next try is done and the order is Scheduled."""
		frappe.db.set_value("Served Address", self.address, {"olt": None, "pon_port": None})
		order, _token, session, _held = self.order_up_to_payment(phone(13), "Rémi Réseau")
		self.pay(session)
		doc = frappe.get_doc("Service Order", order)
		self.assertEqual(doc.status, "Provisioning")
		step = next(s for s in doc.steps if s.step == "Network Port")
		self.assertEqual((step.status, step.tries), ("Retrying", 1))
		self.assertTrue(step.last_error and step.next_try_at)
		self.assertEqual(orders.retry_due_steps(), 0)  # not due yet (5 minutes)
		frappe.db.set_value("Served Address", self.address, {"olt": OLT, "pon_port": "0/1/3"})
		frappe.db.set_value(
			"Service Order Step", step.name, "next_try_at", frappe.utils.add_to_date(None, minutes=-1)
		)
		self.assertEqual(orders.retry_due_steps(), 1)
		doc.reload()
		step = next(s for s in doc.steps if s.step == "Network Port")
		self.assertEqual((step.status, step.tries, doc.status), ("Done", 2, "Scheduled"))
		self.assertEqual(frappe.db.get_value("Service Location", doc.service_location, "olt"), OLT)
		# the last try that fails marks the step Failed and the order Needs Attention
		frappe.db.set_value("Served Address", self.address, {"olt": None, "pon_port": None})
		frappe.db.set_value(
			"Service Order Step", step.name, {"status": "Retrying", "tries": orders.MAX_STEP_TRIES - 1}
		)
		frappe.db.set_value("Service Order", order, "status", "Provisioning")
		self.assertEqual(orders.run_step(order, step.name), "Failed")
		self.assertEqual(frappe.db.get_value("Service Order", order, "status"), "Needs Attention")
