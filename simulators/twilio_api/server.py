"""A local double of Twilio's REST API for Messages, speaking Twilio's wire formats.

- POST /2010-04-01/Accounts/{AccountSid}/Messages.json (form-encoded, HTTP Basic auth with the
  account SID and auth token) answers 201 with a Message resource in Twilio's JSON shape, or an
  error in Twilio's error shape ({"code", "message", "more_info", "status"}): 20003 bad
  credentials (401), 21604 no To, 21603 no From/MessagingServiceSid, 21602 no Body,
  21617 body over 1600 characters, 21211 invalid To, 21606 a From that is not the account's.
  Twilio's test "magic" To numbers are honoured: +15005550001 (21211), +15005550002 (21612),
  +15005550003 (21408), +15005550004 (21610), +15005550009 (21614).
- GET /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json returns the message as it now is.
- WhatsApp goes through the same resource with "whatsapp:"-prefixed addresses
  (https://www.twilio.com/docs/whatsapp/api): a From and a To on different channels is
  refused with 21910 (https://www.twilio.com/docs/api/errors/21910), a WhatsApp From that is
  not one of the account's WhatsApp senders with 63007
  (https://www.twilio.com/docs/api/errors/63007).

Everything it was sent is recorded (`requests`, `messages`). `deliver()` then plays Twilio's
side of a status change: it POSTs a status callback to the message's StatusCallback URL,
signed with the real algorithm (`RequestValidator.compute_signature`, the X-Twilio-Signature
header). `send_inbound()` does the same for an incoming SMS. Failure modes for tests:
`fail_next(http_status, ...)` (a 5xx, or any Twilio error) and `delay_next(seconds)`.
"""

import base64
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlencode, urlsplit
from urllib.request import Request, urlopen

import phonenumbers
from twilio.request_validator import RequestValidator

from simulators.http_double import HttpDouble

API_VERSION = "2010-04-01"
_MESSAGES = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-fA-F]{32})/Messages\.json$")
_MESSAGE = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-fA-F]{32})/Messages/((?:SM|MM)[0-9a-f]{32})\.json$")

MAGIC_TO = {
	"+15005550001": (21211, "The 'To' number +15005550001 is not a valid phone number."),
	"+15005550002": (21612, "The 'To' phone number: +15005550002, is not currently reachable using the 'From' phone number: {sender} via SMS."),
	"+15005550003": (21408, "Permission to send an SMS has not been enabled for the region indicated by the 'To' number: +15005550003."),
	"+15005550004": (21610, "Attempt to send to unsubscribed recipient"),
	"+15005550009": (21614, "'To' number is not a valid mobile number"),
}  # fmt: skip

GSM7 = frozenset(
	"@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà\f^{}\\[~]|€"
)


def new_account_sid() -> str:
	return "AC" + secrets.token_hex(16)


def _num_segments(body: str) -> int:
	if all(c in GSM7 for c in body):
		units, single, part = sum(2 if c in "\f^{}\\[~]|€" else 1 for c in body), 160, 153
	else:
		units, single, part = len(body.encode("utf-16-le")) // 2, 70, 67
	return 1 if units <= single else -(-units // part)


def _rfc2822(moment: datetime) -> str:
	return format_datetime(moment, usegmt=False).replace("-0000", "+0000")


@dataclass
class Account:
	sid: str
	auth_token: str
	numbers: set[str] = field(default_factory=set)  # the account's own phone numbers (From)
	services: set[str] = field(default_factory=set)  # its Messaging Service SIDs
	whatsapp_numbers: set[str] = field(default_factory=set)  # its WhatsApp senders (E.164)


class TwilioApiDouble(HttpDouble):
	"""Run with `with TwilioApiDouble() as twilio:`; `twilio.base_url` goes to the SDK's
	`client.api.base_url`. One account is created (`account_sid`, `auth_token`, `from_number`,
	`messaging_service_sid`; `from_number` is also its WhatsApp sender); `add_account` adds
	others."""

	def __init__(self, host: str = "127.0.0.1", port: int = 0):
		self.accounts: dict[str, Account] = {}
		self.messages: dict[str, dict] = {}  # sid -> the Message resource as Twilio shows it
		self.status_callbacks: dict[str, str] = {}  # sid -> StatusCallback URL it was given
		self.requests: list[dict] = []  # every request: method, path, params, auth_ok, response status
		self.callbacks_sent: list[dict] = []  # every webhook this double posted, with its answer
		self._failures: list[tuple[int, int | None, str]] = []
		self._delays: list[float] = []
		self._lock = threading.Lock()
		account = self.add_account(
			numbers={"+15145550100"},
			services={"MG" + secrets.token_hex(16)},
			whatsapp_numbers={"+15145550100"},
		)
		self.account_sid, self.auth_token = account.sid, account.auth_token
		self.from_number = next(iter(account.numbers))
		self.messaging_service_sid = next(iter(account.services))
		self._serve(host, port)

	# configuration
	def add_account(self, numbers=(), services=(), whatsapp_numbers=()) -> Account:
		account = Account(
			new_account_sid(), secrets.token_hex(16), set(numbers), set(services), set(whatsapp_numbers)
		)
		self.accounts[account.sid] = account
		return account

	def fail_next(self, http_status: int = 500, code: int | None = None, message: str = "Internal error"):
		"""The next create request gets this error instead (after recording the request)."""
		self._failures.append((http_status, code, message))

	def delay_next(self, seconds: float):
		"""The next create request is answered after `seconds` (to make a client time out)."""
		self._delays.append(seconds)

	def sent_to(self, number: str) -> list[dict]:
		"""The messages created for `number`, an address as Twilio shows it ("whatsapp:+1…" for
		WhatsApp, so that an SMS to the bare number is not counted as a WhatsApp message)."""
		return [m for m in self.messages.values() if m["to"] == number]

	# HTTP
	def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
		path = urlsplit(handler.path).path
		length = int(handler.headers.get("Content-Length") or 0)
		raw = handler.rfile.read(length).decode("utf-8") if length else ""
		params = {k: v[0] if len(v) == 1 else v for k, v in parse_qs(raw, keep_blank_values=True).items()}
		record = {"method": method, "path": path, "params": params, "time": time.time()}
		with self._lock:
			self.requests.append(record)
		status, payload = self._route(method, path, params, handler.headers.get("Authorization"), record)
		record["status"] = status
		with self._lock:
			delay = self._delays.pop(0) if self._delays and method == "POST" else 0
		if delay:
			time.sleep(delay)
		body = json.dumps(payload).encode("utf-8")
		try:
			handler.send_response(status)
			handler.send_header("Content-Type", "application/json; charset=utf-8")
			handler.send_header("Content-Length", str(len(body)))
			handler.send_header("Twilio-Request-Id", "RQ" + secrets.token_hex(16))
			handler.end_headers()
			handler.wfile.write(body)
		except (BrokenPipeError, ConnectionResetError):
			pass  # the client gave up (timeout test); Twilio would have created the message anyway

	def _route(self, method, path, params, authorization, record) -> tuple[int, dict]:
		many, one = _MESSAGES.match(path), _MESSAGE.match(path)
		match = many or one
		if not match:
			return 404, _error(20404, "The requested resource " + path + " was not found", 404)
		account = self._authenticate(match.group(1), authorization)
		record["auth_ok"] = account is not None
		if account is None:
			return 401, _error(20003, "Authenticate", 401)
		if one and method == "GET":
			message = self.messages.get(match.group(2))
			if not message or message["account_sid"] != account.sid:
				return 404, _error(20404, "The requested resource " + path + " was not found", 404)
			return 200, message
		if many and method == "POST":
			return self._create(account, params)
		return 405, _error(20004, "Method not allowed", 405)

	def _authenticate(self, sid: str, authorization: str | None) -> Account | None:
		if not authorization or not authorization.startswith("Basic "):
			return None
		try:
			user, _, password = base64.b64decode(authorization[6:]).decode("utf-8").partition(":")
		except ValueError:
			return None
		account = self.accounts.get(user)
		if account is None or user != sid or not secrets.compare_digest(password, account.auth_token):
			return None
		return account

	def _create(self, account: Account, params: dict) -> tuple[int, dict]:
		with self._lock:
			failure = self._failures.pop(0) if self._failures else None
		if failure:
			http_status, code, message = failure
			return http_status, _error(code or http_status, message, http_status)
		to, sender = params.get("To"), params.get("From")
		service, body = params.get("MessagingServiceSid"), params.get("Body")
		if not to:
			return 400, _error(21604, "A 'To' phone number is required.")
		if not sender and not service:
			return 400, _error(21603, "A 'From' phone number is required.")
		if not body and not params.get("MediaUrl"):
			return 400, _error(21602, "Message body is required.")
		if body and len(body) > 1600:
			return 400, _error(21617, "The concatenated message body exceeds the 1600 character limit.")
		if service and service not in account.services:
			return 400, _error(21701, f"The Messaging Service Sid {service} is invalid.", 400)
		to_channel, to_number = _channel(to)
		from_channel, from_number = _channel(sender) if sender else (to_channel, None)
		if to_channel is None or from_channel is None:
			return 400, _error(21211, f"The 'To' number {to} is not a valid phone number.")
		if from_channel != to_channel:
			return 400, _error(21910, "Invalid From and To pair. From and To should be of the same channel")
		if sender and from_channel == "whatsapp" and from_number not in account.whatsapp_numbers:
			return 400, _error(63007, "Twilio could not find a Channel with the specified From address")
		if sender and from_channel == "sms" and sender not in account.numbers:
			return 400, _error(
				21606, f"The From phone number {sender} is not a valid, SMS-capable inbound phone number "
				"or short code for your account.",
			)  # fmt: skip
		if to_number in MAGIC_TO:
			code, text = MAGIC_TO[to_number]
			return 400, _error(code, text.format(sender=sender or service))
		if not _is_e164(to_number):
			return 400, _error(21211, f"The 'To' number {to} is not a valid phone number.")
		sid = "SM" + secrets.token_hex(16)
		now = _rfc2822(datetime.now(timezone.utc))
		message = {
			"account_sid": account.sid,
			"api_version": API_VERSION,
			"body": body or "",
			"date_created": now,
			"date_sent": None,
			"date_updated": now,
			"direction": "outbound-api",
			"error_code": None,
			"error_message": None,
			"from": sender if sender else None,
			"messaging_service_sid": service,
			"num_media": "0",
			"num_segments": "0" if service else str(_num_segments(body or "")),
			"price": None,
			"price_unit": "USD",
			"sid": sid,
			"status": "accepted" if service else "queued",
			"subresource_uris": {
				"media": f"/{API_VERSION}/Accounts/{account.sid}/Messages/{sid}/Media.json",
			},
			"to": to,
			"uri": f"/{API_VERSION}/Accounts/{account.sid}/Messages/{sid}.json",
		}
		with self._lock:
			self.messages[sid] = message
			if params.get("StatusCallback"):
				self.status_callbacks[sid] = params["StatusCallback"]
		return 201, message

	# Twilio calling back
	def status_params(self, sid: str, status: str = "delivered", error_code: int | None = None) -> dict:
		"""Move the message to `status` and return the form fields of Twilio's status callback
		for that change (for a test that posts them itself, e.g. through a framework's test
		request)."""
		message = self.messages[sid]
		message["status"] = status
		message["error_code"] = error_code
		message["date_updated"] = _rfc2822(datetime.now(timezone.utc))
		if status in ("sent", "delivered") and not message["date_sent"]:
			message["date_sent"] = message["date_updated"]
		params = {
			"AccountSid": message["account_sid"],
			"ApiVersion": API_VERSION,
			"From": message["from"] or "+15145550100",
			"MessageSid": sid,
			"MessageStatus": status,
			"SmsSid": sid,
			"SmsStatus": status,
			"To": message["to"],
		}
		if message["messaging_service_sid"]:
			params["MessagingServiceSid"] = message["messaging_service_sid"]
		if error_code:
			params["ErrorCode"] = str(error_code)
		return params

	def deliver(
		self,
		sid: str,
		status: str = "delivered",
		error_code: int | None = None,
		url: str | None = None,
		signature: str | None = None,
	) -> tuple[int, str]:
		"""Set the message's status and POST Twilio's status callback for it (to `url`, or the
		StatusCallback it was created with). `signature` overrides the real one (for tests of
		rejection). Returns the callback's HTTP status and body."""
		params = self.status_params(sid, status, error_code)
		target = url or self.status_callbacks.get(sid)
		if not target:
			raise ValueError(f"message {sid} has no StatusCallback URL")
		return self.post_webhook(target, params, params["AccountSid"], signature)

	def inbound_params(
		self, from_number: str, body: str, to_number: str | None = None, profile_name: str = "Client"
	) -> dict:
		"""The form fields Twilio posts to a number's messaging webhook for an incoming message.
		A `from_number` written "whatsapp:+1…" makes it a WhatsApp message: To gets the same
		prefix, and WhatsApp's ProfileName and WaId (the sender's number without "+") are added
		(https://www.twilio.com/docs/messaging/guides/webhook-request)."""
		sid = "SM" + secrets.token_hex(16)
		whatsapp = from_number.startswith("whatsapp:")
		if to_number is None:
			to_number = ("whatsapp:" if whatsapp else "") + self.from_number
		params = {
			"AccountSid": self.account_sid,
			"ApiVersion": API_VERSION,
			"Body": body,
			"From": from_number,
			"FromCity": "MONTREAL",
			"FromCountry": "CA",
			"FromState": "QC",
			"FromZip": "",
			"MessageSid": sid,
			"NumMedia": "0",
			"NumSegments": str(_num_segments(body)),
			"SmsMessageSid": sid,
			"SmsSid": sid,
			"SmsStatus": "received",
			"To": to_number,
			"ToCity": "",
			"ToCountry": "CA",
			"ToState": "QC",
			"ToZip": "",
		}
		if whatsapp:
			params.update(
				ProfileName=profile_name, WaId=from_number.removeprefix("whatsapp:+"), NumSegments="1"
			)
		return params

	def send_inbound(self, url: str, from_number: str, body: str, signature: str | None = None):
		"""POST an incoming SMS to `url` as Twilio does; returns (HTTP status, body, params)."""
		params = self.inbound_params(from_number, body)
		status, text = self.post_webhook(url, params, self.account_sid, signature)
		return status, text, params

	def sign(self, url: str, params: dict, account_sid: str | None = None) -> str:
		"""The X-Twilio-Signature Twilio would put on a POST of `params` to `url`."""
		token = self.accounts[account_sid or self.account_sid].auth_token
		return RequestValidator(token).compute_signature(url, params)

	def post_webhook(self, url, params, account_sid=None, signature=None) -> tuple[int, str]:
		headers = {
			"Content-Type": "application/x-www-form-urlencoded",
			"User-Agent": "TwilioProxy/1.1",
			"X-Twilio-Signature": signature if signature is not None else self.sign(url, params, account_sid),
		}
		request = Request(url, data=urlencode(params).encode("utf-8"), headers=headers, method="POST")
		try:
			with urlopen(request, timeout=10) as response:
				result = response.status, response.read().decode("utf-8", "replace")
		except OSError as e:  # HTTPError carries the status; a refused connection has none
			code = getattr(e, "code", 0)
			text = e.read().decode("utf-8", "replace") if hasattr(e, "read") else str(e)
			result = code, text
		self.callbacks_sent.append({"url": url, "params": params, "status": result[0]})
		return result


def _channel(address: str) -> tuple[str | None, str]:
	"""("whatsapp", number) for "whatsapp:+1…", ("sms", address) for a bare address; None for a
	prefix Twilio's Messages API would not know here."""
	prefix, sep, rest = address.partition(":")
	if not sep:
		return "sms", address
	return ("whatsapp", rest) if prefix == "whatsapp" else (None, address)


def _is_e164(number: str) -> bool:
	if not re.fullmatch(r"\+[1-9]\d{1,14}", number):
		return False
	try:
		return phonenumbers.is_valid_number(phonenumbers.parse(number, None))
	except phonenumbers.NumberParseException:
		return False


def _error(code: int, message: str, status: int = 400) -> dict:
	return {
		"code": code,
		"message": message,
		"more_info": f"https://www.twilio.com/docs/errors/{code}",
		"status": status,
	}
