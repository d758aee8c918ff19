"""WhatsApp through Twilio's Messages API: the adapter against the local Twilio double, which
checks what it is sent as Twilio does (a From and a To on one channel, a WhatsApp From that is
one of the account's WhatsApp senders), and WhatsApp's incoming-message webhook."""

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from gigafibre_fsm.messaging.sms import WHATSAPP, TwilioRejected, TwilioSms, parse_inbound, verify_webhook
from tests.messaging.sms.test_webhooks import Receiver

CALLBACK = "https://fsm.example.ca/api/method/gigafibre_fsm.api.messaging.twilio_status?message=abc"


def adapter(twilio, sender=None, **kwargs):
	return TwilioSms(
		twilio.account_sid,
		twilio.auth_token,
		sender or twilio.from_number,
		base_url=twilio.base_url,
		**kwargs,
	)


def test_whatsapp_goes_from_and_to_whatsapp_addresses(twilio):
	sent = adapter(twilio, status_callback=CALLBACK).send("whatsapp:+15145551234", "Votre technicien arrive.")
	assert sent.to == "whatsapp:+15145551234"
	[request] = twilio.requests
	assert request["params"] == {
		"To": "whatsapp:+15145551234",
		"From": f"whatsapp:{twilio.from_number}",
		"Body": "Votre technicien arrive.",
		"StatusCallback": CALLBACK,
	}
	assert twilio.sent_to("whatsapp:+15145551234") and not twilio.sent_to("+15145551234")


def test_sms_still_goes_from_the_bare_number(twilio):
	adapter(twilio).send("+15145551234", "x")
	assert twilio.requests[0]["params"]["From"] == twilio.from_number
	assert twilio.requests[0]["params"]["To"] == "+15145551234"


def test_a_separate_whatsapp_sender(twilio):
	other = "+15145550199"
	client = adapter(twilio, whatsapp_sender=other)
	assert client.sender(WHATSAPP) == f"whatsapp:{other}"
	with pytest.raises(TwilioRejected) as refused:  # not a WhatsApp sender of this account
		client.send("whatsapp:+15145551234", "x")
	assert refused.value.code == 63007
	twilio.accounts[twilio.account_sid].whatsapp_numbers.add(other)
	client.send("whatsapp:+15145551234", "x")
	assert twilio.requests[-1]["params"]["From"] == f"whatsapp:{other}"
	client.send("+15145551234", "x")  # SMS keeps the SMS sender
	assert twilio.requests[-1]["params"]["From"] == twilio.from_number


def test_through_a_messaging_service_only_the_to_carries_the_channel(twilio):
	adapter(twilio, twilio.messaging_service_sid).send("whatsapp:+15145551234", "x")
	params = twilio.requests[0]["params"]
	assert params["To"] == "whatsapp:+15145551234"
	assert params["MessagingServiceSid"] == twilio.messaging_service_sid
	assert "From" not in params


@pytest.mark.parametrize(
	"from_, to",
	[("+15145550100", "whatsapp:+15145551234"), ("whatsapp:+15145550100", "+15145551234")],
)
def test_the_double_refuses_a_from_and_to_on_two_channels(twilio, from_, to):
	client = Client(twilio.account_sid, twilio.auth_token)
	client.api.base_url = twilio.base_url
	with pytest.raises(TwilioRestException) as refused:
		client.messages.create(to=to, from_=from_, body="x")
	assert (refused.value.status, refused.value.code) == (400, 21910)


def test_incoming_whatsapp_message_is_signed_and_keeps_its_channel(twilio):
	receiver = Receiver()
	try:
		twilio.send_inbound(receiver.url + "/hook", "whatsapp:+15145551234", "Bonjour")
	finally:
		receiver.close()
	[(path, params, signature)] = receiver.received
	assert verify_webhook(receiver.url + path, params, signature, twilio.auth_token)
	assert (params["From"], params["To"]) == ("whatsapp:+15145551234", f"whatsapp:{twilio.from_number}")
	assert params["WaId"] == "15145551234"
	inbound = parse_inbound(params)
	assert inbound.channel == WHATSAPP
	assert inbound.from_number == "whatsapp:+15145551234"
	assert inbound.to_number == f"whatsapp:{twilio.from_number}"
	assert inbound.profile_name == "Client"


def test_status_callback_of_a_whatsapp_message_carries_the_prefix(twilio):
	sent = adapter(twilio).send("whatsapp:+15145551234", "x")
	params = twilio.status_params(sent.sid, "read")
	assert (params["From"], params["To"]) == (f"whatsapp:{twilio.from_number}", "whatsapp:+15145551234")
