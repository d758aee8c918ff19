"""Webhook signatures (Twilio's real algorithm, checked with the SDK's validator) and parsing."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from gigafibre_fsm.errors import InvalidInput
from gigafibre_fsm.messaging.sms import TwilioSms, parse_inbound, parse_status_callback, verify_webhook


class Receiver:
	"""A stand-in for our public webhook endpoint: records what Twilio posted."""

	def __init__(self):
		received = self.received = []

		class Handler(BaseHTTPRequestHandler):
			def log_message(self, *args):
				pass

			def do_POST(self):
				raw = self.rfile.read(int(self.headers["Content-Length"])).decode()
				params = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
				received.append((self.path, params, self.headers.get("X-Twilio-Signature")))
				self.send_response(200)
				self.send_header("Content-Type", "text/xml")
				self.send_header("Content-Length", "11")
				self.end_headers()
				self.wfile.write(b"<Response/>")

		self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
		threading.Thread(
			target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
		).start()
		self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

	def close(self):
		self.server.shutdown()
		self.server.server_close()


@pytest.fixture
def receiver():
	r = Receiver()
	yield r
	r.close()


def test_status_callback_signature_verifies(twilio, receiver):
	url = receiver.url + "/api/method/gigafibre_fsm.api.messaging.twilio_status?message=abc123"
	sms = TwilioSms(twilio.account_sid, twilio.auth_token, twilio.from_number, base_url=twilio.base_url)
	sent = sms.send("+15145551234", "x", status_callback=url)
	status, _ = twilio.deliver(sent.sid, "delivered")
	assert status == 200
	[(path, params, signature)] = receiver.received
	assert verify_webhook(receiver.url + path, params, signature, twilio.auth_token)
	callback = parse_status_callback(params)
	assert (callback.sid, callback.status, callback.error_code) == (sent.sid, "delivered", None)
	assert callback.to == "+15145551234"


def test_tampering_breaks_the_signature(twilio, receiver):
	url = receiver.url + "/hook?message=abc"
	twilio.send_inbound(url, "+15145551234", "Bonjour")
	[(path, params, signature)] = receiver.received
	full = receiver.url + path
	assert verify_webhook(full, params, signature, twilio.auth_token)
	assert not verify_webhook(full, params, signature, "wrong-token")
	assert not verify_webhook(full, {**params, "Body": "Bonsoir"}, signature, twilio.auth_token)
	assert not verify_webhook(full.replace("abc", "abd"), params, signature, twilio.auth_token)
	assert not verify_webhook(receiver.url + "/hook", params, signature, twilio.auth_token)
	assert not verify_webhook(full, params, "", twilio.auth_token)
	assert not verify_webhook(full, params, None, twilio.auth_token)


class MultiDict(dict):
	"""A web framework's form: one key may carry several values (werkzeug, Django)."""

	def getlist(self, key):
		value = self[key]
		return list(value) if isinstance(value, list) else [value]


def test_multidict_params_verify(twilio):
	url = "https://fsm.example.ca/api/method/x"
	params = twilio.inbound_params("+15145551234", "Allo")
	signature = twilio.sign(url, params)
	assert verify_webhook(url, MultiDict(params), signature, twilio.auth_token)


def test_failed_delivery_callback_carries_the_error_code(twilio, receiver):
	sms = TwilioSms(twilio.account_sid, twilio.auth_token, twilio.from_number, base_url=twilio.base_url)
	sent = sms.send("+15145551234", "x", status_callback=receiver.url + "/s")
	twilio.deliver(sent.sid, "undelivered", error_code=30003)
	callback = parse_status_callback(receiver.received[0][1])
	assert callback.status == "undelivered"
	assert callback.error_code == 30003


def test_status_callback_without_sid_or_with_unknown_status():
	with pytest.raises(InvalidInput):
		parse_status_callback({"MessageStatus": "sent"})
	with pytest.raises(InvalidInput):
		parse_status_callback({"MessageSid": "SM" + "0" * 32, "MessageStatus": "teleported"})
	with pytest.raises(InvalidInput):
		parse_status_callback({"MessageSid": "SM" + "0" * 32})


def test_legacy_sms_fields_are_read():
	callback = parse_status_callback({"SmsSid": "SM" + "1" * 32, "SmsStatus": "Sent"})
	assert callback.status == "sent"


def test_inbound_is_parsed_with_e164_sender(twilio):
	params = twilio.inbound_params("+15145551234", "  Oui, ça me va  ")
	params["From"] = "514-555-1234"  # Twilio sends E.164; this checks the normalisation anyway
	inbound = parse_inbound(params)
	assert inbound.sid == params["MessageSid"]
	assert inbound.from_number == "+15145551234"
	assert inbound.to_number == twilio.from_number
	assert inbound.body == "  Oui, ça me va  "
	assert inbound.num_media == 0 and inbound.media_urls == ()


def test_inbound_media_and_short_code_sender(twilio):
	params = twilio.inbound_params("+15145551234", "")
	params.update({"From": "12345", "NumMedia": "2", "MediaUrl0": "https://m/0", "MediaUrl1": "https://m/1"})
	inbound = parse_inbound(params)
	assert inbound.from_number == "12345"
	assert inbound.media_urls == ("https://m/0", "https://m/1")


def test_inbound_without_sid_or_sender():
	with pytest.raises(InvalidInput):
		parse_inbound({"From": "+15145551234", "Body": "x"})
	with pytest.raises(InvalidInput):
		parse_inbound({"MessageSid": "SM" + "0" * 32, "Body": "x"})
