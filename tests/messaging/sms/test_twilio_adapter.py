"""The Twilio SDK, through our adapter, against the local Twilio double."""

import socket

import pytest

from gigafibre_fsm.errors import InvalidInput
from gigafibre_fsm.messaging.sms import (
	TwilioOutcomeUnknown,
	TwilioRejected,
	TwilioSms,
	TwilioUnreachable,
)

CALLBACK = "https://fsm.example.ca/api/method/gigafibre_fsm.api.messaging.twilio_status?message=abc"


def adapter(twilio, sender=None, **kwargs):
	return TwilioSms(
		twilio.account_sid,
		twilio.auth_token,
		sender or twilio.from_number,
		base_url=twilio.base_url,
		**kwargs,
	)


def test_send_creates_one_message_with_what_was_asked(twilio):
	sent = adapter(twilio, status_callback=CALLBACK).send("514 555-1234", "Votre technicien arrive à 14 h.")
	assert sent.sid.startswith("SM") and len(sent.sid) == 34
	assert sent.status == "queued"
	assert sent.to == "+15145551234"
	assert sent.num_segments == 1
	[request] = twilio.requests
	assert request["auth_ok"] is True
	assert request["params"] == {
		"To": "+15145551234",
		"From": twilio.from_number,
		"Body": "Votre technicien arrive à 14 h.",
		"StatusCallback": CALLBACK,
	}
	assert twilio.messages[sent.sid]["body"] == "Votre technicien arrive à 14 h."


def test_per_message_callback_overrides_the_default(twilio):
	adapter(twilio, status_callback="https://a.example/x").send("+15145551234", "x", status_callback=CALLBACK)
	assert twilio.requests[0]["params"]["StatusCallback"] == CALLBACK


def test_messaging_service_sender(twilio):
	sent = adapter(twilio, sender=twilio.messaging_service_sid).send("+15145551234", "Bonjour")
	assert sent.status == "accepted"
	params = twilio.requests[0]["params"]
	assert params["MessagingServiceSid"] == twilio.messaging_service_sid
	assert "From" not in params


def test_wrong_token_is_twilio_authenticate_error(twilio):
	bad = TwilioSms(twilio.account_sid, "0" * 32, twilio.from_number, base_url=twilio.base_url)
	with pytest.raises(TwilioRejected) as raised:
		bad.send("+15145551234", "x")
	assert raised.value.code == 20003
	assert raised.value.http_status == 401
	assert twilio.messages == {}


@pytest.mark.parametrize(
	"to, code",
	[("+15005550001", 21211), ("+15005550002", 21612), ("+15005550004", 21610), ("+15005550009", 21614)],
)
def test_twilio_errors_carry_code_and_message(twilio, to, code):
	with pytest.raises(TwilioRejected) as raised:
		adapter(twilio).send(to, "x")
	assert raised.value.code == code
	assert raised.value.http_status == 400
	assert not raised.value.detail.startswith("Unable to create record")
	assert raised.value.params["code"] == code
	assert "{code}" in raised.value.message


def test_sender_not_on_the_account_is_refused_by_twilio(twilio):
	with pytest.raises(TwilioRejected) as raised:
		adapter(twilio, sender="+14505559999").send("+15145551234", "x")
	assert raised.value.code == 21606


@pytest.mark.parametrize("body", ["", "   ", None, "x" * 1601])
def test_bad_body_is_refused_before_calling_twilio(twilio, body):
	with pytest.raises(InvalidInput):
		adapter(twilio).send("+15145551234", body)
	assert twilio.requests == []


def test_bad_number_is_refused_before_calling_twilio(twilio):
	with pytest.raises(InvalidInput):
		adapter(twilio).send("call me", "x")
	assert twilio.requests == []


def test_missing_settings_are_invalid_input():
	with pytest.raises(InvalidInput):
		TwilioSms("", "token", "+15145550100")


def test_server_error_means_outcome_unknown_and_no_retry(twilio):
	twilio.fail_next(503, 20503, "Service unavailable")
	with pytest.raises(TwilioOutcomeUnknown):
		adapter(twilio).send("+15145551234", "x")
	assert len(twilio.requests) == 1  # the SDK did not try again


def test_timeout_after_twilio_received_it_means_outcome_unknown(twilio):
	twilio.delay_next(1.5)
	with pytest.raises(TwilioOutcomeUnknown):
		adapter(twilio, timeout=0.3).send("+15145551234", "x")
	assert len(twilio.requests) == 1
	assert len(twilio.messages) == 1  # Twilio did create it: resending would double it


def test_connection_refused_means_nothing_was_sent():
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		port = s.getsockname()[1]  # closed when the block ends: nobody listens there
	sms = TwilioSms("AC" + "0" * 32, "t", "+15145550100", base_url=f"http://127.0.0.1:{port}", timeout=2)
	with pytest.raises(TwilioUnreachable):
		sms.send("+15145551234", "x")


def test_get_returns_the_current_status(twilio):
	sent = adapter(twilio, status_callback=CALLBACK).send("+15145551234", "x")
	twilio.messages[sent.sid]["status"] = "delivered"
	client = adapter(twilio)._client
	assert client.messages(sent.sid).fetch().status == "delivered"
