# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""Tier 2: Stripe Billing events (invoices, subscriptions), disputes, and the pro-rata of an
ERPNext Subscription, on a real site. Events are signed with Stripe's scheme and go through
`webhooks.receive` as Stripe's would; objects are in Stripe's real shapes."""

import json
import time

import frappe
from frappe.utils import add_days, add_months, get_first_day, getdate, nowdate

from gigafibre_fsm.billing.money import to_cents
from gigafibre_fsm.billing.services import payments, webhooks
from gigafibre_fsm.billing.services.test_billing_services import BillingCase
from gigafibre_fsm.tests.factories import make_customer, make_location, make_plan

EVENT = "Stripe Event"


class StripeBillingCase(BillingCase):
	def signed(self, kind: str, obj: dict, created: int | None = None) -> tuple[bytes, str]:
		"""A Stripe Event (https://docs.stripe.com/api/events/object) around `obj`, created at
		`created`, with a Stripe-Signature made by the SDK's own signer."""
		import stripe

		event = {
			"id": "evt_" + frappe.generate_hash(length=24),
			"object": "event",
			"api_version": "2025-03-31.basil",
			"created": created or int(time.time()),
			"type": kind,
			"livemode": False,
			"pending_webhooks": 1,
			"request": {"id": None, "idempotency_key": None},
			"data": {"object": obj},
		}
		payload = json.dumps(event)
		header = stripe.WebhookSignature.generate_signature_header(
			payload, self.api.webhook_secret, int(time.time())
		)
		return payload.encode(), header

	def deliver(self, kind: str, obj: dict, created: int | None = None) -> tuple[str, str]:
		event_id, new = webhooks.receive(*self.signed(kind, obj, created))
		self.assertTrue(new)
		return event_id, frappe.db.get_value(EVENT, event_id, "status")

	def stripe_invoice(self, invoice: str, number: str, amount: int, payment_intent: str | None, **extra):
		"""A Stripe invoice (https://docs.stripe.com/api/invoices/object, current API shape)."""
		obj = {
			"id": number,
			"object": "invoice",
			"amount_due": amount,
			"amount_paid": amount if extra.get("status", "paid") == "paid" else 0,
			"amount_remaining": 0 if extra.get("status", "paid") == "paid" else amount,
			"attempt_count": 1,
			"billing_reason": "subscription_cycle",
			"collection_method": "charge_automatically",
			"currency": self.currency.lower(),
			"customer": extra.pop("customer", "cus_unknown"),
			"hosted_invoice_url": f"https://invoice.stripe.com/i/acct_test/{number}",
			"metadata": {"invoice": invoice},
			"next_payment_attempt": None,
			"status": "paid",
			"lines": {"object": "list", "data": [], "has_more": False},
			"parent": {
				"type": "subscription_details",
				"subscription_details": {"metadata": {}, "subscription": "sub_" + number[3:]},
			},
			"payments": {
				"object": "list",
				"data": [
					{
						"object": "invoice_payment",
						"amount_paid": amount,
						"currency": self.currency.lower(),
						"invoice": number,
						"payment": {"type": "payment_intent", "payment_intent": payment_intent},
						"status": "paid",
					}
				]
				if payment_intent
				else [],
				"has_more": False,
			},
		}
		obj.update(extra)
		return obj

	def service(self, name: str, status: str = "Active"):
		customer = make_customer(name)
		sub = frappe.get_doc(
			{
				"doctype": "Service Subscription",
				"customer": customer,
				"service_location": make_location(customer).name,
				"plan_type": "Internet",
				"plan": make_plan(),
			}
		).insert(ignore_permissions=True)  # a new subscription starts Pending
		if status != "Pending":
			sub.status = status
			sub.save(ignore_permissions=True)
		return sub

	def stripe_subscription(self, number: str, status: str, service: str) -> dict:
		"""A Stripe subscription (https://docs.stripe.com/api/subscriptions/object)."""
		return {
			"id": number,
			"object": "subscription",
			"customer": "cus_unknown",
			"currency": self.currency.lower(),
			"status": status,
			"metadata": {"service_subscription": service},
			"items": {"object": "list", "data": [], "has_more": False},
		}


class TestStripeBillingInvoices(StripeBillingCase):
	def test_invoice_paid_before_finalized_and_payment_succeeded_record_one_payment(self):
		customer = self.customer_with_card("_Test SB Paid")
		invoice = self.invoice(customer, rate=90)
		amount = to_cents(self.outstanding(invoice), self.currency)
		obj = self.stripe_invoice(
			invoice,
			"in_sbpaid1",
			amount,
			"pi_sbpaid1",
			customer=frappe.db.get_value("Customer", customer, "stripe_id"),
		)
		_event, status = self.deliver("invoice.paid", obj)
		self.assertEqual(status, "Applied")
		self.assertEqual(self.outstanding(invoice), 0)
		finalized = {**obj, "status": "open", "amount_paid": 0, "payments": {"object": "list", "data": []}}
		self.assertEqual(self.deliver("invoice.finalized", finalized)[1], "Acknowledged")  # late: nothing
		self.assertEqual(self.deliver("invoice.payment_succeeded", obj)[1], "Applied")
		self.assertEqual(len(self.receipts(invoice)), 1)
		self.assertEqual(self.outstanding(invoice), 0)
		self.assertEqual(payments.payment_entry_for("pi_sbpaid1"), self.receipts(invoice)[0])

	def test_an_invoice_paid_out_of_band_is_recorded_once_by_the_stripe_invoice(self):
		customer = make_customer("_Test SB Out Of Band")
		invoice = self.invoice(customer, rate=40)
		amount = to_cents(self.outstanding(invoice), self.currency)
		obj = self.stripe_invoice(invoice, "in_sboob1", amount, None)
		self.deliver("invoice.paid", obj)
		self.deliver("invoice.paid", obj)  # the same state in another event
		self.assertEqual(len(self.receipts(invoice)), 1)
		self.assertEqual(payments.payment_entry_for("in_sboob1"), self.receipts(invoice)[0])

	def test_a_stripe_invoice_of_another_customer_or_naming_no_invoice_is_reviewed(self):
		mine = self.customer_with_card("_Test SB Mine")
		other = self.customer_with_card("_Test SB Other")
		invoice = self.invoice(mine, rate=30)
		obj = self.stripe_invoice(
			invoice,
			"in_sbwrong",
			3000,
			"pi_sbwrong",
			customer=frappe.db.get_value("Customer", other, "stripe_id"),
		)
		self.assertEqual(self.deliver("invoice.paid", obj)[1], "Needs Review")
		self.assertEqual(self.receipts(invoice), [])
		nameless = {**obj, "id": "in_sbnameless", "metadata": {}}
		self.assertEqual(self.deliver("invoice.paid", nameless)[1], "Needs Review")

	def test_a_failed_payment_is_noted_and_the_customer_told_with_stripes_page(self):
		customer = self.customer_with_card("_Test SB Failed")
		frappe.db.set_value("Customer", customer, "email_id", "sb.failed@example.com")
		invoice = self.invoice(customer, rate=50)
		obj = self.stripe_invoice(
			invoice,
			"in_sbfail1",
			to_cents(self.outstanding(invoice), self.currency),
			None,
			status="open",
			attempt_count=2,
			next_payment_attempt=int(time.time()) + 3 * 86400,
		)
		self.assertEqual(self.deliver("invoice.payment_failed", obj)[1], "Applied")
		comments = frappe.get_all(
			"Comment",
			filters={"reference_doctype": "Sales Invoice", "reference_name": invoice},
			pluck="content",
		)
		self.assertTrue(any("https://invoice.stripe.com/i/acct_test/in_sbfail1" in c for c in comments))
		if frappe.db.exists("Email Account", {"default_outgoing": 1, "enable_outgoing": 1}):
			self.assertTrue(
				frappe.db.exists(
					"Email Queue", {"reference_doctype": "Sales Invoice", "reference_name": invoice}
				)
			)
		self.assertGreater(self.outstanding(invoice), 0)  # nothing paid
		self.assertEqual(self.receipts(invoice), [])


class TestStripeBillingSubscriptions(StripeBillingCase):
	def test_past_due_suspends_active_reactivates_and_deleted_cancels(self):
		sub = self.service("_Test SB Service")
		now = int(time.time())
		past_due = self.stripe_subscription("sub_sbsvc", "past_due", sub.name)
		self.assertEqual(self.deliver("customer.subscription.updated", past_due, now - 30)[1], "Applied")
		self.assertEqual(frappe.db.get_value("Service Subscription", sub.name, "status"), "Suspended")
		# the suspension went through the lifecycle, so it is in the history and reaches the network
		self.assertTrue(frappe.db.exists("Service Network Change", {"service_subscription": sub.name}))
		active = {**past_due, "status": "active"}
		self.deliver("customer.subscription.updated", active, now - 20)
		self.assertEqual(frappe.db.get_value("Service Subscription", sub.name, "status"), "Active")
		# Stripe delivers an older past_due late: the newer state stays
		_event, status = self.deliver("customer.subscription.updated", past_due, now - 25)
		self.assertEqual(status, "Acknowledged")
		self.assertEqual(frappe.db.get_value("Service Subscription", sub.name, "status"), "Active")
		self.deliver("customer.subscription.deleted", {**past_due, "status": "canceled"}, now - 10)
		self.assertEqual(frappe.db.get_value("Service Subscription", sub.name, "status"), "Cancelled")
		# nothing brings a cancelled service back
		self.deliver("customer.subscription.updated", active, now)
		self.assertEqual(frappe.db.get_value("Service Subscription", sub.name, "status"), "Cancelled")
		reasons = [row.reason for row in frappe.get_doc("Service Subscription", sub.name).status_history]
		self.assertIn("Stripe subscription sub_sbsvc is past_due", reasons)

	def test_active_does_not_put_a_pending_service_in_service_and_an_unknown_one_is_reviewed(self):
		pending = self.service("_Test SB Pending", status="Pending")
		self.deliver(
			"customer.subscription.updated", self.stripe_subscription("sub_sbpend", "active", pending.name)
		)
		self.assertEqual(frappe.db.get_value("Service Subscription", pending.name, "status"), "Pending")
		unknown = self.stripe_subscription("sub_sbunknown", "past_due", "SUB-NO-SUCH")
		self.assertEqual(self.deliver("customer.subscription.updated", unknown)[1], "Needs Review")


class TestDisputes(StripeBillingCase):
	def paid(self, name):
		customer = self.customer_with_card(name)
		invoice = self.invoice(customer, rate=60)
		stripe_id = frappe.db.get_value("Customer", customer, "stripe_id")
		pm = frappe.db.get_value("Saved Payment Method", customer, "payment_method")
		amount = to_cents(self.outstanding(invoice), self.currency)
		result = self.gateway.charge_saved_method(
			stripe_id, pm, amount, self.currency, f"d:{invoice}", {"invoice": invoice}
		)
		intent = self.api.payment_intents[result.payment_intent]
		webhooks.receive(*self.api.signed_event("payment_intent.succeeded", intent))
		return invoice, intent, amount

	def dispute(self, intent, amount, status, number="du_sbdispute1"):
		"""A Stripe dispute (https://docs.stripe.com/api/disputes/object)."""
		return {
			"id": number,
			"object": "dispute",
			"amount": amount,
			"charge": intent["latest_charge"],
			"currency": self.currency.lower(),
			"evidence_details": {"due_by": int(time.time()) + 7 * 86400, "has_evidence": False},
			"metadata": {},
			"payment_intent": intent["id"],
			"reason": "fraudulent",
			"status": status,
		}

	def loss_entries(self, number):
		return frappe.get_all(
			"Payment Entry",
			filters={"reference_no": number, "payment_type": "Pay", "docstatus": 1},
			pluck="name",
		)

	def test_a_dispute_is_recorded_on_the_invoice_and_a_loss_returns_the_money_once(self):
		invoice, intent, amount = self.paid("_Test SB Dispute Lost")
		_event, status = self.deliver(
			"charge.dispute.created", self.dispute(intent, amount, "needs_response")
		)
		self.assertEqual(status, "Needs Review")
		record = frappe.get_doc("Stripe Dispute", "du_sbdispute1")
		self.assertEqual((record.sales_invoice, record.status), (invoice, "Needs Response"))
		self.assertEqual(to_cents(record.amount, self.currency), amount)
		self.assertTrue(record.evidence_due_by)
		self.deliver("charge.dispute.updated", self.dispute(intent, amount, "under_review"))
		self.assertEqual(frappe.db.get_value("Stripe Dispute", "du_sbdispute1", "status"), "Under Review")
		closed = self.dispute(intent, amount, "lost")
		self.deliver("charge.dispute.closed", closed)
		self.deliver("charge.dispute.closed", closed)  # Stripe sends it again, as another event
		[loss] = self.loss_entries("du_sbdispute1")
		self.assertEqual(
			to_cents(frappe.db.get_value("Payment Entry", loss, "paid_amount"), self.currency), amount
		)
		self.assertEqual(frappe.db.get_value("Stripe Dispute", "du_sbdispute1", "loss_payment_entry"), loss)
		# a late update never reopens it
		self.deliver("charge.dispute.updated", self.dispute(intent, amount, "under_review"))
		self.assertEqual(frappe.db.get_value("Stripe Dispute", "du_sbdispute1", "status"), "Lost")
		comments = frappe.get_all(
			"Comment",
			filters={"reference_doctype": "Sales Invoice", "reference_name": invoice},
			pluck="content",
		)
		self.assertEqual(sum("du_sbdispute1" in c for c in comments), 3)  # opened, under review, lost
		# the invoice's form lists it
		data = frappe.get_meta("Sales Invoice").get_dashboard_data()
		self.assertIn("Stripe Dispute", [item for group in data.transactions for item in group["items"]])

	def test_a_dispute_lost_before_its_payment_is_recorded_waits_for_it(self):
		customer = self.customer_with_card("_Test SB Dispute Early")
		invoice = self.invoice(customer, rate=45)
		stripe_id = frappe.db.get_value("Customer", customer, "stripe_id")
		pm = frappe.db.get_value("Saved Payment Method", customer, "payment_method")
		amount = to_cents(self.outstanding(invoice), self.currency)
		result = self.gateway.charge_saved_method(
			stripe_id, pm, amount, self.currency, f"e:{invoice}", {"invoice": invoice}
		)
		intent = self.api.payment_intents[result.payment_intent]
		event_id, status = self.deliver(
			"charge.dispute.closed", self.dispute(intent, amount, "lost", "du_sbearly")
		)
		self.assertEqual(status, "Failed")  # its payment is not recorded yet: nothing written
		self.assertFalse(frappe.db.exists("Stripe Dispute", "du_sbearly"))
		webhooks.receive(*self.api.signed_event("payment_intent.succeeded", intent))
		self.assertEqual(webhooks.apply_event(event_id), "Applied")  # the hourly retry
		self.assertEqual(frappe.db.get_value("Stripe Dispute", "du_sbearly", "sales_invoice"), invoice)
		self.assertEqual(len(self.loss_entries("du_sbearly")), 1)

	def test_a_won_dispute_is_noted_and_returns_nothing(self):
		_invoice, intent, amount = self.paid("_Test SB Dispute Won")
		self.deliver("charge.dispute.created", self.dispute(intent, amount, "needs_response", "du_sbwon"))
		_event, status = self.deliver(
			"charge.dispute.closed", self.dispute(intent, amount, "won", "du_sbwon")
		)
		self.assertEqual(status, "Applied")
		self.assertEqual(frappe.db.get_value("Stripe Dispute", "du_sbwon", "status"), "Won")
		self.assertEqual(self.loss_entries("du_sbwon"), [])


class TestProRata(StripeBillingCase):
	"""What ERPNext's Subscription bills for a Service Subscription activated, then cancelled,
	in the middle of a month, with Subscription Settings' "Prorate" on.

	Our mapping (services/subscriptions.py) bills each period at its start ("Beginning of the
	current subscription period", fixed monthly rate). ERPNext then counts periods from the
	activation date and its prorate factor is 1 for periods billed in advance
	(`get_prorata_factor(..., is_prepaid=1)`): the first invoice is a full month from the day of
	activation; a cancellation ends the billing and credits nothing of the period paid."""

	def setUp(self):
		super().setUp()
		frappe.db.set_single_value("Subscription Settings", "prorate", 1)
		frappe.db.set_single_value("Billing Settings", "bill_subscriptions", 1)
		frappe.clear_document_cache("Billing Settings", "Billing Settings")

	def test_activation_and_cancellation_mid_period(self):
		start = add_days(get_first_day(nowdate()), 14)  # the 15th of this month
		customer = make_customer("_Test SB Pro Rata")
		sub = frappe.get_doc(
			{
				"doctype": "Service Subscription",
				"customer": customer,
				"service_location": make_location(customer).name,
				"plan_type": "Internet",
				"plan": make_plan(),
				"actual_price": 89.99,
				"start_date": start,
			}
		).insert(ignore_permissions=True)
		sub.status = "Active"
		sub.save(ignore_permissions=True)
		erp = frappe.get_doc(
			"Subscription", frappe.db.get_value("Service Subscription", sub.name, "erpnext_subscription")
		)
		self.assertEqual(getdate(erp.current_invoice_start), getdate(start))
		self.assertEqual(getdate(erp.current_invoice_end), getdate(add_days(add_months(start, 1), -1)))
		erp.process(posting_date=start)  # what ERPNext's daily job does on that day
		invoice = frappe.get_doc("Sales Invoice", {"subscription": erp.name})
		self.assertEqual(
			(getdate(invoice.from_date), getdate(invoice.to_date)),
			(getdate(start), getdate(add_days(add_months(start, 1), -1))),
		)
		self.assertEqual(invoice.items[0].rate, 89.99)  # a whole month from the 15th: factor 1
		self.assertAlmostEqual(invoice.grand_total, 89.99 + 4.50 + 8.98, places=2)
		# cancelled on the 25th: the billing stops, the period paid in advance is not credited
		sub.reload()
		sub.status = "Cancelled"
		sub.save(ignore_permissions=True)
		erp.reload()
		self.assertEqual(erp.status, "Cancelled")
		self.assertEqual(frappe.db.count("Sales Invoice", {"subscription": erp.name}), 1)
		self.assertEqual(frappe.db.count("Sales Invoice", {"subscription": erp.name, "is_return": 1}), 0)
