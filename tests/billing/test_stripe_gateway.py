"""The adapter through the official SDK against the local Stripe double."""

import pytest

from gigafibre_fsm.billing.stripe_gateway import StripeGateway, StripeRefused
from gigafibre_fsm.errors import InvalidInput


@pytest.fixture
def gateway(stripe_api):
	return StripeGateway(stripe_api.secret_key, stripe_api.base_url)


def test_one_stripe_customer_per_customer_even_when_retried(stripe_api, gateway):
	assert gateway.create_customer("CUST-1", "Alice", "a@example.ca") == gateway.create_customer(
		"CUST-1", "Alice", "a@example.ca"
	)
	assert len(stripe_api.customers) == 1
	[request] = stripe_api.posts("/v1/customers")[:1]
	assert request["idempotency_key"] == "customer:CUST-1"
	assert request["params"]["metadata"] == {"erpnext_customer": "CUST-1"}


def test_saved_card_through_a_setup_intent(stripe_api, gateway):
	customer = gateway.create_customer("CUST-1")
	si, secret = gateway.create_setup_intent(customer, "CUST-1")
	assert secret.startswith(si + "_secret_")
	assert stripe_api.posts("/v1/setup_intents")[0]["params"]["usage"] == "off_session"
	stripe_api.complete_setup(si, "pm_card_visa")
	assert gateway.setup_intent(si)["payment_method"].startswith("pm_")


def test_idempotent_replay_returns_the_first_charge(stripe_api, gateway):
	customer = gateway.create_customer("CUST-1")
	pm = stripe_api.add_payment_method(customer)
	first = gateway.charge_saved_method(customer, pm, 5749, "CAD", "ppa:SINV-1:1", {"invoice": "SINV-1"})
	again = gateway.charge_saved_method(customer, pm, 5749, "CAD", "ppa:SINV-1:1", {"invoice": "SINV-1"})
	assert first == again and stripe_api.charges_for("SINV-1") == 1
	with pytest.raises(StripeRefused):  # the same key for another amount
		gateway.charge_saved_method(customer, pm, 100, "CAD", "ppa:SINV-1:1", {"invoice": "SINV-1"})


@pytest.mark.parametrize(
	"card, code, decline",
	[
		("pm_card_visa_chargeDeclined", "card_declined", "generic_decline"),
		("pm_card_visa_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds"),
		("pm_card_authenticationRequired", "authentication_required", "authentication_required"),
	],
)
def test_declines_come_back_as_results(stripe_api, gateway, card, code, decline):
	customer = gateway.create_customer("CUST-1")
	pm = stripe_api.add_payment_method(customer, card)
	result = gateway.charge_saved_method(customer, pm, 5000, "CAD", "k", {"invoice": "SINV-1"})
	assert (result.status, result.error_code, result.decline_code) == (
		"requires_payment_method",
		code,
		decline,
	)
	assert gateway.find_payments(customer, "SINV-1") == [result]


def test_amounts_are_integer_cents_and_currency_checked(stripe_api, gateway):
	customer = gateway.create_customer("CUST-1")
	pm = stripe_api.add_payment_method(customer)
	for amount, currency in ((57.49, "CAD"), (5749, "XYZ"), (10, "CAD")):
		with pytest.raises(InvalidInput):
			gateway.charge_saved_method(customer, pm, amount, currency, "k", {"invoice": "I"})
	assert stripe_api.posts("/v1/payment_intents") == []


def test_find_payments_pages_through_the_customer(stripe_api, gateway):
	customer = gateway.create_customer("CUST-1")
	pm = stripe_api.add_payment_method(customer)
	for i in range(105):
		gateway.charge_saved_method(customer, pm, 100 + i, "CAD", f"k{i}", {"invoice": f"SINV-{i % 2}"})
	assert len(gateway.find_payments(customer, "SINV-0")) == 53
	assert len([r for r in stripe_api.requests if r["method"] == "GET"]) == 2


def test_checkout_session_and_refunds(stripe_api, gateway):
	session, url = gateway.create_checkout_session(
		"SINV-7", 11498, "CAD", "Invoice SINV-7", "https://e/ok", "https://e/no"
	)
	assert url.endswith(session)
	sent = stripe_api.posts("/v1/checkout/sessions")[0]["params"]
	assert sent["line_items"][0]["price_data"] == {
		"currency": "cad",
		"unit_amount": "11498",
		"product_data": {"name": "Invoice SINV-7"},
	}
	assert sent["payment_intent_data"]["metadata"] == {"invoice": "SINV-7"}
	stripe_api.pay_checkout(session)
	pi = stripe_api.sessions[session]["payment_intent"]
	assert gateway.refund(pi, 4000, "refund:1")["amount"] == 4000
	with pytest.raises(StripeRefused):
		gateway.refund(pi, 8000, "refund:2")  # more than what is left
