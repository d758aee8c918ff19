import itertools

import pytest

from gigafibre_fsm.messaging.sms import (
	STATUS_RANK,
	is_known_status,
	status_advances,
	status_label,
	twilio_status,
)

LIFECYCLE = ["queued", "sending", "sent", "delivered"]


def test_forward_steps_apply():
	for earlier, later in itertools.combinations(LIFECYCLE, 2):
		assert status_advances(earlier, later), (earlier, later)


def test_late_callbacks_never_move_a_message_back():
	for earlier, later in itertools.combinations(LIFECYCLE, 2):
		assert not status_advances(later, earlier), (later, earlier)
	assert not status_advances("delivered", "sent")
	assert not status_advances("Delivered", "Sent")  # doctype labels too


def test_a_repeated_status_does_nothing():
	for status in STATUS_RANK:
		assert not status_advances(status, status)


@pytest.mark.parametrize("final", ["delivered", "undelivered", "failed"])
def test_final_statuses_do_not_replace_each_other(final):
	for other in ("delivered", "undelivered", "failed"):
		if other != final:
			assert not status_advances(final, other)


def test_read_only_after_delivery():
	assert status_advances("delivered", "read")
	assert not status_advances("undelivered", "read")
	assert not status_advances("failed", "read")


def test_messaging_service_statuses_start_the_lifecycle():
	assert status_advances("accepted", "queued") is False  # same rank: Twilio's first statuses
	assert status_advances("accepted", "sending")
	assert status_advances("scheduled", "sent")


def test_unconfirmed_send_is_replaced_by_any_twilio_status():
	assert status_advances("Unconfirmed", "queued")
	assert status_advances("Unconfirmed", "failed")


def test_unknown_statuses():
	assert not status_advances("sent", "teleported")
	assert status_advances(None, "queued")
	assert status_advances("", "sent")
	assert not is_known_status("teleported")


def test_labels_round_trip():
	assert status_label("partially_delivered") == "Partially Delivered"
	assert status_label("Delivered") == "Delivered"
	assert twilio_status("Partially Delivered") == "partially_delivered"
	assert status_label("read") == "Seen" and twilio_status("Seen") == "read"
	for status in STATUS_RANK:
		assert twilio_status(status_label(status)) == status
	with pytest.raises(KeyError):
		twilio_status("teleported")
