"""REST surface of messaging: /api/method/gigafibre_fsm.api.messaging.<name>.

`send` and `mark_read` are for staff. `twilio_status` and `twilio_inbound` are Twilio's
webhooks: open to Guest, so every request must carry a valid X-Twilio-Signature for the public
URL it was sent to; anything else gets 403 and changes nothing.
"""

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


@frappe.whitelist(methods=["POST"])
def send(to: str, body: str, reference_doctype: str | None = None, reference_name: str | None = None) -> dict:
	"""Queue an SMS; returns the SMS Message's name and its conversation."""
	require_role(roles.MESSAGING)
	if reference_doctype and reference_name:
		frappe.has_permission(reference_doctype, "read", reference_name, throw=True)
	name = sms.send_sms(to, body, reference_doctype, reference_name)
	message = frappe.db.get_value("SMS Message", name, ["conversation", "status"], as_dict=True)
	return {"message": name, "conversation": message.conversation, "status": message.status}


@frappe.whitelist(methods=["POST"])
def mark_read(conversation: str) -> None:
	"""Reset a conversation's unread count (staff opened the thread)."""
	require_role(roles.MESSAGING)
	frappe.has_permission("SMS Conversation", "read", conversation, throw=True)
	sms.mark_read(conversation)


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=1200, seconds=60)  # per IP; Twilio sends bursts of status callbacks
def twilio_status() -> None:
	"""Twilio's message status callback: moves an SMS Message's status forward, never back."""
	_verify_twilio_signature()
	try:
		callback = parse_status_callback(frappe.request.form)
	except InvalidInput as e:  # signed by Twilio, so a status this code does not know yet: keep going
		frappe.logger("gigafibre_fsm").warning(f"Twilio status callback ignored: {e}")
		return
	sms.apply_status_callback(callback, frappe.request.args.get("message"))


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=600, seconds=60)  # per IP
def twilio_inbound() -> Response:
	"""Twilio's incoming-message webhook: stores the SMS once; answers an empty TwiML."""
	_verify_twilio_signature()
	with translated_errors():
		inbound = parse_inbound(frappe.request.form)
	sms.receive_inbound(inbound)
	return Response(EMPTY_TWIML, status=200, content_type="text/xml; charset=utf-8")


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
