"""Twilio addresses: a phone number on a channel, written the way Twilio's Messages API writes it.

Twilio carries SMS and WhatsApp through the same Messages resource; the channel is in the
address. An SMS number is plain E.164 ("+15145551234"); a WhatsApp number has the prefix
"whatsapp:" ("whatsapp:+15145551234"), in the From and To of an incoming message's webhook and
in the From and To of a message we send (Twilio, "WhatsApp Business API with Twilio",
https://www.twilio.com/docs/whatsapp/api, and "Twilio's request to your incoming message
Webhook URL", https://www.twilio.com/docs/messaging/guides/webhook-request). Twilio refuses
a From and a To on different channels (error 21910,
https://www.twilio.com/docs/api/errors/21910), so a reply must be written on the channel the
customer used: a WhatsApp thread answered as an SMS to the bare number would reach the
customer elsewhere, or not at all.

A conversation is keyed by its address: the same number on SMS and on WhatsApp is two threads,
each answered on its own channel.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from gigafibre_fsm.errors import InvalidInput, _
from gigafibre_fsm.messaging.sms.phone import DEFAULT_REGION, normalise_phone, try_normalise_phone

SMS = "SMS"
WHATSAPP = "WhatsApp"
CHANNELS = (SMS, WHATSAPP)
WHATSAPP_PREFIX = "whatsapp:"
_PREFIXES = {WHATSAPP: WHATSAPP_PREFIX}


@dataclass(frozen=True)
class Address:
	"""A number on a channel. `number` is E.164, or as Twilio sent it when it is not a phone
	number (an SMS short code)."""

	channel: str
	number: str

	@property
	def twilio(self) -> str:
		"""The address as Twilio's From/To: "+15145551234" or "whatsapp:+15145551234"."""
		return _PREFIXES.get(self.channel, "") + self.number

	def __str__(self) -> str:
		return self.twilio


def check_channel(channel: str | None) -> str:
	"""The channel's label ("SMS" or "WhatsApp", any letter case accepted); SMS when empty.
	InvalidInput for a channel this app does not handle."""
	if channel is None or (isinstance(channel, str) and not channel.strip()):
		return SMS
	if isinstance(channel, str):
		for known in CHANNELS:
			if channel.strip().lower() == known.lower():
				return known
	raise InvalidInput(_("{channel} is not a messaging channel (SMS or WhatsApp)"), channel=str(channel))


def _split(text: str) -> tuple[str, str]:
	prefix, sep, rest = text.partition(":")
	if not sep:
		return SMS, text
	for channel, known in _PREFIXES.items():
		if prefix.lower() + ":" == known:
			return channel, rest.strip()
	raise InvalidInput(_("{address} is on a messaging channel this site does not handle"), address=text)


def parse_address(address, region: str = DEFAULT_REGION, channel: str | None = None) -> Address:
	"""Any spelling of a number, with or without Twilio's channel prefix, as an Address.

	"514 555-1234" → SMS +15145551234; "whatsapp:+15145551234" → WhatsApp +15145551234.
	`channel` puts a bare number on that channel ("WhatsApp", "514 555-1234" → WhatsApp); a
	prefix that contradicts it is refused. Raises InvalidInput when the number is not a valid
	phone number or the prefix is not a channel this site handles."""
	if not isinstance(address, str) or not address.strip():
		raise InvalidInput(_("A phone number is required"))
	found, number = _split(address.strip())
	if channel is not None:
		wanted = check_channel(channel)
		if found != SMS and found != wanted:
			raise InvalidInput(
				_("{address} is a {found} address, not {channel}"),
				address=address,
				found=found,
				channel=wanted,
			)
		found = wanted
	return Address(found, normalise_phone(number, region))


def inbound_address(address: str, region: str = DEFAULT_REGION) -> Address:
	"""The address of an incoming message's From or To, never refused: a phone number is
	normalised, anything else (a short code, an alphanumeric sender) is kept as sent. A prefix
	of a channel this site does not handle raises InvalidInput."""
	channel, number = _split((address or "").strip())
	return Address(channel, try_normalise_phone(number, region) or number)


def twilio_address(channel: str, number: str) -> str:
	"""`number` on `channel` as Twilio writes it."""
	return Address(check_channel(channel), number).twilio


WHATSAPP_WINDOW = timedelta(hours=24)


def check_whatsapp_window(address: Address, last_inbound_at: datetime | None, now: datetime) -> None:
	"""Refuse a free-form WhatsApp message outside WhatsApp's 24-hour customer-service window:
	free-form messages may only follow the customer's own last message by 24 hours; after
	that, only approved templates go (Twilio accepts the request, then the message fails with
	error 63016, https://www.twilio.com/docs/api/errors/63016). SMS has no window.
	`last_inbound_at` is when the customer last wrote on this address (None: never)."""
	if address.channel != WHATSAPP:
		return
	if last_inbound_at is None or now - last_inbound_at > WHATSAPP_WINDOW:
		raise InvalidInput(
			_(
				"{address} has not written in the last 24 hours: WhatsApp only allows a reply within "
				"24 hours of the customer's last message"
			),
			address=address.twilio,
		)
