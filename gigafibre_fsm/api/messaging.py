"""REST surface of messaging: /api/method/gigafibre_fsm.api.messaging.<name>.

`send`, `reply` and `mark_read` are for staff. `twilio_status` and `twilio_inbound` are
Twilio's webhooks: open to Guest, so every request must carry a valid X-Twilio-Signature for
the public URL it was sent to; anything else gets 403 and changes nothing. A signed webhook
that fails for any other reason answers 500 and changes nothing: Twilio does not retry a 4xx,
so a 4xx would lose the message.
"""

from contextlib import contextmanager

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit
from werkzeug.wrappers import Response

from gigafibre_fsm.errors import InvalidInput
from gigafibre_fsm.messaging.services import sms
from gigafibre_fsm.messaging.sms import parse_inbound, parse_status_callback, verify_webhook
from gigafibre_fsm.permissions import roles
from gigafibre_fsm.permissions.services.guards import require_role
from gigafibre_fsm.services.core_errors import translated_errors

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


class TwilioWebhookFailed(Exception):
	"""A signed Twilio webhook that could not be processed: 500, so that Twilio may retry it
	(a 4xx it never retries)."""

	http_status_code = 500


@frappe.whitelist(methods=["POST"])
def send(
	to: str,
	body: str,
	reference_doctype: str | None = None,
	reference_name: str | None = None,
	channel: str | None = None,
) -> dict:
	"""Queue a message to `to` (a number, or "whatsapp:+1…"; `channel` "SMS" or "WhatsApp"
	puts a bare number on a channel); returns the SMS Message's name and its conversation."""
	require_role(roles.MESSAGING)
	if reference_doctype and reference_name:
		frappe.has_permission(reference_doctype, "read", reference_name, throw=True)
	return _queued(sms.send_sms(to, body, reference_doctype, reference_name, channel=channel))


@frappe.whitelist(methods=["POST"])
def reply(conversation: str, body: str) -> dict:
	"""Answer a conversation on its own channel (a WhatsApp thread on WhatsApp)."""
	require_role(roles.MESSAGING)
	frappe.has_permission("SMS Conversation", "read", conversation, throw=True)
	return _queued(sms.reply(conversation, body))


def _queued(name: str) -> dict:
	message = frappe.db.get_value("SMS Message", name, ["conversation", "status", "channel"], as_dict=True)
	return {
		"message": name,
		"conversation": message.conversation,
		"status": message.status,
		"channel": message.channel,
	}


@frappe.whitelist(methods=["POST"])
def mark_read(conversation: str) -> None:
	"""Reset a conversation's unread count (staff opened the thread)."""
	require_role(roles.MESSAGING)
	frappe.has_permission("SMS Conversation", "read", conversation, throw=True)
	sms.mark_read(conversation)


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=12000, seconds=60)  # per IP: Twilio sends bursts of status callbacks
def twilio_status() -> None:
	"""Twilio's message status callback: moves an SMS Message's status forward, never back."""
	_verify_twilio_signature()
	with _retry_on_failure("twilio_status"):
		try:
			callback = parse_status_callback(frappe.request.form)
		except InvalidInput as e:  # signed by Twilio, so a status this code does not know yet
			frappe.logger("gigafibre_fsm").warning(f"Twilio status callback ignored: {e}")
			return
		sms.apply_status_callback(callback, frappe.request.args.get("message"))


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=6000, seconds=60)  # per IP: Twilio does not retry a 429, so only floods are cut
def twilio_inbound() -> Response:
	"""Twilio's incoming-message webhook (SMS and WhatsApp): stores the message once; answers
	an empty TwiML."""
	_verify_twilio_signature()
	with _retry_on_failure("twilio_inbound"):
		with translated_errors():
			inbound = parse_inbound(frappe.request.form)
		sms.store_inbound(inbound)
	return Response(EMPTY_TWIML, status=200, content_type="text/xml; charset=utf-8")


@contextmanager
def _retry_on_failure(endpoint: str):
	"""Past the signature check, any failure is ours, not the sender's: answer 5xx (Frappe
	rolls the request's transaction back) so that Twilio can deliver it again; the stored
	message is idempotent on its MessageSid, so a retry never stores it twice."""
	try:
		yield
	except Exception as e:
		sid = frappe.request.form.get("MessageSid") or frappe.request.form.get("SmsSid")
		frappe.logger("gigafibre_fsm").exception(f"Twilio {endpoint} webhook failed for {sid}")
		raise TwilioWebhookFailed(f"{endpoint} failed for {sid}: {e.__class__.__name__}") from e


def _verify_twilio_signature() -> None:
	request = frappe.request
	settings = frappe.get_cached_doc("Messaging Settings")
	token = settings.get_password("auth_token", raise_exception=False)
	if not token or not verify_webhook(
		_public_url(request, settings.public_base_url),
		request.form,
		request.headers.get("X-Twilio-Signature"),
		token,
	):
		frappe.throw(_("Invalid Twilio signature"), frappe.PermissionError)


def _public_url(request, public_base_url: str | None) -> str:
	"""The URL Twilio called, as Twilio saw it: behind a proxy the site sees another scheme and
	host, so the configured public base URL replaces them; path and query stay as requested."""
	if not public_base_url:
		return request.url
	query = request.query_string.decode("utf-8")
	return public_base_url.rstrip("/") + request.path + (f"?{query}" if query else "")
