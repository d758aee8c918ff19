"""Billing Settings as the adapters and the core want them: a Stripe gateway, the webhook
secret, the retry schedule."""

import frappe
from frappe import _

from gigafibre_fsm.billing.preauthorised_payments import RetryPolicy
from gigafibre_fsm.billing.stripe_gateway import StripeGateway
from gigafibre_fsm.services.core_errors import translated_errors

SETTINGS = "Billing Settings"
WEBHOOK_METHOD = "/api/method/gigafibre_fsm.api.billing.stripe_webhook"


def webhook_url(public_base_url: str | None) -> str:
	return f"{public_base_url}{WEBHOOK_METHOD}" if public_base_url else ""


def get():
	return frappe.get_cached_doc(SETTINGS)


def gateway(settings=None) -> StripeGateway:
	"""A Stripe gateway with the saved secret key; throws if Stripe is not set up."""
	settings = settings or get()
	if not settings.stripe_enabled:
		frappe.throw(_("Stripe payments are not enabled in Billing Settings"), title=_("Stripe Disabled"))
	secret = settings.get_password("stripe_secret_key", raise_exception=False)
	with translated_errors():
		return StripeGateway(
			secret, settings.stripe_api_base_url or None, float(settings.timeout_seconds or 20)
		)


def webhook_secret(settings=None) -> str | None:
	settings = settings or get()
	return settings.get_password("stripe_webhook_secret", raise_exception=False)


def policy(settings=None) -> RetryPolicy:
	settings = settings or get()
	with translated_errors():
		return RetryPolicy(int(settings.ppa_days_between_attempts or 0), int(settings.ppa_max_attempts or 1))
