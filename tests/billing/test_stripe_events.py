"""Events signed by the Stripe double, verified with the SDK's construct_event, then planned."""

import time

import pytest

from gigafibre_fsm.billing.stripe_events import (
	Acknowledge,
	RecordFailure,
	RecordPayment,
	RecordRefund,
	Review,
	SavePaymentMethod,
	plan,
)
from gigafibre_fsm.billing.stripe_gateway import StripeGateway, WebhookRejected, verify_webhook


@pytest.fixture
def paid(stripe_api):
	gateway = StripeGateway(stripe_api.secret_key, stripe_api.base_url)
	customer = gateway.create_customer("CUST-1")
	pm = stripe_api.add_payment_method(customer, "pm_card_visa")
	result = gateway.charge_saved_method(customer, pm, 5749, "CAD", "k1", {"invoice": "SINV-1"})
	return stripe_api, gateway, result


def received(api, kind, obj, **kwargs):
	payload, header = api.signed_event(kind, obj, **kwargs)
	return verify_webhook(payload, header, api.webhook_secret)


def test_payment_intent_and_charge_succeeded_plan_the_same_keyed_payment(paid):
	api, _gateway, result = paid
	pi = api.payment_intents[result.payment_intent]
	from_pi = plan(received(api, "payment_intent.succeeded", pi))
	from_charge = plan(received(api, "charge.succeeded", api.charges[pi["latest_charge"]]))
	expected = [RecordPayment("SINV-1", pi["id"], 5749, "CAD", pi["customer"])]
	assert from_pi == expected == from_charge


def test_refund_before_payment_records_payment_then_cumulative_refund(paid):
	api, gateway, result = paid
	gateway.refund(result.payment_intent, 1000, "r1")
	gateway.refund(result.payment_intent, 749, "r2")
	charge = api.charges[api.payment_intents[result.payment_intent]["latest_charge"]]
	actions = plan(received(api, "charge.refunded", charge))
	assert actions[0] == RecordPayment("SINV-1", result.payment_intent, 5749, "CAD", charge["customer"])
	assert actions[1] == RecordRefund("SINV-1", result.payment_intent, charge["id"], 1749, "CAD")


def test_checkout_paid_and_setup_modes(stripe_api):
	gateway = StripeGateway(stripe_api.secret_key, stripe_api.base_url)
	session, _url = gateway.create_checkout_session(
		"SINV-9", 11498, "CAD", "Facture SINV-9", "https://x/ok", "https://x/no"
	)
	payload, header = stripe_api.pay_checkout(session)
	[action] = plan(verify_webhook(payload, header, stripe_api.webhook_secret))
	assert action == RecordPayment(
		"SINV-9", stripe_api.sessions[session]["payment_intent"], 11498, "CAD", None
	)
	si, _secret = gateway.create_setup_intent(gateway.create_customer("CUST-2"))
	payload, header = stripe_api.complete_setup(si, "pm_card_visa")
	[save] = plan(verify_webhook(payload, header, stripe_api.webhook_secret))
	assert isinstance(save, SavePaymentMethod) and save.payment_method.startswith("pm_")


def test_decline_and_authentication_are_failures(paid):
	api, gateway, _result = paid
	customer = gateway.create_customer("CUST-3")
	pm = api.add_payment_method(customer, "pm_card_authenticationRequired")
	failed = gateway.charge_saved_method(customer, pm, 5000, "CAD", "k2", {"invoice": "SINV-3"})
	[action] = plan(
		received(api, "payment_intent.payment_failed", api.payment_intents[failed.payment_intent])
	)
	assert action == RecordFailure(
		"SINV-3", failed.payment_intent, "authentication_required", failed.message, True
	)


def test_unknown_types_are_acknowledged_and_a_stripe_invoice_naming_no_invoice_is_reviewed(stripe_api):
	assert isinstance(plan(received(stripe_api, "customer.created", {"id": "cus_1"}))[0], Acknowledge)
	assert isinstance(plan(received(stripe_api, "invoice.finalized", {"id": "in_1"}))[0], Acknowledge)
	assert isinstance(plan(received(stripe_api, "invoice.paid", {"id": "in_1"}))[0], Review)


def test_payments_without_invoice_or_in_another_currency_go_to_review(stripe_api):
	no_invoice = {"id": "pi_1", "amount": 100, "amount_received": 100, "currency": "cad", "metadata": {}}
	foreign = {"id": "pi_2", "amount": 100, "currency": "jpy", "metadata": {"invoice": "SINV-1"}}
	assert isinstance(plan(received(stripe_api, "payment_intent.succeeded", no_invoice))[0], Review)
	assert isinstance(plan(received(stripe_api, "payment_intent.succeeded", foreign))[0], Review)


def test_forged_stale_and_unsigned_webhooks_are_rejected(stripe_api):
	payload, header = stripe_api.signed_event("payment_intent.succeeded", {"id": "pi_1"})
	with pytest.raises(WebhookRejected):
		verify_webhook(payload, header, "whsec_someone_else")
	with pytest.raises(WebhookRejected):
		verify_webhook(payload.replace(b"pi_1", b"pi_2"), header, stripe_api.webhook_secret)
	with pytest.raises(WebhookRejected):
		verify_webhook(payload, None, stripe_api.webhook_secret)
	stale_payload, stale = stripe_api.signed_event(
		"payment_intent.succeeded", {"id": "pi_1"}, timestamp=int(time.time()) - 301
	)
	with pytest.raises(WebhookRejected):
		verify_webhook(stale_payload, stale, stripe_api.webhook_secret)
	fresh_payload, fresh = stripe_api.signed_event(
		"payment_intent.succeeded", {"id": "pi_1"}, timestamp=int(time.time()) - 200
	)
	assert verify_webhook(fresh_payload, fresh, stripe_api.webhook_secret)["data"]["object"]["id"] == "pi_1"
