"""A local double of Stripe's REST API (v1) for what the billing context uses, in Stripe's shapes.

Requests are form-encoded with Stripe's bracket notation (`metadata[invoice]=…`), authenticated
with `Authorization: Bearer sk_…`; answers are Stripe's JSON objects and error envelopes
(https://docs.stripe.com/api/errors): `{"error": {"type", "code", "decline_code", "message",
"payment_intent", "doc_url"}}`.

- POST /v1/customers, GET /v1/customers/{id}
- POST /v1/setup_intents, GET /v1/setup_intents/{id}; `complete_setup(id, test_method)` plays
  the customer finishing it (as Stripe.js would) and returns the signed setup_intent.succeeded
- POST /v1/payment_intents (confirm=true, off_session=true, a saved payment method), GET
  /v1/payment_intents/{id}, GET /v1/payment_intents?customer=…&created[gte]=…&starting_after=…
- POST /v1/checkout/sessions, GET /v1/checkout/sessions/{id}; `pay_checkout(id)` plays the
  customer paying and returns the signed checkout.session.completed
- POST /v1/refunds (payment_intent, amount)

Saved cards behave as Stripe's test payment methods (https://docs.stripe.com/testing):
`pm_card_visa` succeeds, `pm_card_visa_chargeDeclined` (generic_decline),
`pm_card_visa_chargeDeclinedInsufficientFunds` (insufficient_funds),
`pm_card_authenticationRequired` (off-session: `authentication_required`). A declined off-session
PaymentIntent is left in `requires_payment_method` and returned inside the 402 error, as Stripe
does (https://docs.stripe.com/payments/save-and-reuse#charge-saved-payment-method).

Idempotency (https://docs.stripe.com/api/idempotent_requests): a POST with an `Idempotency-Key`
already seen returns the first response again, with `Idempotent-Replayed: true`; the same key
with other parameters is refused with `idempotency_error` (400).

Faults for tests: `fail_next(status, after_effect=False)` answers a 5xx (after doing the work
when `after_effect`: the charge happened but the caller never heard), `delay_next(seconds)` (a
slow answer; the work is done before the wait), `stop_accepting()` (connection refused).
Everything received is recorded in `requests`; `charges_for(invoice)` counts successful
charges by the `invoice` metadata, the figure the kill-and-rerun tests check.
"""

import json
import secrets
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, urlsplit

import stripe

from simulators.http_double import HttpDouble

stripe.enable_telemetry = False

TEST_METHODS = {
	"pm_card_visa": None,
	"pm_card_visa_chargeDeclined": ("card_declined", "generic_decline", "Your card was declined."),
	"pm_card_visa_chargeDeclinedInsufficientFunds": (
		"card_declined",
		"insufficient_funds",
		"Your card has insufficient funds.",
	),
	"pm_card_authenticationRequired": (
		"authentication_required",
		"authentication_required",
		"Your card was declined. This transaction requires authentication.",
	),
}
CURRENCIES = {"cad", "usd", "eur"}


def _id(prefix: str) -> str:
	return prefix + secrets.token_urlsafe(18).replace("-", "a").replace("_", "b")[:24]


def parse_form(body: str) -> dict:
	"""Stripe's bracket notation into nested dicts/lists: a[b]=1, c[0]=x, d[0][e]=y."""
	out: dict = {}
	for key, value in parse_qsl(body, keep_blank_values=True):
		parts = key.replace("]", "").split("[")
		node = out
		for i, part in enumerate(parts):
			last = i == len(parts) - 1
			nxt = None if last else parts[i + 1]
			if isinstance(node, list):
				index = int(part)
				while len(node) <= index:
					node.append({} if not last and not nxt.isdigit() else ([] if not last else None))
				if last:
					node[index] = value
				else:
					node = node[index]
				continue
			if last:
				node[part] = value
			else:
				node = node.setdefault(part, [] if nxt.isdigit() else {})
	return out


class StripeError(Exception):
	def __init__(self, status: int, body: dict):
		self.status, self.body = status, body


def _error(status, type_, message, code=None, param=None, **extra) -> StripeError:
	error = {"type": type_, "message": message}
	if code:
		error["code"] = code
		error["doc_url"] = f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}"
	if param:
		error["param"] = param
	error.update(extra)
	return StripeError(status, {"error": error})


class StripeApiDouble(HttpDouble):
	"""Run with `with StripeApiDouble() as api:`; `api.base_url` goes to StripeClient's
	`base_addresses={"api": …}`, `api.secret_key` is the key it accepts, `api.webhook_secret`
	signs the events it produces (`signed_event`)."""

	methods = ("GET", "POST", "DELETE")

	def __init__(self, host: str = "127.0.0.1", port: int = 0):
		self.secret_key = "sk_test_" + secrets.token_hex(12)
		self.webhook_secret = "whsec_" + secrets.token_hex(16)
		self.customers: dict[str, dict] = {}
		self.payment_methods: dict[str, dict] = {}  # pm id -> {"customer", "behaviour"}
		self.setup_intents: dict[str, dict] = {}
		self.payment_intents: dict[str, dict] = {}
		self.charges: dict[str, dict] = {}
		self.sessions: dict[str, dict] = {}
		self.refunds: dict[str, dict] = {}
		self.requests: list[dict] = []
		self._idempotent: dict[str, tuple[str, dict, int, dict]] = {}
		self._failures: list[tuple[int, bool]] = []
		self._delays: list[float] = []
		self._lock = threading.RLock()
		self._clock = 0
		self._serve(host, port)

	# faults
	def fail_next(self, http_status: int = 500, after_effect: bool = False) -> None:
		"""The next POST answers `http_status` (an api_error); with `after_effect` the work is done
		first, so the caller does not know that it happened."""
		self._failures.append((http_status, after_effect))

	def delay_next(self, seconds: float) -> None:
		"""The next POST does its work, then waits `seconds` before answering."""
		self._delays.append(seconds)

	# test helpers: the other side of Stripe (the customer, the card network)
	def now(self) -> int:
		with self._lock:  # Unix time, strictly increasing so that lists have a stable order
			self._clock = max(int(time.time()), self._clock + 1)
			return self._clock

	def add_payment_method(self, customer: str, test_method: str = "pm_card_visa") -> str:
		"""Attach a card behaving as Stripe's test payment method `test_method` to `customer`."""
		if test_method not in TEST_METHODS:
			raise ValueError(f"unknown test payment method {test_method}")
		pm = _id("pm_")
		self.payment_methods[pm] = {
			"id": pm,
			"object": "payment_method",
			"type": "card",
			"customer": customer,
			"card": {"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2034},
			"created": self.now(),
			"livemode": False,
			"_behaviour": test_method,
		}
		return pm

	def complete_setup(self, setup_intent: str, test_method: str = "pm_card_visa") -> tuple[bytes, str]:
		"""The customer saves a card through the SetupIntent; returns the signed
		setup_intent.succeeded event (payload, Stripe-Signature header)."""
		si = self.setup_intents[setup_intent]
		si["payment_method"] = self.add_payment_method(si["customer"], test_method)
		si["status"] = "succeeded"
		return self.signed_event("setup_intent.succeeded", si)

	def pay_checkout(self, session_id: str) -> tuple[bytes, str]:
		"""The customer pays a Checkout Session; returns the signed checkout.session.completed."""
		session = self.sessions[session_id]
		pi = self._new_payment_intent(
			{
				"amount": session["amount_total"],
				"currency": session["currency"],
				"customer": session.get("customer"),
				# the PaymentIntent carries payment_intent_data.metadata, not the session's
				"metadata": session["_payment_intent_metadata"],
			},
			None,
		)
		self._succeed(pi)
		session.update(
			{"status": "complete", "payment_status": "paid", "payment_intent": pi["id"], "url": None}
		)
		return self.signed_event("checkout.session.completed", session)

	def signed_event(
		self, type_: str, obj: dict, event_id: str | None = None, timestamp: int | None = None, secret=None
	) -> tuple[bytes, str]:
		"""A Stripe Event around `obj`, and its Stripe-Signature header computed with Stripe's
		scheme (https://docs.stripe.com/webhooks#verify-manually): t=…,v1=HMAC-SHA256."""
		event = {
			"id": event_id or _id("evt_"),
			"object": "event",
			"api_version": "2024-06-20",
			"created": int(time.time()),
			"type": type_,
			"livemode": False,
			"pending_webhooks": 1,
			"request": {"id": None, "idempotency_key": None},
			"data": {"object": self._public(obj)},
		}
		payload = json.dumps(event)
		ts = int(time.time()) if timestamp is None else timestamp
		header = stripe.WebhookSignature.generate_signature_header(payload, secret or self.webhook_secret, ts)
		return payload.encode(), header

	def charges_for(self, invoice: str) -> int:
		"""How many times `invoice` was actually charged (succeeded PaymentIntents)."""
		return sum(
			1
			for pi in self.payment_intents.values()
			if pi["status"] == "succeeded" and pi["metadata"].get("invoice") == invoice
		)

	def posts(self, path: str) -> list[dict]:
		return [r for r in self.requests if r["method"] == "POST" and r["path"] == path]

	# HTTP
	def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
		url = urlsplit(handler.path)
		length = int(handler.headers.get("Content-Length") or 0)
		body = handler.rfile.read(length).decode() if length else ""
		params = parse_form(body if method == "POST" else url.query)
		key = handler.headers.get("Idempotency-Key")
		record = {"method": method, "path": url.path, "params": params, "idempotency_key": key}
		self.requests.append(record)
		replayed = False
		with self._lock:
			failure = self._failures.pop(0) if self._failures and method == "POST" else None
			delay = self._delays.pop(0) if self._delays and method == "POST" else 0
			if handler.headers.get("Authorization") != f"Bearer {self.secret_key}":
				status, payload = 401, _error(401, "invalid_request_error", "Invalid API Key provided").body
			elif failure and not failure[1]:
				status, payload = failure[0], _error(failure[0], "api_error", "Something went wrong").body
			elif key and method == "POST" and key in self._idempotent:
				first_path, first_params, status, payload = self._idempotent[key]
				if (first_path, first_params) != (url.path, params):
					status, payload = (
						400,
						_error(
							400,
							"idempotency_error",
							"Keys for idempotent requests can only be used with the same parameters "
							"they were first used with.",
						).body,
					)
				else:
					replayed = True
			else:
				try:
					status, payload = 200, self._route(method, url.path, params)
				except StripeError as e:
					status, payload = e.status, e.body
				if key and method == "POST":
					self._idempotent[key] = (url.path, params, status, payload)
				if failure:  # after_effect: done, but the caller hears an error
					status, payload = failure[0], _error(failure[0], "api_error", "Something went wrong").body
		record["status"] = status
		if delay:
			time.sleep(delay)
		data = json.dumps(payload).encode()
		try:
			handler.send_response(status)
			handler.send_header("Content-Type", "application/json")
			handler.send_header("Content-Length", str(len(data)))
			handler.send_header("Request-Id", _id("req_"))
			if key:
				handler.send_header("Idempotency-Key", key)
			if replayed:
				handler.send_header("Idempotent-Replayed", "true")
			handler.end_headers()
			handler.wfile.write(data)
		except (BrokenPipeError, ConnectionResetError):
			pass  # the client gave up (timeout)

	def _route(self, method: str, path: str, params: dict) -> dict:
		parts = path.strip("/").split("/")
		if parts[0] != "v1":
			raise _error(404, "invalid_request_error", f"Unrecognized request URL ({method}: {path}).")
		parts = parts[1:]
		collections = {
			"customers": (self.customers, self._create_customer),
			"setup_intents": (self.setup_intents, self._create_setup_intent),
			"payment_intents": (self.payment_intents, self._create_payment_intent),
			"refunds": (self.refunds, self._create_refund),
			"checkout/sessions": (self.sessions, self._create_session),
		}
		name = "checkout/sessions" if parts[:2] == ["checkout", "sessions"] else parts[0]
		rest = parts[2:] if name == "checkout/sessions" else parts[1:]
		if name not in collections:
			raise _error(404, "invalid_request_error", f"Unrecognized request URL ({method}: {path}).")
		store, create = collections[name]
		if not rest and method == "POST":
			return self._public(create(params))
		if not rest and method == "GET":
			return self._list(name, store, params)
		if len(rest) == 1 and method == "GET":
			if rest[0] not in store:
				raise _error(
					404,
					"invalid_request_error",
					f"No such {name.rstrip('s')}: '{rest[0]}'",
					"resource_missing",
				)
			return self._public(store[rest[0]])
		raise _error(404, "invalid_request_error", f"Unrecognized request URL ({method}: {path}).")

	def _list(self, name: str, store: dict, params: dict) -> dict:
		items = sorted(store.values(), key=lambda o: (o.get("created", 0), o["id"]), reverse=True)
		if params.get("customer"):
			items = [o for o in items if o.get("customer") == params["customer"]]
		created = params.get("created")
		if isinstance(created, dict) and created.get("gte"):
			items = [o for o in items if o.get("created", 0) >= int(created["gte"])]
		if params.get("starting_after"):
			ids = [o["id"] for o in items]
			items = (
				items[ids.index(params["starting_after"]) + 1 :] if params["starting_after"] in ids else []
			)
		limit = min(int(params.get("limit") or 10), 100)
		return {
			"object": "list",
			"url": f"/v1/{name}",
			"has_more": len(items) > limit,
			"data": [self._public(o) for o in items[:limit]],
		}

	@staticmethod
	def _public(obj: dict) -> dict:
		return {k: v for k, v in obj.items() if not k.startswith("_")}

	# resources
	def _create_customer(self, params: dict) -> dict:
		customer = {
			"id": _id("cus_"),
			"object": "customer",
			"created": self.now(),
			"email": params.get("email"),
			"name": params.get("name"),
			"metadata": params.get("metadata") or {},
			"livemode": False,
			"invoice_settings": {"default_payment_method": None},
		}
		self.customers[customer["id"]] = customer
		return customer

	def _create_setup_intent(self, params: dict) -> dict:
		customer = params.get("customer")
		if customer and customer not in self.customers:
			raise _error(400, "invalid_request_error", f"No such customer: '{customer}'", "resource_missing")
		si = _id("seti_")
		intent = {
			"id": si,
			"object": "setup_intent",
			"client_secret": f"{si}_secret_{secrets.token_hex(8)}",
			"created": self.now(),
			"customer": customer,
			"metadata": params.get("metadata") or {},
			"payment_method": None,
			"payment_method_types": params.get("payment_method_types") or ["card"],
			"status": "requires_payment_method",
			"usage": params.get("usage") or "off_session",
			"livemode": False,
		}
		self.setup_intents[si] = intent
		return intent

	def _check_amount(self, params: dict) -> tuple[int, str]:
		amount, currency = params.get("amount"), (params.get("currency") or "").lower()
		if amount is None or not str(amount).isdigit():
			raise _error(
				400, "invalid_request_error", "Invalid integer: amount", "parameter_invalid_integer", "amount"
			)
		if currency not in CURRENCIES:
			raise _error(
				400, "invalid_request_error", f"Invalid currency: {currency}", "parameter_invalid", "currency"
			)
		if int(amount) < 50:
			raise _error(
				400, "invalid_request_error", "Amount must be at least 50 cents", "amount_too_small", "amount"
			)
		return int(amount), currency

	def _new_payment_intent(self, params: dict, payment_method: str | None) -> dict:
		amount, currency = self._check_amount(params)
		pi = _id("pi_")
		intent = {
			"id": pi,
			"object": "payment_intent",
			"amount": amount,
			"amount_received": 0,
			"currency": currency,
			"customer": params.get("customer"),
			"payment_method": payment_method,
			"metadata": params.get("metadata") or {},
			"created": self.now(),
			"status": "requires_payment_method",
			"latest_charge": None,
			"last_payment_error": None,
			"next_action": None,
			"client_secret": f"{pi}_secret_{secrets.token_hex(8)}",
			"livemode": False,
		}
		self.payment_intents[pi] = intent
		return intent

	def _charge(self, intent: dict, status: str, failure=None) -> dict:
		charge = {
			"id": _id("ch_"),
			"object": "charge",
			"amount": intent["amount"],
			"amount_captured": intent["amount"] if status == "succeeded" else 0,
			"amount_refunded": 0,
			"currency": intent["currency"],
			"customer": intent["customer"],
			"payment_intent": intent["id"],
			"payment_method": intent["payment_method"],
			"metadata": dict(intent["metadata"]),
			"created": self.now(),
			"status": status,
			"paid": status == "succeeded",
			"captured": status == "succeeded",
			"refunded": False,
			"failure_code": failure[0] if failure else None,
			"failure_message": failure[2] if failure else None,
			"outcome": {"type": "authorized" if status == "succeeded" else "issuer_declined"},
			"livemode": False,
		}
		self.charges[charge["id"]] = charge
		intent["latest_charge"] = charge["id"]
		return charge

	def _succeed(self, intent: dict) -> None:
		intent.update({"status": "succeeded", "amount_received": intent["amount"]})
		self._charge(intent, "succeeded")

	def _create_payment_intent(self, params: dict) -> dict:
		pm = params.get("payment_method")
		customer = params.get("customer")
		if customer and customer not in self.customers:
			raise _error(400, "invalid_request_error", f"No such customer: '{customer}'", "resource_missing")
		if pm and (pm not in self.payment_methods or self.payment_methods[pm]["customer"] != customer):
			raise _error(
				400,
				"invalid_request_error",
				f"The payment method {pm} does not belong to the customer {customer}.",
				"resource_missing",
				"payment_method",
			)
		intent = self._new_payment_intent(params, pm)
		if params.get("confirm") != "true":
			return intent
		if not pm:
			raise _error(
				400,
				"invalid_request_error",
				"You must provide a payment method",
				"parameter_missing",
				"payment_method",
			)
		failure = TEST_METHODS[self.payment_methods[pm]["_behaviour"]]
		if failure is None:
			self._succeed(intent)
			return intent
		charge = self._charge(intent, "failed", failure)
		code, decline, message = failure
		intent["last_payment_error"] = {
			"type": "card_error",
			"code": code,
			"decline_code": decline,
			"message": message,
			"charge": charge["id"],
		}
		if code == "authentication_required" and params.get("off_session") != "true":
			intent["status"] = "requires_action"
			intent["next_action"] = {
				"type": "redirect_to_url",
				"redirect_to_url": {"url": f"{self.base_url}/3ds/{intent['id']}", "return_url": None},
			}
			return intent
		raise _error(
			402,
			"card_error",
			message,
			code,
			decline_code=decline,
			charge=charge["id"],
			payment_intent=self._public(intent),
			payment_method={"id": pm, "object": "payment_method", "type": "card"},
		)

	def _create_session(self, params: dict) -> dict:
		mode = params.get("mode")
		if mode not in ("payment", "setup"):
			raise _error(400, "invalid_request_error", "Invalid mode", "parameter_invalid", "mode")
		for required in ("success_url",):
			if not params.get(required):
				raise _error(
					400,
					"invalid_request_error",
					f"Missing required param: {required}.",
					"parameter_missing",
					required,
				)
		amount, currency = None, params.get("currency")
		if mode == "payment":
			items = params.get("line_items") or []
			if not items:
				raise _error(
					400, "invalid_request_error", "line_items required", "parameter_missing", "line_items"
				)
			prices = [i.get("price_data", {}) for i in items]
			currency = prices[0].get("currency")
			amount = sum(
				int(i.get("price_data", {}).get("unit_amount", 0)) * int(i.get("quantity", 1)) for i in items
			)
			self._check_amount({"amount": str(amount), "currency": currency})
		cs = "cs_test_" + secrets.token_hex(20)
		session = {
			"id": cs,
			"object": "checkout.session",
			"mode": mode,
			"amount_total": amount,
			"currency": currency,
			"customer": params.get("customer"),
			"client_reference_id": params.get("client_reference_id"),
			"metadata": params.get("metadata") or {},
			"payment_intent": None,
			"setup_intent": None,
			"payment_status": "unpaid" if mode == "payment" else "no_payment_required",
			"status": "open",
			"success_url": params["success_url"],
			"cancel_url": params.get("cancel_url"),
			"url": f"{self.base_url}/c/pay/{cs}",
			"created": self.now(),
			"expires_at": self._clock + 86400,
			"livemode": False,
			"_payment_intent_metadata": (params.get("payment_intent_data") or {}).get("metadata") or {},
		}
		if mode == "setup":
			session["setup_intent"] = self._create_setup_intent({"customer": params.get("customer")})["id"]
		self.sessions[cs] = session
		return session

	def _create_refund(self, params: dict) -> dict:
		pi = self.payment_intents.get(params.get("payment_intent") or "")
		if not pi:
			raise _error(
				400, "invalid_request_error", "No such payment_intent", "resource_missing", "payment_intent"
			)
		if pi["status"] != "succeeded":
			raise _error(
				400,
				"invalid_request_error",
				"This PaymentIntent has no successful charge.",
				"charge_not_captured",
			)
		charge = self.charges[pi["latest_charge"]]
		amount = int(params.get("amount") or charge["amount"] - charge["amount_refunded"])
		if amount <= 0 or charge["amount_refunded"] + amount > charge["amount"]:
			raise _error(
				400,
				"invalid_request_error",
				f"Refund amount ({amount}) is greater than unrefunded amount on charge",
				"amount_too_large",
				"amount",
			)
		charge["amount_refunded"] += amount
		charge["refunded"] = charge["amount_refunded"] == charge["amount"]
		refund = {
			"id": _id("re_"),
			"object": "refund",
			"amount": amount,
			"currency": charge["currency"],
			"charge": charge["id"],
			"payment_intent": pi["id"],
			"metadata": params.get("metadata") or {},
			"reason": params.get("reason"),
			"status": "succeeded",
			"created": self.now(),
		}
		self.refunds[refund["id"]] = refund
		return refund
