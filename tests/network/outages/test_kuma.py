import hashlib
import hmac
import json

import pytest

from gigafibre_fsm.network.outages import (
	IncidentOpened,
	IncidentResolved,
	OnuPlace,
	OutageCorrelator,
	Topology,
	WebhookRejected,
	parse_kuma_webhook,
	verify_kuma_request,
)

SECRET = "s3cret-kuma"


def payload(status, time="2025-03-01 14:05:09.123", name="OLT-LAVAL-1", monitor_id=7):
	# The shape of Uptime-Kuma's webhook.js: {heartbeat, monitor, msg}
	heartbeat = {
		"monitorID": monitor_id,
		"status": status,
		"time": time,
		"msg": "Request timed out" if status == 0 else "OK",
		"ping": None,
		"important": True,
		"duration": 60,
		"timezone": "America/Toronto",
		"timezoneOffset": "-05:00",
		"localDateTime": "2025-03-01 09:05:09",
	}
	monitor = {"id": monitor_id, "name": name, "type": "ping", "hostname": "10.0.0.1", "url": "https://"}
	return {
		"heartbeat": heartbeat,
		"monitor": monitor,
		"msg": f"[{name}] [{'Down' if status == 0 else 'Up'}]",
	}


def body(data):
	return json.dumps(data).encode()


def test_json_down_and_up_are_read_from_the_real_payload():
	down = parse_kuma_webhook(body(payload(0)), "application/json")
	assert (down.status, down.monitor_id, down.monitor_name, down.msg) == (
		"down",
		7,
		"OLT-LAVAL-1",
		"Request timed out",
	)
	assert down.at == pytest.approx(1740837909.123)
	up = parse_kuma_webhook(body(payload(1, time="2025-03-01 14:15:00.000")), "application/json")
	assert up.status == "up" and up.key != down.key


def test_form_data_and_get_shapes_give_the_same_event():
	data = payload(0)
	as_json = parse_kuma_webhook(body(data))
	as_form = parse_kuma_webhook(form={"data": json.dumps(data)}, content_type="multipart/form-data")
	as_get = parse_kuma_webhook(
		query={
			"msg": data["msg"],
			"heartbeat": json.dumps(data["heartbeat"]),
			"monitor": json.dumps(data["monitor"]),
		},
		content_type=None,
	)
	assert as_json == as_form == as_get


def test_test_button_and_garbage():
	event = parse_kuma_webhook(body({"heartbeat": None, "monitor": None, "msg": "Uptime Kuma Testing"}))
	assert event.status == "test"
	with pytest.raises(WebhookRejected):
		parse_kuma_webhook(b"{not json")
	with pytest.raises(WebhookRejected):
		parse_kuma_webhook(body({"heartbeat": {"time": "x"}, "monitor": {}}))


def test_authentication_by_header_token_bearer_or_hmac():
	raw = body(payload(0))
	verify_kuma_request({"X-Webhook-Token": SECRET}, raw, SECRET)
	verify_kuma_request({"Authorization": f"Bearer {SECRET}"}, raw, SECRET)
	signature = hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
	verify_kuma_request({"X-Signature-256": f"sha256={signature}"}, raw, SECRET)
	for headers in ({}, {"X-Webhook-Token": "wrong"}, {"X-Signature-256": f"sha256={signature}"}):
		# the signature was of the original body: a tampered body must fail it
		tampered = raw + (b" " if "X-Signature-256" in headers else b"")
		with pytest.raises(WebhookRejected):
			verify_kuma_request(headers, tampered, SECRET)
	with pytest.raises(WebhookRejected):
		verify_kuma_request({"X-Webhook-Token": ""}, raw, "")


def small_topology():
	return Topology(
		{
			f"OLT-LAVAL-1/0/1/{p}:{n}": OnuPlace(
				f"OLT-LAVAL-1/0/1/{p}", "OLT-LAVAL-1/0/1", "OLT-LAVAL-1", f"LOC-{p}{n}", f"CUST-{p}{n}"
			)
			for p in range(2)
			for n in range(3)
		}
	)


def test_kuma_opens_and_resolves_once_even_when_deliveries_repeat():
	correlator = OutageCorrelator(small_topology())
	down = parse_kuma_webhook(body(payload(0)))
	(opened,) = correlator.apply_kuma(down)
	assert isinstance(opened, IncidentOpened) and opened.source == "kuma"
	assert opened.node == "OLT-LAVAL-1" and len(opened.customers) == 6  # monitor named after the OLT
	assert correlator.apply_kuma(parse_kuma_webhook(body(payload(0)))) == []  # retried delivery
	up = parse_kuma_webhook(body(payload(1, time="2025-03-01 14:20:00.000")))
	(resolved,) = correlator.apply_kuma(up)
	assert isinstance(resolved, IncidentResolved) and resolved.incident == opened.incident
	assert correlator.apply_kuma(up) == []
	assert correlator.open_incidents() == []


def test_unmapped_monitor_opens_a_monitor_incident_and_explicit_keys_are_honoured():
	correlator = OutageCorrelator(small_topology())
	event = parse_kuma_webhook(body(payload(0, name="core-router")), idempotency_key="abc")
	(opened,) = correlator.apply_kuma(event)
	assert opened.scope == "kuma-monitor" and opened.customers == ()
	again = parse_kuma_webhook(
		body(payload(0, name="core-router", time="2025-03-01 15:00:00")), idempotency_key="abc"
	)
	assert correlator.apply_kuma(again) == []
	(mapped,) = correlator.apply_kuma(
		parse_kuma_webhook(body(payload(0, name="pon-2", monitor_id=9))), node="OLT-LAVAL-1/0/1/1"
	)
	assert mapped.scope == "kuma-pon" and mapped.customers == ("CUST-10", "CUST-11", "CUST-12")
