"""Twilio addresses: a number on a channel ("+1…" for SMS, "whatsapp:+1…" for WhatsApp)."""

from datetime import datetime, timedelta

import pytest

from gigafibre_fsm.errors import InvalidInput
from gigafibre_fsm.messaging.sms import (
	SMS,
	WHATSAPP,
	WHATSAPP_WINDOW,
	Address,
	check_channel,
	check_whatsapp_window,
	inbound_address,
	parse_address,
	twilio_address,
)


@pytest.mark.parametrize(
	"typed, channel, number, twilio",
	[
		("514 555-1234", SMS, "+15145551234", "+15145551234"),
		("+15145551234", SMS, "+15145551234", "+15145551234"),
		("whatsapp:+15145551234", WHATSAPP, "+15145551234", "whatsapp:+15145551234"),
		(" WhatsApp: 514 555-1234 ", WHATSAPP, "+15145551234", "whatsapp:+15145551234"),
	],
)
def test_the_prefix_carries_the_channel(typed, channel, number, twilio):
	address = parse_address(typed)
	assert (address.channel, address.number, address.twilio, str(address)) == (
		channel,
		number,
		twilio,
		twilio,
	)


def test_a_channel_puts_a_bare_number_on_it():
	assert parse_address("514 555-1234", channel="WhatsApp").twilio == "whatsapp:+15145551234"
	assert parse_address("514 555-1234", channel="whatsapp").channel == WHATSAPP
	assert parse_address("whatsapp:+15145551234", channel=WHATSAPP).twilio == "whatsapp:+15145551234"
	assert parse_address("+15145551234", channel=None).twilio == "+15145551234"
	with pytest.raises(InvalidInput):  # a WhatsApp address is not made an SMS by a wrong argument
		parse_address("whatsapp:+15145551234", channel=SMS)


@pytest.mark.parametrize(
	"garbage", ["", None, "whatsapp:", "whatsapp:hello", "messenger:+15145551234", "fax:5145551234", 42]
)
def test_garbage_and_unknown_channels_are_refused(garbage):
	with pytest.raises(InvalidInput):
		parse_address(garbage)


def test_inbound_keeps_what_is_not_a_phone_number():
	assert inbound_address("12345") == Address(SMS, "12345")  # a short code
	assert inbound_address("whatsapp:+15145551234") == Address(WHATSAPP, "+15145551234")
	assert inbound_address("514-555-1234").twilio == "+15145551234"
	with pytest.raises(InvalidInput):
		inbound_address("messenger:12345")


def test_channels():
	assert check_channel(None) == SMS
	assert check_channel("") == SMS
	assert check_channel(" sms ") == SMS
	assert check_channel("WHATSAPP") == WHATSAPP
	for bad in ("Telegram", 3):
		with pytest.raises(InvalidInput):
			check_channel(bad)
	assert twilio_address("WhatsApp", "+15145551234") == "whatsapp:+15145551234"
	assert twilio_address("SMS", "+15145551234") == "+15145551234"


def test_whatsapp_window_is_24_hours_after_the_customers_last_message():
	now = datetime(2026, 12, 1, 12, 0)
	whatsapp, sms = parse_address("whatsapp:+15145551234"), parse_address("+15145551234")
	check_whatsapp_window(whatsapp, now - timedelta(hours=23, minutes=59), now)
	check_whatsapp_window(whatsapp, now - WHATSAPP_WINDOW, now)
	for last in (None, now - timedelta(hours=24, seconds=1), now - timedelta(days=30)):
		with pytest.raises(InvalidInput):
			check_whatsapp_window(whatsapp, last, now)
		check_whatsapp_window(sms, last, now)  # SMS has no window
