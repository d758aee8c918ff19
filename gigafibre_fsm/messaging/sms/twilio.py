"""Adapter to Twilio's Messages API and its webhooks (status callbacks, inbound SMS).

Settings come in as arguments (account, token, sender, base URL); nothing here reads Frappe.
A send is never retried here: an SMS that may have gone through must not go twice, so the
errors say whether Twilio certainly did not create the message (`TwilioRejected`,
`TwilioUnreachable`) or whether nobody knows (`TwilioOutcomeUnknown`).
"""

from collections.abc import Mapping
from dataclasses import dataclass

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

from gigafibre_fsm.errors import ExternalServiceError, InvalidInput, _
from gigafibre_fsm.messaging.sms.address import SMS, WHATSAPP, inbound_address, parse_address, twilio_address
from gigafibre_fsm.messaging.sms.phone import DEFAULT_REGION, normalise_phone
from gigafibre_fsm.messaging.sms.status import is_known_status, twilio_status

MAX_BODY_CHARACTERS = 1600  # Twilio refuses longer bodies (error 21617)
DEFAULT_TIMEOUT = 15.0


class TwilioRejected(ExternalServiceError):
	"""Twilio answered with an error: the message was not created. `code` is Twilio's error code."""

	def __init__(self, message, *, code: int | None, detail: str, http_status: int, **params):
		super().__init__(message, code=code, detail=detail, **params)
		self.code = code
		self.detail = detail
		self.http_status = http_status


class TwilioUnreachable(ExternalServiceError):
	"""The connection to Twilio could not be opened: nothing was sent, a later retry is safe."""


class TwilioOutcomeUnknown(ExternalServiceError):
	"""The request may have reached Twilio (timeout, 5xx, unreadable reply): do not resend
	automatically; a status callback will tell if it went."""


class TwilioAcceptedUnreadable(TwilioOutcomeUnknown):
	"""Twilio answered 2xx (it created the message) but the answer could not be read: never
	send it again."""


@dataclass(frozen=True)
class SentSms:
	sid: str
	status: str  # Twilio's name: "queued", or "accepted" through a Messaging Service
	to: str  # the Twilio address: "+15145551234" or "whatsapp:+15145551234"
	num_segments: int | None = None


@dataclass(frozen=True)
class StatusCallback:
	sid: str
	status: str  # Twilio's name, lowercase
	error_code: int | None
	error_message: str | None
	to: str | None
	from_number: str | None
	account_sid: str | None


@dataclass(frozen=True)
class InboundSms:
	"""An incoming message, SMS or WhatsApp. `from_number` and `to_number` are Twilio
	addresses: E.164 for SMS ("+15145551234"), with the channel's prefix otherwise
	("whatsapp:+15145551234"); a sender that is not a phone number (short code) as sent."""

	sid: str
	from_number: str
	to_number: str
	body: str
	num_media: int
	media_urls: tuple[str, ...]
	account_sid: str | None
	channel: str = SMS  # "SMS" or "WhatsApp"
	profile_name: str | None = None  # WhatsApp's ProfileName: the name the sender gave WhatsApp


def normalise_sender(sender: str, region: str = DEFAULT_REGION) -> str:
	"""A Messaging Service SID ("MG" + 32 hex digits) as is, else the phone number in E.164."""
	text = (sender or "").strip()
	if text.startswith("MG"):
		if len(text) != 34 or not all(c in "0123456789abcdefABCDEF" for c in text[2:]):
			raise InvalidInput(_("{sid} is not a Messaging Service SID"), sid=text)
		return text
	return normalise_phone(text, region)


class TwilioSms:
	"""Sends SMS and WhatsApp messages through Twilio's Messages API with one account.

	`from_number_or_service` is either a Twilio phone number or a Messaging Service SID
	("MG…"). WhatsApp messages go from `whatsapp_sender` (a Twilio number registered as a
	WhatsApp sender) when it is given, else from the same number, or through the same
	Messaging Service (whose sender pool then holds the WhatsApp sender). `base_url` replaces
	https://api.twilio.com (a local double, or a proxy); `status_callback` is the default URL
	Twilio posts delivery statuses to.
	"""

	def __init__(
		self,
		account_sid: str,
		auth_token: str,
		from_number_or_service: str,
		base_url: str | None = None,
		status_callback: str | None = None,
		timeout: float = DEFAULT_TIMEOUT,
		region: str = DEFAULT_REGION,
		whatsapp_sender: str | None = None,
	):
		if not account_sid or not auth_token or not from_number_or_service:
			raise InvalidInput(_("Twilio needs an account SID, an auth token and a sender"))
		self.account_sid = account_sid
		self.region = region
		self.status_callback = status_callback
		sender = normalise_sender(from_number_or_service, region)
		if sender.startswith("MG"):
			self._senders = {
				SMS: {"messaging_service_sid": sender},
				WHATSAPP: {"messaging_service_sid": sender},
			}
		else:
			self._senders = {SMS: {"from_": sender}, WHATSAPP: {"from_": twilio_address(WHATSAPP, sender)}}
		if whatsapp_sender and whatsapp_sender.strip():
			number = parse_address(whatsapp_sender, region, channel=WHATSAPP).number
			self._senders[WHATSAPP] = {"from_": twilio_address(WHATSAPP, number)}
		# No retries: urllib3 would resend a POST that may have been received.
		self._client = Client(account_sid, auth_token, http_client=TwilioHttpClient(timeout=timeout))
		if base_url:
			self._client.api.base_url = base_url.rstrip("/")

	def sender(self, channel: str = SMS) -> str:
		"""The From this client uses on `channel` (a Twilio address or a Messaging Service SID)."""
		sender = self._senders[channel]
		return sender.get("from_") or sender["messaging_service_sid"]

	def send(self, to: str, body: str, status_callback: str | None = None) -> SentSms:
		"""Create one outbound message; returns its SID and Twilio's initial status.

		`to` is a number (SMS) or a Twilio address with its channel ("whatsapp:+15145551234"):
		the message goes on that channel, From and To both written for it.

		Raises InvalidInput (bad number, empty or too long body) before calling Twilio, and
		TwilioRejected / TwilioUnreachable / TwilioOutcomeUnknown on failure.
		"""
		address = parse_address(to, self.region)
		recipient = address.twilio  # "+1514…" or "whatsapp:+1514…", also in the error messages
		check_body(body)
		callback = status_callback or self.status_callback
		kwargs = dict(to=recipient, body=body, **self._senders[address.channel])
		if callback:
			kwargs["status_callback"] = callback
		try:
			message = self._client.messages.create(**kwargs)
		except TwilioRestException as e:
			if e.status >= 500:
				raise TwilioOutcomeUnknown(
					_("Twilio failed while sending the SMS to {to} (HTTP {status}); it may have been sent"),
					to=recipient,
					status=e.status,
				) from e
			raise TwilioRejected(
				_("Twilio refused the SMS to {to}: error {code}, {detail}"),
				code=e.code,
				detail=_twilio_detail(e),
				http_status=e.status,
				to=recipient,
			) from e
		except requests.RequestException as e:
			if _never_sent(e):
				raise TwilioUnreachable(
					_("Twilio could not be reached to send the SMS to {to}"), to=recipient
				) from e
			raise TwilioOutcomeUnknown(
				_("No answer from Twilio while sending the SMS to {to}; it may have been sent"), to=recipient
			) from e
		except ValueError as e:  # a 2xx whose body is not Twilio's JSON
			raise TwilioAcceptedUnreadable(
				_("Twilio's answer to the SMS to {to} could not be read; it may have been sent"), to=recipient
			) from e
		if not message.sid:
			raise TwilioAcceptedUnreadable(
				_("Twilio's answer to the SMS to {to} could not be read; it may have been sent"), to=recipient
			)
		segments = int(message.num_segments) if str(message.num_segments or "").isdigit() else None
		return SentSms(sid=message.sid, status=str(message.status), to=recipient, num_segments=segments)


def _twilio_detail(error: TwilioRestException) -> str:
	"""Twilio's own error text, without the SDK's "Unable to create record: " preamble."""
	text = str(error.msg or "")
	prefix, sep, rest = text.partition(": ")
	return rest if sep and prefix.startswith("Unable to ") else text


def _never_sent(error: BaseException) -> bool:
	"""True when the connection was never opened (so the request cannot have been received)."""
	if isinstance(error, requests.ConnectTimeout):
		return True
	seen = set()
	stack = [error]
	while stack:
		e = stack.pop()
		if e is None or id(e) in seen:
			continue
		seen.add(id(e))
		if isinstance(e, NewConnectionError | ConnectTimeoutError | NameResolutionError):
			return True
		stack.extend([getattr(e, "reason", None), e.__cause__, e.__context__])
		stack.extend(a for a in getattr(e, "args", ()) if isinstance(a, BaseException))
	return False


def verify_webhook(url: str, params: Mapping, signature: str | None, auth_token: str) -> bool:
	"""Whether `signature` (the X-Twilio-Signature header) is Twilio's for this request.

	`url` is the full public URL Twilio called, query string included; `params` the POSTed form
	fields (a dict or a multi-dict). Uses the Twilio SDK's own RequestValidator.
	"""
	if not signature or not auth_token or not url:
		return False
	return RequestValidator(auth_token).validate(url, params or {}, signature)


def _get(params: Mapping, key: str) -> str | None:
	value = params.get(key)
	if isinstance(value, list | tuple):
		value = value[0] if value else None
	if value is None:
		return None
	value = str(value).strip()
	return value or None


def parse_status_callback(params: Mapping) -> StatusCallback:
	"""A Twilio message status callback's fields; InvalidInput if the SID or status is missing
	or the status is not one Twilio defines."""
	sid = _get(params, "MessageSid") or _get(params, "SmsSid")
	status = _get(params, "MessageStatus") or _get(params, "SmsStatus")
	if not sid:
		raise InvalidInput(_("The status callback has no MessageSid"))
	if not status or not is_known_status(status):
		raise InvalidInput(_("Unknown message status {status}"), status=status or "")
	code = _get(params, "ErrorCode")
	return StatusCallback(
		sid=sid,
		status=twilio_status(status),
		error_code=int(code) if code and code.isdigit() else None,
		error_message=_get(params, "ErrorMessage"),
		to=_get(params, "To"),
		from_number=_get(params, "From"),
		account_sid=_get(params, "AccountSid"),
	)


def parse_inbound(params: Mapping, region: str = DEFAULT_REGION) -> InboundSms:
	"""An incoming message webhook's fields (SMS or WhatsApp); InvalidInput if the SID or the
	sender is missing, or the sender is on a channel this site does not handle."""
	sid = _get(params, "MessageSid") or _get(params, "SmsMessageSid") or _get(params, "SmsSid")
	sender = _get(params, "From")
	if not sid:
		raise InvalidInput(_("The inbound SMS has no MessageSid"))
	if not sender:
		raise InvalidInput(_("The inbound SMS has no sender"))
	num_media = _get(params, "NumMedia")
	count = int(num_media) if num_media and num_media.isdigit() else 0
	media = tuple(u for u in (_get(params, f"MediaUrl{i}") for i in range(count)) if u)
	source = inbound_address(sender, region)
	recipient = _get(params, "To")
	body = params.get("Body")
	if isinstance(body, list | tuple):
		body = body[0] if body else ""
	return InboundSms(
		sid=sid,
		from_number=source.twilio,
		to_number=inbound_address(recipient, region).twilio if recipient else "",
		body=body or "",  # the body is kept as sent, spaces included
		num_media=count,
		media_urls=media,
		account_sid=_get(params, "AccountSid"),
		channel=source.channel,
		profile_name=_get(params, "ProfileName") if source.channel == WHATSAPP else None,
	)


def check_body(body) -> None:
	"""Refuse an empty body, or one longer than Twilio accepts."""
	if not isinstance(body, str) or not body.strip():
		raise InvalidInput(_("The message is empty"))
	if len(body) > MAX_BODY_CHARACTERS:
		raise InvalidInput(
			_("The message has {length} characters, more than the {limit} Twilio accepts"),
			length=len(body),
			limit=MAX_BODY_CHARACTERS,
		)
