# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""Tier 2: pre-authorised payments, Checkout and webhooks on a real site, against the local
Stripe double, with ERPNext's own Sales Invoices and Payment Entries."""

import frappe
from frappe.utils import add_days, add_to_date, flt, getdate, now_datetime, nowdate
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gigafibre_fsm.billing.money import MINOR_UNITS, to_cents
from gigafibre_fsm.billing.preauthorised_payments import run_batch
from gigafibre_fsm.billing.services import batch_posting, checkout, payments, ppa, taxes, webhooks
from gigafibre_fsm.billing.services import settings as billing_settings
from gigafibre_fsm.billing.stripe_gateway import WebhookRejected
from gigafibre_fsm.tests import IntegrationTestCase
from gigafibre_fsm.tests.erpnext_limits import why_erpnext_cannot_post_invoices
from gigafibre_fsm.tests.factories import make_customer, make_location, make_plan


class Killed(BaseException):
	"""The worker died: nothing after this runs, nothing catches it."""


def company_and_bank():
	company = frappe.defaults.get_global_default("company") or frappe.get_all("Company", pluck="name")[0]
	bank = frappe.db.get_value("Account", {"company": company, "account_type": "Bank", "is_group": 0}, "name")
	if not bank:
		parent = frappe.db.get_value(
			"Account", {"company": company, "root_type": "Asset", "is_group": 1}, "name", order_by="lft desc"
		)
		bank = (
			frappe.get_doc(
				{
					"doctype": "Account",
					"account_name": "_Test Stripe Clearing",
					"company": company,
					"parent_account": parent,
					"account_type": "Bank",
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
	return company, bank


class BillingCase(IntegrationTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		from simulators.stripe_api import StripeApiDouble

		cls.api = StripeApiDouble().start()
		cls.company, cls.bank = company_and_bank()
		cls.currency = frappe.get_cached_value("Company", cls.company, "default_currency")

	@classmethod
	def tearDownClass(cls):
		cls.api.stop()
		super().tearDownClass()

	def setUp(self):
		if self.currency not in MINOR_UNITS:
			self.skipTest(f"the test company bills in {self.currency}")
		if why := why_erpnext_cannot_post_invoices():
			self.skipTest(why)
		settings = frappe.get_single("Billing Settings")
		settings.update(
			{
				"stripe_enabled": 1,
				"stripe_secret_key": self.api.secret_key,
				"stripe_webhook_secret": self.api.webhook_secret,
				"stripe_api_base_url": self.api.base_url,
				"company": self.company,
				"currency": self.currency,
				"payment_account": self.bank,
				"ppa_enabled": 1,
				"ppa_days_between_attempts": 3,
				"ppa_max_attempts": 3,
				"timeout_seconds": 2,
			}
		)
		settings.save(ignore_permissions=True)
		frappe.clear_document_cache("Billing Settings", "Billing Settings")
		self.gateway = billing_settings.gateway()

	def customer_with_card(self, name: str, card: str = "pm_card_visa") -> str:
		customer = make_customer(name)
		frappe.db.set_value("Customer", customer, {"ppa_enabled": 1, "stripe_id": None})
		stripe_id = checkout.ensure_stripe_customer(customer, self.gateway)
		pm = self.api.add_payment_method(stripe_id, card)
		webhooks.save_payment_method(stripe_id, pm, None)
		return customer

	def invoice(self, customer: str, rate: float = 57.49, due=None) -> str:
		si = frappe.get_doc(
			{
				"doctype": "Sales Invoice",
				"customer": customer,
				"company": self.company,
				"currency": self.currency,
				"posting_date": nowdate(),
				"due_date": due or nowdate(),
				"items": [{"item_code": make_plan(), "qty": 1, "rate": rate}],
			}
		)
		si.insert(ignore_permissions=True)
		si.submit()
		return si.name

	def outstanding(self, invoice: str) -> float:
		return flt(frappe.db.get_value("Sales Invoice", invoice, "outstanding_amount"))

	def receipts(self, invoice: str) -> list[str]:
		"""The submitted Payment Entries and Journal Entries (a PPA batch) that paid `invoice`."""
		return frappe.get_all(
			"Payment Entry Reference",
			filters={"reference_name": invoice, "docstatus": 1, "parenttype": "Payment Entry"},
			pluck="parent",
		) + frappe.get_all(
			"Journal Entry Account",
			filters={
				"reference_type": "Sales Invoice",
				"reference_name": invoice,
				"docstatus": 1,
				"credit_in_account_currency": [">", 0],
			},
			pluck="parent",
		)

	def run_core(self, names, gateway=None, today=None):
		due = ppa.load_due(names)
		ledger = ppa.FrappeLedger([d.invoice for d in due])
		# restarted an hour later, as the scheduler would: the killed run's try is not "under way"
		later = add_to_date(now_datetime(), hours=1)
		return run_batch(
			due,
			ledger,
			gateway or self.gateway,
			billing_settings.policy(),
			getdate(today or nowdate()),
			later,
		)


class TestPreauthorisedPayments(BillingCase):
	def test_a_run_charges_due_invoices_once_and_records_payment_entries(self):
		customer = self.customer_with_card("_Test PPA Good")
		invoice = self.invoice(customer)
		later = self.invoice(customer, due=add_days(nowdate(), 10))
		self.assertIn(invoice, ppa.due_invoice_names())
		self.assertNotIn(later, ppa.due_invoice_names())
		report = ppa.run_ppa_batch([invoice])
		self.assertEqual(report.charged, [invoice])
		self.assertEqual(self.outstanding(invoice), 0)
		[entry] = self.receipts(invoice)
		pi, journal = frappe.db.get_value(
			"PPA Attempt", f"ppa:{invoice}:1", ["payment_intent", "journal_entry"]
		)
		self.assertEqual(journal, entry)
		self.assertEqual(self.api.payment_intents[pi]["amount"], 5749)
		self.assertEqual(self.api.charges_for(invoice), 1)
		ppa.run_ppa_batch([invoice])  # paid: nothing more
		self.assertEqual(self.api.charges_for(invoice), 1)
		self.assertEqual(len(self.receipts(invoice)), 1)

	def test_a_decline_then_a_success_on_the_retry_day(self):
		customer = self.customer_with_card("_Test PPA Retry", "pm_card_visa_chargeDeclinedInsufficientFunds")
		invoice = self.invoice(customer)
		self.assertEqual(ppa.run_ppa_batch([invoice]).declined, [invoice])
		self.assertEqual(
			frappe.db.get_value("PPA Attempt", f"ppa:{invoice}:1", "decline_code"), "insufficient_funds"
		)
		notices = frappe.get_all(
			"Comment",
			filters={"reference_doctype": "Sales Invoice", "reference_name": invoice},
			pluck="content",
		)
		self.assertTrue(any("declined" in n and invoice in n for n in notices), notices)
		self.assertTrue(any(ppa.payment_link(invoice) in n for n in notices))
		self.assertIn(
			"redirect-to=%2Fapi%2Fmethod%2Fgigafibre_fsm.api.billing.pay_invoice", ppa.payment_link(invoice)
		)
		method = frappe.db.get_value("Saved Payment Method", customer, "payment_method")
		self.api.payment_methods[method]["_behaviour"] = "pm_card_visa"
		self.assertIn(invoice, ppa.run_ppa_batch([invoice], today=add_days(nowdate(), 1)).skipped)
		self.assertEqual(ppa.run_ppa_batch([invoice], today=add_days(nowdate(), 3)).charged, [invoice])
		self.assertEqual(self.outstanding(invoice), 0)
		self.assertEqual(self.api.charges_for(invoice), 1)

	def test_suspended_after_the_last_failure_and_reactivated_by_a_payment(self):
		frappe.db.set_single_value("Billing Settings", "ppa_max_attempts", 1)
		frappe.clear_document_cache("Billing Settings", "Billing Settings")
		customer = self.customer_with_card("_Test PPA Suspend", "pm_card_visa_chargeDeclined")
		location = make_location(customer)
		sub = frappe.get_doc(
			{
				"doctype": "Service Subscription",
				"customer": customer,
				"service_location": location.name,
				"plan": make_plan(),
			}
		).insert(ignore_permissions=True)
		sub.status = "Active"
		sub.save(ignore_permissions=True)
		invoice = self.invoice(customer)
		report = ppa.run_ppa_batch([invoice])
		self.assertEqual(report.suspended, [invoice])
		self.assertEqual(frappe.db.get_value("Service Subscription", sub.name, "status"), "Suspended")
		ppa.run_ppa_batch([invoice], today=add_days(nowdate(), 30))  # no tries left, nothing again
		self.assertEqual(
			[r["params"]["metadata"]["invoice"] for r in self.api.posts("/v1/payment_intents")].count(
				invoice
			),
			1,
		)
		# the customer pays through Checkout: the webhook records it and the service comes back
		url = checkout.checkout_url(invoice)
		session = url.rsplit("/", 1)[1]
		payload, header = self.api.pay_checkout(session)
		webhooks.receive(payload, header)
		self.assertEqual(self.outstanding(invoice), 0)
		self.assertEqual(frappe.db.get_value("Service Subscription", sub.name, "status"), "Active")

	def test_killed_after_stripe_charged_before_the_payment_entry(self):
		customer = self.customer_with_card("_Test PPA Kill")
		first, second = self.invoice(customer), self.invoice(customer, rate=12.5)
		original = batch_posting.post_charges

		def dies(*args, **kwargs):
			raise Killed()

		batch_posting.post_charges = dies
		try:
			with self.assertRaises(Killed):
				self.run_core([first, second])
		finally:
			batch_posting.post_charges = original
		self.assertEqual(self.api.charges_for(first), 1)
		self.assertEqual(self.receipts(first), [])
		report = self.run_core([first, second])  # both charged before the kill: both found
		self.assertEqual((report.recovered, report.charged), ([first, second], []))
		for invoice in (first, second):
			self.assertEqual(self.api.charges_for(invoice), 1)
			self.assertEqual(len(self.receipts(invoice)), 1)
			self.assertEqual(self.outstanding(invoice), 0)

	def test_killed_between_two_invoices_and_during_a_retry(self):
		customer = self.customer_with_card("_Test PPA Kill Retry", "pm_card_visa_chargeDeclined")
		invoice = self.invoice(customer)
		self.run_core([invoice])
		method = frappe.db.get_value("Saved Payment Method", customer, "payment_method")
		self.api.payment_methods[method]["_behaviour"] = "pm_card_visa"
		other = self.invoice(self.customer_with_card("_Test PPA Kill Other"))
		gateway = self.gateway

		class DiesAfterCharging:
			def find_payments(self, *a, **k):
				return gateway.find_payments(*a, **k)

			def charge_saved_method(self, *a, **k):
				gateway.charge_saved_method(*a, **k)
				raise Killed()

		retry_day = add_days(nowdate(), 3)
		with self.assertRaises(Killed):  # dies on the retry of `invoice`, before `other`
			self.run_core([invoice, other], DiesAfterCharging(), retry_day)
		report = self.run_core([invoice, other], today=retry_day)
		self.assertEqual((report.recovered, report.charged), ([invoice], [other]))
		for name in (invoice, other):
			self.assertEqual(self.api.charges_for(name), 1)
			self.assertEqual(len(self.receipts(name)), 1)

	def test_stripe_down_stops_and_the_next_run_resumes(self):
		customer = self.customer_with_card("_Test PPA Down")
		invoice = self.invoice(customer)
		self.api.fail_next(500, after_effect=True)
		report = ppa.run_ppa_batch([invoice])
		self.assertEqual(report.stopped_at, invoice)
		self.assertEqual(frappe.db.get_value("PPA Attempt", f"ppa:{invoice}:1", "status"), "Started")
		# the next hourly run: the try is no longer one another run could be waiting on
		self.assertEqual(ppa.run_ppa_batch([invoice]).skipped, {invoice: "A payment is under way"})
		self.assertEqual(
			ppa.run_ppa_batch([invoice], now=add_to_date(now_datetime(), hours=1)).recovered, [invoice]
		)
		self.assertEqual(self.api.charges_for(invoice), 1)
		self.assertEqual(len(self.receipts(invoice)), 1)

	def test_a_batch_is_booked_in_one_journal_entry_that_webhooks_and_refunds_find(self):
		paid = [self.invoice(self.customer_with_card(f"_Test PPA Batch {i}"), rate=40 + i) for i in range(3)]
		declined = self.invoice(
			self.customer_with_card("_Test PPA Batch Declined", "pm_card_visa_chargeDeclined")
		)
		report = ppa.run_ppa_batch([*paid, declined])
		self.assertEqual((report.charged, report.declined), (paid, [declined]))
		[journal] = {entry for invoice in paid for entry in self.receipts(invoice)}
		je = frappe.get_doc("Journal Entry", journal)
		self.assertEqual((je.docstatus, je.voucher_type, len(je.accounts)), (1, "Bank Entry", 4))
		credits = {row.reference_name: row for row in je.accounts if row.credit_in_account_currency}
		self.assertEqual(sorted(credits), sorted(paid))
		for invoice in paid:
			self.assertEqual(self.outstanding(invoice), 0)
			pi = frappe.db.get_value("PPA Attempt", f"ppa:{invoice}:1", "payment_intent")
			self.assertEqual(credits[invoice].user_remark, pi)
			self.assertEqual(
				to_cents(credits[invoice].credit, self.currency), self.api.payment_intents[pi]["amount"]
			)
			self.assertEqual(payments.recorded_payment(pi), journal)
		[debit] = [row for row in je.accounts if row.debit_in_account_currency]
		self.assertEqual((debit.account, debit.debit), (self.bank, sum(40 + i for i in range(3))))
		self.assertEqual(self.receipts(declined), [])
		# Stripe's webhooks for a charge the batch booked: found, not booked again
		first = paid[0]
		intent = self.api.payment_intents[
			frappe.db.get_value("PPA Attempt", f"ppa:{first}:1", "payment_intent")
		]
		for kind, obj in (
			("payment_intent.succeeded", intent),
			("charge.succeeded", self.api.charges[intent["latest_charge"]]),
		):
			payload, header = self.api.signed_event(kind, obj)
			event_id, _new = webhooks.receive(payload, header)
			self.assertEqual(frappe.db.get_value("Stripe Event", event_id, "status"), "Applied")
		self.assertEqual(self.receipts(first), [journal])
		self.assertEqual(frappe.db.count("Payment Entry", {"reference_no": intent["id"]}), 0)
		# a refund from the desk finds the batch's payment; charge.refunded then changes nothing
		done = checkout.refund(first, "10.00", "requested_by_customer")
		self.assertEqual((done["amount"], payments.refunded_total(intent["id"])), (1000, 1000))
		refunded = self.api.charges[intent["latest_charge"]]
		payload, header = self.api.signed_event("charge.refunded", refunded)
		webhooks.receive(payload, header)
		self.assertEqual(payments.refunded_total(intent["id"]), 1000)
		self.assertEqual(self.receipts(first), [journal])

	def test_a_webhook_that_books_a_charge_before_its_batch_does_is_not_booked_twice(self):
		first, second = (self.invoice(self.customer_with_card(f"_Test PPA Hook First {i}")) for i in range(2))
		gateway, api = self.gateway, self.api

		class WebhookRightAfterTheCharge:
			def find_payments(self, *a, **k):
				return gateway.find_payments(*a, **k)

			def charge_saved_method(self, *a, **k):
				result = gateway.charge_saved_method(*a, **k)
				if result.invoice == first:  # Stripe's event arrives while the batch goes on
					webhooks.receive(
						*api.signed_event(
							"payment_intent.succeeded", api.payment_intents[result.payment_intent]
						)
					)
				return result

		report = self.run_core([first, second], WebhookRightAfterTheCharge())
		self.assertEqual(report.charged, [first, second])
		[entry] = self.receipts(first)
		self.assertEqual(frappe.db.get_value("PPA Attempt", f"ppa:{first}:1", "payment_entry"), entry)
		self.assertEqual(frappe.db.get_value("Payment Entry", entry, "docstatus"), 1)
		[journal] = self.receipts(second)
		self.assertEqual(frappe.db.get_value("PPA Attempt", f"ppa:{second}:1", "journal_entry"), journal)
		for invoice in (first, second):
			self.assertEqual(self.outstanding(invoice), 0)
			self.assertEqual(self.api.charges_for(invoice), 1)

	def test_an_invoice_cancelled_while_its_batch_charged_leaves_the_rest_booked(self):
		kept, cancelled = (
			self.invoice(self.customer_with_card(f"_Test PPA Cancelled {i}")) for i in range(2)
		)
		gateway = self.gateway

		class CancelledMeanwhile:
			def find_payments(self, *a, **k):
				return gateway.find_payments(*a, **k)

			def charge_saved_method(self, *a, **k):
				result = gateway.charge_saved_method(*a, **k)
				if result.invoice == cancelled:
					frappe.get_doc("Sales Invoice", cancelled).cancel()
				return result

		report = self.run_core([kept, cancelled], CancelledMeanwhile())
		self.assertEqual(report.charged, [kept])
		self.assertIn(cancelled, report.errors)
		self.assertEqual(self.outstanding(kept), 0)
		self.assertEqual(len(self.receipts(kept)), 1)
		self.assertEqual(frappe.db.get_value("PPA Attempt", f"ppa:{cancelled}:1", "status"), "Started")
		# the charge is in the log (Started) and in an Error Log for review; no longer due, never again
		self.assertTrue(frappe.db.exists("Error Log", {"method": "Pre-authorised payments not recorded"}))
		self.assertEqual(self.run_core([kept, cancelled]).charged, [])
		self.assertEqual((self.api.charges_for(cancelled), self.api.charges_for(kept)), (1, 1))

	def test_a_batch_payment_reactivates_what_billing_suspended(self):
		"""The tries ran out (suspended), then the schedule allows one more and the card works: the
		batch's Journal Entry pays the invoice and the service comes back, as a Payment Entry would."""
		frappe.db.set_single_value("Billing Settings", "ppa_max_attempts", 1)
		frappe.clear_document_cache("Billing Settings", "Billing Settings")
		customer = self.customer_with_card("_Test PPA Batch Reactivate", "pm_card_visa_chargeDeclined")
		sub = frappe.get_doc(
			{
				"doctype": "Service Subscription",
				"customer": customer,
				"service_location": make_location(customer).name,
				"plan": make_plan(),
			}
		).insert(ignore_permissions=True)
		sub.status = "Active"
		sub.save(ignore_permissions=True)
		invoice = self.invoice(customer)
		self.assertEqual(ppa.run_ppa_batch([invoice]).suspended, [invoice])
		frappe.db.set_single_value("Billing Settings", "ppa_max_attempts", 2)
		frappe.clear_document_cache("Billing Settings", "Billing Settings")
		method = frappe.db.get_value("Saved Payment Method", customer, "payment_method")
		self.api.payment_methods[method]["_behaviour"] = "pm_card_visa"
		self.assertEqual(ppa.run_ppa_batch([invoice], today=add_days(nowdate(), 3)).charged, [invoice])
		self.assertTrue(frappe.db.get_value("PPA Attempt", f"ppa:{invoice}:2", "journal_entry"))
		self.assertEqual(frappe.db.get_value("Service Subscription", sub.name, "status"), "Active")

	def test_the_scheduler_only_enqueues(self):
		self.invoice(self.customer_with_card("_Test PPA Enqueue"))
		frappe.db.set_single_value("Billing Settings", "ppa_enabled", 0)
		frappe.clear_document_cache("Billing Settings", "Billing Settings")
		self.assertEqual(ppa.enqueue_ppa_runs(), 0)


class TestCardsCheckoutRefunds(BillingCase):
	def test_a_customer_saves_a_card_through_a_setup_intent(self):
		customer = make_customer("_Test Save Card")
		frappe.db.set_value("Customer", customer, "stripe_id", None)
		started = checkout.start_card_setup(customer)
		self.assertTrue(started["client_secret"].startswith(started["setup_intent"]))
		payload, header = self.api.complete_setup(started["setup_intent"], "pm_card_visa")
		event_id, _new = webhooks.receive(payload, header)
		self.assertEqual(frappe.db.get_value("Stripe Event", event_id, "status"), "Applied")
		saved = frappe.get_doc("Saved Payment Method", customer)
		self.assertEqual(saved.stripe_customer, frappe.db.get_value("Customer", customer, "stripe_id"))
		self.assertEqual(
			saved.payment_method, self.api.setup_intents[started["setup_intent"]]["payment_method"]
		)

	def test_checkout_then_a_partial_refund_from_the_desk(self):
		customer = make_customer("_Test Checkout Refund")
		invoice = self.invoice(customer, rate=80)
		url = checkout.checkout_url(invoice)
		self.assertEqual(url, checkout.checkout_url(invoice))  # a double click: the same page
		payload, header = self.api.pay_checkout(url.rsplit("/", 1)[1])
		webhooks.receive(payload, header)
		self.assertEqual(self.outstanding(invoice), 0)
		done = checkout.refund(invoice, "30.00", "requested_by_customer")
		self.assertEqual(done["amount"], 3000)
		pi = self.api.refunds[done["refund"]]["payment_intent"]
		self.assertEqual(payments.refunded_total(pi), 3000)
		# Stripe's charge.refunded arrives after: already recorded, nothing more
		charge = self.api.charges[self.api.payment_intents[pi]["latest_charge"]]
		payload, header = self.api.signed_event("charge.refunded", charge)
		webhooks.receive(payload, header)
		self.assertEqual(payments.refunded_total(pi), 3000)

	def test_the_methods_ask_who_is_calling(self):
		from gigafibre_fsm.api import billing as api
		from gigafibre_fsm.tests.factories import make_user

		mine = make_customer("_Test Portal Owner")
		invoice = self.invoice(mine)
		stranger = make_user("billing.stranger@example.com", "Customer", user_type="Website User")
		dispatcher = make_user("billing.dispatcher@example.com", "Dispatcher")
		agent = make_user("billing.agent@example.com", "Billing Agent")
		owner = make_user("billing.owner@example.com", "Customer", user_type="Website User")
		customer_doc = frappe.get_doc("Customer", mine)
		customer_doc.append("portal_users", {"user": owner})
		customer_doc.save(ignore_permissions=True)
		for user, allowed in ((stranger, False), (dispatcher, False), (agent, True), (owner, True)):
			frappe.set_user(user)
			try:
				if allowed:
					url = api.pay_invoice(invoice)["url"]
					self.assertIsNone(api.pay_invoice(invoice, redirect=1))  # the notice's link
					self.assertEqual(
						(frappe.local.response["type"], frappe.local.response["location"]), ("redirect", url)
					)
					continue
				with self.assertRaises(frappe.PermissionError):
					api.pay_invoice(invoice)
				with self.assertRaises(frappe.PermissionError):
					api.save_card(mine)
				with self.assertRaises(frappe.PermissionError):
					api.refund(invoice)
				with self.assertRaises(frappe.PermissionError):
					api.run_preauthorised_payments()
			finally:
				frappe.set_user("Administrator")


class TestStripeWebhooks(BillingCase):
	def paid_intent(self, invoice, customer):
		stripe_id = frappe.db.get_value("Customer", customer, "stripe_id")
		pm = frappe.db.get_value("Saved Payment Method", customer, "payment_method")
		amount = to_cents(self.outstanding(invoice), self.currency)
		result = self.gateway.charge_saved_method(
			stripe_id, pm, amount, self.currency, f"t:{invoice}", {"invoice": invoice}
		)
		return self.api.payment_intents[result.payment_intent]

	def test_each_event_is_stored_once_and_applied_once(self):
		customer = self.customer_with_card("_Test Hook Once")
		invoice = self.invoice(customer)
		intent = self.paid_intent(invoice, customer)
		payload, header = self.api.signed_event("payment_intent.succeeded", intent)
		event_id, new = webhooks.receive(payload, header)
		self.assertTrue(new)
		self.assertEqual(frappe.db.get_value("Stripe Event", event_id, "status"), "Applied")
		self.assertEqual(webhooks.receive(payload, header), (event_id, False))  # replayed
		charge_payload, charge_header = self.api.signed_event(
			"charge.succeeded", self.api.charges[intent["latest_charge"]]
		)
		webhooks.receive(charge_payload, charge_header)  # the same payment, another event
		self.assertEqual(len(self.receipts(invoice)), 1)
		self.assertEqual(self.outstanding(invoice), 0)

	def test_a_refund_seen_before_the_payment_ends_right(self):
		customer = self.customer_with_card("_Test Hook Refund")
		invoice = self.invoice(customer)
		intent = self.paid_intent(invoice, customer)
		self.gateway.refund(intent["id"], 1000, "r1")
		charge = self.api.charges[intent["latest_charge"]]
		payload, header = self.api.signed_event("charge.refunded", charge)
		webhooks.receive(payload, header)
		late_payload, late_header = self.api.signed_event("payment_intent.succeeded", intent)
		webhooks.receive(late_payload, late_header)
		self.assertEqual(len(self.receipts(invoice)), 1)
		self.assertEqual(payments.refunded_total(intent["id"]), 1000)
		again_payload, again_header = self.api.signed_event("charge.refunded", charge)  # Stripe resends
		webhooks.receive(again_payload, again_header)
		self.assertEqual(payments.refunded_total(intent["id"]), 1000)

	def test_a_failed_application_is_undone_and_tried_again(self):
		customer = self.customer_with_card("_Test Hook Retry")
		invoice = self.invoice(customer)
		intent = self.paid_intent(invoice, customer)
		original = payments.record_payment

		def deadlocked(*args, **kwargs):
			original(*args, **kwargs)  # written, then the transaction fails
			raise frappe.ValidationError("deadlock")

		payments.record_payment = deadlocked
		try:
			payload, header = self.api.signed_event("payment_intent.succeeded", intent)
			event_id, _new = webhooks.receive(payload, header)
		finally:
			payments.record_payment = original
		self.assertEqual(frappe.db.get_value("Stripe Event", event_id, "status"), "Failed")
		self.assertEqual(self.receipts(invoice), [])  # undone to the savepoint
		self.assertEqual(webhooks.apply_event(event_id), "Applied")
		self.assertEqual(len(self.receipts(invoice)), 1)
		self.assertEqual(webhooks.apply_event(event_id), "Applied")  # once
		self.assertEqual(len(self.receipts(invoice)), 1)

	def test_every_handled_type_is_applied_once_when_replayed(self):
		customer = self.customer_with_card("_Test Hook Types")
		invoice = self.invoice(customer)
		intent = self.paid_intent(invoice, customer)
		charge = self.api.charges[intent["latest_charge"]]
		failed = {
			**intent,
			"id": "pi_failed_x",
			"status": "requires_payment_method",
			"last_payment_error": {"code": "card_declined", "message": "Your card was declined."},
		}
		dispute = {
			"id": "dp_x",
			"object": "dispute",
			"amount": charge["amount"],
			"currency": charge["currency"],
			"payment_intent": intent["id"],
			"status": "needs_response",
			"reason": "fraudulent",
			"metadata": {},
		}
		cases = [
			("payment_intent.succeeded", intent, "Applied"),
			("charge.succeeded", charge, "Applied"),
			("payment_intent.payment_failed", failed, "Applied"),
			(
				"payment_intent.requires_action",
				{**failed, "id": "pi_action_x", "status": "requires_action"},
				"Applied",
			),
			("payment_intent.processing", {**intent, "status": "processing"}, "Applied"),
			("payment_intent.canceled", {**failed, "id": "pi_cancel_x", "status": "canceled"}, "Applied"),
			(
				"charge.failed",
				{
					**charge,
					"id": "ch_failed_x",
					"status": "failed",
					"paid": False,
					"failure_code": "card_declined",
				},
				"Applied",
			),
			("charge.dispute.created", dispute, "Needs Review"),
			("invoice.paid", {"id": "in_x", "object": "invoice"}, "Needs Review"),  # names no invoice
			("customer.subscription.updated", {"id": "sub_x", "object": "subscription"}, "Acknowledged"),
		]

		def comments():
			return frappe.db.count(
				"Comment", {"reference_doctype": "Sales Invoice", "reference_name": invoice}
			)

		for kind, obj, status in cases:
			payload, header = self.api.signed_event(kind, obj)
			event_id, new = webhooks.receive(payload, header)
			self.assertTrue(new, kind)
			self.assertEqual(frappe.db.get_value("Stripe Event", event_id, "status"), status, kind)
			before = (comments(), len(self.receipts(invoice)))
			self.assertEqual(webhooks.receive(payload, header), (event_id, False), kind)
			self.assertEqual(webhooks.apply_event(event_id), status, kind)  # a second job: nothing
			self.assertEqual((comments(), len(self.receipts(invoice))), before, kind)
		self.assertEqual(len(self.receipts(invoice)), 1)

	def test_forged_stale_unknown(self):
		before = frappe.db.count("Stripe Event")
		payload, header = self.api.signed_event(
			"payment_intent.succeeded", {"id": "pi_x"}, secret="whsec_forged"
		)
		with self.assertRaises(WebhookRejected):
			webhooks.receive(payload, header)
		import time

		stale, stale_header = self.api.signed_event(
			"payment_intent.succeeded", {"id": "pi_x"}, timestamp=int(time.time()) - 600
		)
		with self.assertRaises(WebhookRejected):
			webhooks.receive(stale, stale_header)
		self.assertEqual(frappe.db.count("Stripe Event"), before)
		unknown, unknown_header = self.api.signed_event(
			"customer.created", {"id": "cus_x", "object": "customer"}
		)
		event_id, _new = webhooks.receive(unknown, unknown_header)
		self.assertEqual(frappe.db.get_value("Stripe Event", event_id, "status"), "Acknowledged")
		orphan = {
			"id": "pi_orphan",
			"object": "payment_intent",
			"amount": 500,
			"amount_received": 500,
			"currency": self.currency.lower(),
			"metadata": {"invoice": "NO-SUCH-INVOICE"},
		}
		orphan_payload, orphan_header = self.api.signed_event("payment_intent.succeeded", orphan)
		event_id, _new = webhooks.receive(orphan_payload, orphan_header)
		self.assertEqual(frappe.db.get_value("Stripe Event", event_id, "status"), "Needs Review")

	def test_the_endpoint_answers_403_to_a_forgery_and_200_to_stripe(self):
		from gigafibre_fsm.api.billing import stripe_webhook

		def post(payload, header):
			environ = EnvironBuilder(
				method="POST",
				data=payload,
				headers={"Stripe-Signature": header},
				content_type="application/json",
			).get_environ()
			frappe.local.request = Request(environ)
			frappe.local.request_ip = "203.0.113.7"  # the rate limit counts per IP
			return stripe_webhook()

		payload, header = self.api.signed_event("customer.created", {"id": "cus_y", "object": "customer"})
		self.assertEqual(post(payload, header.replace("v1=", "v1=0")).status_code, 403)
		self.assertEqual(post(payload, header).status_code, 200)
		self.assertEqual(post(payload, header).status_code, 200)


class TestQuebecTaxes(IntegrationTestCase):
	def test_the_template_comes_from_data(self):
		company, _bank = company_and_bank()
		name = taxes.ensure_template(company) or frappe.db.get_value(
			"Sales Taxes and Charges Template", {"company": company, "title": "Quebec Sales Taxes"}
		)
		rates = sorted(r.rate for r in frappe.get_doc("Sales Taxes and Charges Template", name).taxes)
		self.assertEqual(rates, [5.0, 9.975])
		self.assertIsNone(taxes.ensure_template(company))  # once


class TestSubscriptionBilling(BillingCase):
	def test_an_active_service_is_billed_by_an_erpnext_subscription_with_quebec_taxes(self):
		frappe.db.set_single_value("Billing Settings", "bill_subscriptions", 1)
		frappe.clear_document_cache("Billing Settings", "Billing Settings")
		customer = make_customer("_Test Billed Subscriber")
		sub = frappe.get_doc(
			{
				"doctype": "Service Subscription",
				"customer": customer,
				"service_location": make_location(customer).name,
				"plan": make_plan(),
				"actual_price": 89.99,
				"start_date": nowdate(),
			}
		).insert(ignore_permissions=True)
		self.assertFalse(sub.erpnext_subscription)  # Pending: nothing billed
		sub.status = "Active"
		sub.save(ignore_permissions=True)
		name = frappe.db.get_value("Service Subscription", sub.name, "erpnext_subscription")
		erp = frappe.get_doc("Subscription", name)
		self.assertEqual((erp.party, erp.sales_tax_template), (customer, taxes.template_name(self.company)))
		self.assertEqual(frappe.db.get_value("Subscription Plan", erp.plans[0].plan, "cost"), 89.99)
		erp.process()  # what ERPNext's scheduler does: the month's invoice, taxed
		invoice = frappe.get_last_doc("Sales Invoice", filters={"customer": customer})
		self.assertEqual(sorted(t.rate for t in invoice.taxes), [5.0, 9.975])
		self.assertAlmostEqual(invoice.grand_total, 89.99 + 4.50 + 8.98, places=2)
		sub.reload()
		sub.status = "Cancelled"
		sub.save(ignore_permissions=True)
		self.assertEqual(frappe.db.get_value("Subscription", name, "status"), "Cancelled")
