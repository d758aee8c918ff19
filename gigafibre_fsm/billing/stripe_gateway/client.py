"""Adapter to Stripe's API through the official SDK (`stripe.StripeClient`).

Settings come in as arguments (secret key, base URL of a local double or proxy, timeout);
nothing here reads Frappe. Amounts are integer cents in and out; currencies are upper-case ISO
codes on our side and lower-case on Stripe's.

A request that changes money is never retried here (`max_network_retries=0`): its caller keeps
the idempotency key and decides. Errors say what is known about the outcome:
- `StripeRefused`: Stripe answered 4xx (bad key, bad parameters, an idempotency key reused
  with other parameters): nothing happened.
- `StripeUnavailable`: a timeout, a connection failure, a 5xx, an unreadable answer: the
  request may or may not have been carried out. Look the payment up before trying again.
A card declined off-session is not an error: it is a `PaymentResult` whose status is
`requires_payment_method`, with Stripe's `error_code` and `decline_code`
(https://docs.stripe.com/declines/codes).
"""

from dataclasses import dataclass

import stripe

from gigafibre_fsm.billing.money import check_currency
from gigafibre_fsm.errors import ExternalServiceError, InvalidInput, _

stripe.enable_telemetry = False  # else the SDK writes under ~/.config

DEFAULT_TIMEOUT = 20.0
WEBHOOK_TOLERANCE = 300  # seconds: Stripe's own default for construct_event
LIST_PAGE = 100  # Stripe's largest page


class StripeRefused(ExternalServiceError):
	"""Stripe refused the request (4xx): nothing was done. `code` is Stripe's error code."""

	def __init__(self, message, *, code: str | None = None, http_status: int | None = None, **params):
		super().__init__(message, code=code, **params)
		self.code = code
		self.http_status = http_status


class StripeUnavailable(ExternalServiceError):
	"""Stripe could not be reached or did not answer clearly: the outcome is unknown."""


class WebhookRejected(ExternalServiceError):
	"""A webhook whose Stripe-Signature is missing, forged or too old: ignore it (403)."""


@dataclass(frozen=True)
class PaymentResult:
	"""A PaymentIntent as far as billing cares. `status` is Stripe's (succeeded, processing,
	requires_action, requires_payment_method, canceled)."""

	payment_intent: str
	status: str
	amount: int  # cents
	currency: str  # "CAD"
	customer: str | None
	invoice: str | None  # metadata["invoice"]
	charge: str | None = None
	error_code: str | None = None
	decline_code: str | None = None
	message: str | None = None
	created: int = 0
	attempt: int | None = None  # metadata["attempt"]: which pre-authorised try made it

	@property
	def succeeded(self) -> bool:
		return self.status == "succeeded"


def payment_result(intent, error=None) -> PaymentResult:
	"""A PaymentResult from a PaymentIntent (SDK object or plain dict, as in a webhook)."""
	if hasattr(intent, "to_dict"):
		intent = intent.to_dict()
	get = intent.get
	last = error or get("last_payment_error") or {}
	metadata = get("metadata") or {}
	charge = get("latest_charge")
	if isinstance(charge, dict):
		charge = charge.get("id")
	customer = get("customer")
	if isinstance(customer, dict):
		customer = customer.get("id")
	return PaymentResult(
		payment_intent=get("id"),
		status=get("status"),
		amount=int(get("amount") or 0),
		currency=(get("currency") or "").upper(),
		customer=customer,
		invoice=metadata.get("invoice"),
		charge=charge,
		error_code=last.get("code") if last else None,
		decline_code=last.get("decline_code") if last else None,
		message=last.get("message") if last else None,
		created=int(get("created") or 0),
		attempt=int(metadata["attempt"]) if str(metadata.get("attempt", "")).isdigit() else None,
	)


class StripeGateway:
	"""One Stripe account. `base_url` replaces https://api.stripe.com (tests: a local double)."""

	def __init__(self, secret_key: str, base_url: str | None = None, timeout: float = DEFAULT_TIMEOUT):
		if not secret_key:
			raise InvalidInput(_("Stripe needs a secret key"))
		options = {"base_addresses": {"api": base_url.rstrip("/")}} if base_url else {}
		self.client = stripe.StripeClient(
			secret_key,
			max_network_retries=0,
			http_client=stripe.RequestsClient(timeout=timeout),
			**options,
		)

	def _call(self, method, params: dict | None = None, idempotency_key: str | None = None):
		options = {"idempotency_key": idempotency_key} if idempotency_key else {}
		try:
			return method(params or {}, options) if options else method(params or {})
		except stripe.CardError:
			raise  # callers that charge turn it into a result
		except (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError) as e:
			# RateLimitError is a 429: nothing done, but it means "later", like an outage
			raise StripeUnavailable(_("Stripe did not answer: {detail}"), detail=str(e.user_message or e))
		except stripe.StripeError as e:
			status = getattr(e, "http_status", None)
			if status is None or status >= 500:
				raise StripeUnavailable(_("Stripe did not answer: {detail}"), detail=str(e.user_message or e))
			raise StripeRefused(
				_("Stripe refused the request: {detail}"),
				detail=str(e.user_message or e),
				code=getattr(e, "code", None),
				http_status=status,
			)

	# customers and saved payment methods
	def create_customer(self, reference: str, name: str | None = None, email: str | None = None) -> str:
		"""A Stripe Customer for our customer `reference`; returns its id (cus_…). Idempotent on
		`reference` for Stripe's 24 hours, so a retried creation makes one customer."""
		params = {"metadata": {"erpnext_customer": reference}}
		if name:
			params["name"] = name
		if email:
			params["email"] = email
		customer = self._call(self.client.v1.customers.create, params, f"customer:{reference}")
		return customer.id

	def create_setup_intent(self, customer_id: str, reference: str | None = None) -> tuple[str, str]:
		"""A SetupIntent to save a card for charges made later without the customer
		(usage=off_session); returns (id, client_secret) for Stripe.js."""
		params = {"customer": customer_id, "usage": "off_session", "payment_method_types": ["card"]}
		if reference:
			params["metadata"] = {"erpnext_customer": reference}
		intent = self._call(self.client.v1.setup_intents.create, params)
		return intent.id, intent.client_secret

	def setup_intent(self, setup_intent_id: str) -> dict:
		"""The SetupIntent's status, customer and saved payment method."""
		intent = self._call(lambda p: self.client.v1.setup_intents.retrieve(setup_intent_id), {})
		return {
			"id": intent.id,
			"status": intent.status,
			"customer": intent.customer,
			"payment_method": intent.payment_method,
		}

	# payments
	def charge_saved_method(
		self,
		customer_id: str,
		payment_method: str,
		amount: int,
		currency: str,
		idempotency_key: str,
		metadata: dict,
	) -> PaymentResult:
		"""Charge a saved payment method with the customer absent (off_session, confirm).

		A decline comes back as a result with status requires_payment_method; an
		`authentication_required` decline means the customer must confirm it themselves.
		Raises StripeUnavailable when the outcome is unknown, StripeRefused on a 4xx."""
		_check_amount(amount)
		params = {
			"amount": amount,
			"currency": check_currency(currency).lower(),
			"customer": customer_id,
			"payment_method": payment_method,
			"off_session": True,
			"confirm": True,
			"metadata": {k: str(v) for k, v in metadata.items()},
		}
		try:
			intent = self._call(self.client.v1.payment_intents.create, params, idempotency_key)
		except stripe.CardError as e:
			body = (e.json_body or {}).get("error") or {}
			intent = body.get("payment_intent")
			if not intent:
				raise StripeRefused(
					_("Stripe refused the request: {detail}"), detail=str(e.user_message), code=e.code
				)
			return payment_result(intent, body)
		return payment_result(intent)

	def find_payments(self, customer_id: str, invoice: str, since: int = 0) -> list[PaymentResult]:
		"""Every PaymentIntent of `customer_id` made for `invoice` (metadata["invoice"]) since the
		Unix time `since`, newest first. Uses the list endpoint, which reads what was written
		(Stripe's search is eventually consistent: a charge made a second ago may be missing)."""
		found, after = [], None
		while True:
			params = {"customer": customer_id, "limit": LIST_PAGE}
			if since:
				params["created"] = {"gte": int(since)}
			if after:
				params["starting_after"] = after
			page = self._call(self.client.v1.payment_intents.list, params)
			for intent in page.data:
				result = payment_result(intent)
				if result.invoice == invoice:
					found.append(result)
			if not page.has_more or not page.data:
				return found
			after = page.data[-1].id

	def payment(self, payment_intent: str) -> PaymentResult:
		intent = self._call(lambda p: self.client.v1.payment_intents.retrieve(payment_intent), {})
		return payment_result(intent)

	def create_checkout_session(
		self,
		invoice: str,
		amount: int,
		currency: str,
		description: str,
		success_url: str,
		cancel_url: str,
		customer_id: str | None = None,
		idempotency_key: str | None = None,
		metadata: dict | None = None,
	) -> tuple[str, str]:
		"""A hosted Checkout page paying `amount` for `invoice`; returns (session id, its URL).
		The invoice rides in metadata (session and PaymentIntent) and client_reference_id.
		`metadata`, when given, replaces it: the online order (sales/services/orders.py) pays
		before any invoice exists and passes {"order": name}, with the order as the reference."""
		_check_amount(amount)
		metadata = dict(metadata) if metadata else {"invoice": invoice}
		params = {
			"mode": "payment",
			"client_reference_id": invoice,
			"success_url": success_url,
			"cancel_url": cancel_url,
			"metadata": metadata,
			"payment_intent_data": {"metadata": metadata},
			"line_items": [
				{
					"quantity": 1,
					"price_data": {
						"currency": check_currency(currency).lower(),
						"unit_amount": amount,
						"product_data": {"name": description},
					},
				}
			],
		}
		if customer_id:
			params["customer"] = customer_id
		session = self._call(self.client.v1.checkout.sessions.create, params, idempotency_key)
		return session.id, session.url

	def refund(
		self, payment_intent: str, amount: int, idempotency_key: str, reason: str | None = None
	) -> dict:
		"""Refund `amount` cents of a succeeded PaymentIntent; returns id, amount, status."""
		_check_amount(amount, minimum=1)
		params = {"payment_intent": payment_intent, "amount": amount}
		if reason:
			params["reason"] = reason
		refund = self._call(self.client.v1.refunds.create, params, idempotency_key)
		return {
			"id": refund.id,
			"amount": refund.amount,
			"currency": refund.currency.upper(),
			"status": refund.status,
		}


def _check_amount(amount, minimum: int = 50) -> None:
	# Stripe's minimum charge in CAD is 0.50 (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts)
	if not isinstance(amount, int) or isinstance(amount, bool):
		raise InvalidInput(_("{amount} is not a whole number of cents"), amount=amount)
	if amount < minimum:
		raise InvalidInput(_("{amount} cents is below Stripe's minimum charge"), amount=amount)


def verify_webhook(
	payload: bytes | str, signature: str | None, secret: str, tolerance: int = WEBHOOK_TOLERANCE
):
	"""The event of a webhook if its Stripe-Signature is valid for `secret` and at most
	`tolerance` seconds old (stripe.Webhook.construct_event); else WebhookRejected.
	Returns the event as a plain dict."""
	if not secret:
		raise WebhookRejected(_("No Stripe webhook secret is set"))
	if not signature:
		raise WebhookRejected(_("The Stripe-Signature header is missing"))
	try:
		event = stripe.Webhook.construct_event(payload, signature, secret, tolerance=tolerance)
	except (stripe.SignatureVerificationError, ValueError) as e:
		raise WebhookRejected(_("Invalid Stripe webhook: {detail}"), detail=str(e))
	return event.to_dict() if hasattr(event, "to_dict") else dict(event)
