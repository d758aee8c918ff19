"""Local double of Stripe's REST API (customers, SetupIntents, PaymentIntents, Checkout Sessions,
refunds) and of Stripe's signed webhook events."""

from simulators.stripe_api.server import TEST_METHODS, StripeApiDouble, parse_form

__all__ = ["TEST_METHODS", "StripeApiDouble", "parse_form"]
