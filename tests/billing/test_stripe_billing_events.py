"""Stripe Billing invoices and subscriptions, and disputes, planned from signed events in
Stripe's real shapes (tests/billing/stripe_shapes.py)."""

import pytest

from gigafibre_fsm.billing.stripe_events import (
	Acknowledge,
	RecordDispute,
	RecordDisputeLoss,
	RecordInvoiceFailure,
	RecordInvoicePayment,
	Review,
	SetServiceStatus,
	dispute_status_after,
	plan,
)
from gigafibre_fsm.billing.stripe_gateway import verify_webhook
from tests.billing.stripe_shapes import dispute, stripe_invoice, stripe_subscription


def received(api, kind, obj):
	payload, header = api.signed_event(kind, obj)
	return verify_webhook(payload, header, api.webhook_secret)


@pytest.mark.parametrize("legacy", [False, True], ids=["current API", "before 2025-03-31"])
def test_invoice_paid_and_payment_succeeded_plan_one_payment_keyed_by_its_intent(stripe_api, legacy):
	obj = stripe_invoice(legacy=legacy)
	expected = [RecordInvoicePayment("SINV-1", "in_1QaBcD", "pi_3QaBcD", 10347, "CAD", "cus_RbCdEf")]
	assert plan(received(stripe_api, "invoice.paid", obj)) == expected
	assert plan(received(stripe_api, "invoice.payment_succeeded", obj)) == expected
	assert expected[0].key == "pi_3QaBcD"


def test_an_invoice_paid_out_of_band_is_keyed_by_the_stripe_invoice(stripe_api):
	[action] = plan(received(stripe_api, "invoice.paid", stripe_invoice(payment_intent=None)))
	assert (action.payment_intent, action.key) == (None, "in_1QaBcD")


def test_the_erpnext_invoice_may_be_named_on_the_lines(stripe_api):
	[action] = plan(received(stripe_api, "invoice.paid", stripe_invoice(on_lines=True)))
	assert action.invoice == "SINV-1"


def test_finalized_and_other_invoice_events_change_nothing_so_order_does_not_matter(stripe_api):
	for kind in ("invoice.finalized", "invoice.created", "invoice.updated", "invoice.upcoming"):
		[action] = plan(received(stripe_api, kind, stripe_invoice(status="open", payment_intent=None)))
		assert isinstance(action, Acknowledge), kind


def test_invoices_naming_no_or_several_invoices_or_odd_money_go_to_review(stripe_api):
	none = stripe_invoice(invoice=None)
	several = stripe_invoice()
	several["lines"]["data"][0]["metadata"] = {"invoice": "SINV-2"}
	foreign = stripe_invoice(currency="xyz")
	for obj in (none, several, foreign):
		[action] = plan(received(stripe_api, "invoice.paid", obj))
		assert isinstance(action, Review), obj["metadata"]
	[credit] = plan(received(stripe_api, "invoice.paid", stripe_invoice(amount_paid=0)))
	assert isinstance(credit, Acknowledge)


def test_a_failed_invoice_payment_points_to_stripes_hosted_page(stripe_api):
	obj = stripe_invoice(status="open", payment_intent=None)
	obj.update({"attempt_count": 2, "next_payment_attempt": 1765411200})
	[action] = plan(received(stripe_api, "invoice.payment_failed", obj))
	assert action == RecordInvoiceFailure(
		"SINV-1", "in_1QaBcD", "cus_RbCdEf", 2, 1765411200, "https://invoice.stripe.com/i/acct_1/in_1QaBcD"
	)


def test_the_payment_intent_of_a_stripe_invoice_is_left_to_the_invoice_event(stripe_api):
	intent = {
		"id": "pi_3QaBcD",
		"object": "payment_intent",
		"amount": 10347,
		"amount_received": 10347,
		"currency": "cad",
		"invoice": "in_1QaBcD",  # API before 2025-03-31
		"metadata": {},
	}
	[action] = plan(received(stripe_api, "payment_intent.succeeded", intent))
	assert isinstance(action, Acknowledge)


@pytest.mark.parametrize(
	"stripe_status, service_status",
	[
		("past_due", "Suspended"),
		("unpaid", "Suspended"),
		("paused", "Suspended"),
		("active", "Active"),
		("trialing", "Active"),
		("canceled", "Cancelled"),
		("incomplete_expired", "Cancelled"),
	],
)
def test_a_subscription_update_sets_the_service_status(stripe_api, stripe_status, service_status):
	event = received(stripe_api, "customer.subscription.updated", stripe_subscription(stripe_status))
	assert plan(event) == [
		SetServiceStatus(("SUB-00001",), service_status, "sub_1QaBcD", stripe_status, event["created"])
	]


def test_a_deleted_subscription_cancels_and_incomplete_changes_nothing(stripe_api):
	[deleted] = plan(
		received(stripe_api, "customer.subscription.deleted", stripe_subscription("canceled", "SUB-1, SUB-2"))
	)
	assert (deleted.status, deleted.service_subscriptions) == ("Cancelled", ("SUB-1", "SUB-2"))
	[incomplete] = plan(
		received(stripe_api, "customer.subscription.updated", stripe_subscription("incomplete"))
	)
	assert isinstance(incomplete, Acknowledge)


def test_the_service_subscription_may_be_named_on_the_items_and_none_is_reviewed(stripe_api):
	[on_items] = plan(
		received(stripe_api, "customer.subscription.updated", stripe_subscription("past_due", on_items=True))
	)
	assert on_items.service_subscriptions == ("SUB-00001",)
	[none] = plan(
		received(stripe_api, "customer.subscription.updated", stripe_subscription("past_due", None))
	)
	assert isinstance(none, Review)


def test_a_dispute_opened_is_recorded_for_review(stripe_api):
	[action] = plan(received(stripe_api, "charge.dispute.created", dispute()))
	assert action == RecordDispute(
		None,
		"pi_3QaBcD",
		"du_1QaBcD",
		10347,
		"CAD",
		"needs_response",
		"fraudulent",
		"ch_3QaBcD",
		1766966399,
		True,
	)


def test_a_lost_dispute_is_money_returned_and_a_won_one_is_noted(stripe_api):
	record, loss = plan(received(stripe_api, "charge.dispute.closed", dispute("lost")))
	assert (record.status, record.opened) == ("lost", False)
	assert loss == RecordDisputeLoss(None, "pi_3QaBcD", "du_1QaBcD", 10347, "CAD")
	[won] = plan(received(stripe_api, "charge.dispute.closed", dispute("won")))
	assert isinstance(won, RecordDispute) and won.status == "won"
	[_record, problem] = plan(received(stripe_api, "charge.dispute.closed", dispute("lost", amount=0)))
	assert isinstance(problem, Review)


def test_a_dispute_status_only_moves_forward():
	assert dispute_status_after(None, "needs_response") == "needs_response"
	assert dispute_status_after("needs_response", "under_review") == "under_review"
	assert dispute_status_after("lost", "under_review") == "lost"  # a late update
	assert dispute_status_after("under_review", "won") == "won"
