"""Uptime-Kuma's webhook: authenticate it, parse its real payload, give each delivery an idempotency key.

Uptime-Kuma's webhook notification (server/notification-providers/webhook.js) sends
`{"heartbeat": …, "monitor": …, "msg": …}`: as a JSON body (default), as a multipart form whose
field `data` holds that JSON ("form-data"), or with httpMethod GET as query parameters `msg`,
`heartbeat` and `monitor` (the last two JSON-encoded). The "Test" button sends a null heartbeat
and monitor. heartbeat.status is 0 down, 1 up, 2 pending, 3 maintenance; heartbeat.time is UTC
"YYYY-MM-DD HH:MM:SS.mmm".

Uptime-Kuma signs nothing, but lets the operator add headers ("Additional Headers" JSON): the
shared secret goes there, as `Authorization: Bearer <secret>` or `X-Webhook-Token: <secret>`.
A proxy that signs bodies can send `X-Signature-256: sha256=<hex HMAC of the body>` instead.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

from gigafibre_fsm.errors import InvalidInput, _

STATUS = {0: "down", 1: "up", 2: "pending", 3: "maintenance"}
TOKEN_HEADER = "x-webhook-token"
SIGNATURE_HEADER = "x-signature-256"


class WebhookRejected(InvalidInput):
	"""A webhook delivery that failed authentication or could not be read."""


@dataclass(frozen=True)
class KumaEvent:
	"""One Uptime-Kuma notification: which monitor, down/up/pending/maintenance/test, when, why."""

	monitor_id: int | None
	monitor_name: str
	status: str
	at: float
	msg: str
	key: str
	hostname: str | None = None
	url: str | None = None


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
	return {str(k).lower(): str(v) for k, v in (headers or {}).items()}


def verify_kuma_request(headers: Mapping[str, str], body: bytes, secret: str) -> None:
	"""Accept the delivery only if it carries the shared secret or a valid HMAC of its body.

	Comparisons use hmac.compare_digest (constant time). Raises WebhookRejected otherwise.
	"""
	if not secret:
		raise WebhookRejected(_("The Uptime-Kuma webhook has no secret configured"))
	h = _lower(headers)
	expected = secret.encode()
	token = h.get(TOKEN_HEADER)
	if token is None and h.get("authorization", "").lower().startswith("bearer "):
		token = h["authorization"][7:].strip()
	if token is not None and hmac.compare_digest(token.encode(), expected):
		return
	signature = h.get(SIGNATURE_HEADER, "")
	if signature.startswith("sha256="):
		digest = hmac.new(expected, body or b"", hashlib.sha256).hexdigest()
		if hmac.compare_digest(signature[7:].strip().lower().encode(), digest.encode()):
			return
	raise WebhookRejected(_("Uptime-Kuma webhook authentication failed"))


def _json(value, what: str):
	if value is None or isinstance(value, dict):
		return value
	try:
		return json.loads(value)
	except (TypeError, ValueError):
		raise WebhookRejected(_("The Uptime-Kuma webhook's {part} is not valid JSON"), part=what)


def _time(text, fallback: float) -> float:
	if not text:
		return fallback
	try:
		moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
	except ValueError:
		raise WebhookRejected(_("Unreadable heartbeat time {time}"), time=text)
	if moment.tzinfo is None:
		moment = moment.replace(tzinfo=timezone.utc)  # Kuma stores heartbeat times in UTC
	return moment.timestamp()


def parse_kuma_webhook(
	body: bytes | None = None,
	content_type: str | None = "application/json",
	form: Mapping[str, str] | None = None,
	query: Mapping[str, str] | None = None,
	idempotency_key: str | None = None,
	received_at: float | None = None,
) -> KumaEvent:
	"""Read one delivery, whichever of Kuma's three shapes it came in.

	`form` is the already-parsed multipart form (the web framework parses it), `query` the GET
	parameters. The idempotency key is the `Idempotency-Key` header when the sender gives one,
	else a hash of monitor, status and heartbeat time: a retried delivery gets the same key.
	"""
	if form and "data" in form:
		payload = _json(form["data"], "data")
	elif query and ("heartbeat" in query or "msg" in query):
		payload = {
			"msg": query.get("msg", ""),
			"heartbeat": _json(query.get("heartbeat"), "heartbeat"),
			"monitor": _json(query.get("monitor"), "monitor"),
		}
	else:
		if content_type and "json" not in content_type.lower():
			raise WebhookRejected(_("Unsupported Uptime-Kuma webhook content type {type}"), type=content_type)
		try:
			payload = json.loads(body or b"")
		except ValueError:
			raise WebhookRejected(_("The Uptime-Kuma webhook's {part} is not valid JSON"), part="body")
	if not isinstance(payload, dict):
		raise WebhookRejected(_("The Uptime-Kuma webhook's {part} is not valid JSON"), part="body")
	heartbeat = payload.get("heartbeat") or None
	monitor = payload.get("monitor") or {}
	msg = str(payload.get("msg") or "")
	now = received_at if received_at is not None else datetime.now(timezone.utc).timestamp()
	if heartbeat is None:
		status, at, monitor_id = "test", now, None
	else:
		if not isinstance(heartbeat, dict) or "status" not in heartbeat:
			raise WebhookRejected(_("The Uptime-Kuma heartbeat has no status"))
		status = STATUS.get(heartbeat.get("status"), "unknown")
		at = _time(heartbeat.get("time"), now)
		monitor_id = heartbeat.get("monitorID", monitor.get("id"))
		msg = str(heartbeat.get("msg") or msg)
	name = str(monitor.get("name") or (f"monitor {monitor_id}" if monitor_id is not None else ""))
	key = (
		idempotency_key
		or hashlib.sha256(
			f"{monitor_id}|{status}|{heartbeat.get('time') if heartbeat else msg}".encode()
		).hexdigest()
	)
	return KumaEvent(
		monitor_id=int(monitor_id) if isinstance(monitor_id, int) else None,
		monitor_name=name,
		status=status,
		at=at,
		msg=msg,
		key=key,
		hostname=monitor.get("hostname"),
		url=monitor.get("url"),
	)
