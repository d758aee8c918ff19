"""Stripe, through its official SDK: customers, saved cards, off-session charges, Checkout,
refunds and webhook signatures. See client.py."""

from gigafibre_fsm.billing.stripe_gateway.client import (
	WEBHOOK_TOLERANCE,
	PaymentResult,
	StripeGateway,
	StripeRefused,
	StripeUnavailable,
	WebhookRejected,
	payment_result,
	verify_webhook,
)

__all__ = [
	"WEBHOOK_TOLERANCE",
	"PaymentResult",
	"StripeGateway",
	"StripeRefused",
	"StripeUnavailable",
	"WebhookRejected",
	"payment_result",
	"verify_webhook",
]
