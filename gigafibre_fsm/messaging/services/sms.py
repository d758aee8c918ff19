"""SMS and WhatsApp in Frappe: `send_sms` for every context, `reply` for staff, the
background send, and Twilio's webhooks.

Other contexts call `send_sms(to, body, reference_doctype, reference_name)`: it records the
message (status Queued) in the conversation of `to` and enqueues the Twilio request after the
caller's transaction commits, so a rolled-back caller sends nothing. The job claims the message
(send_started_at, send_attempts) and commits before calling Twilio, and never calls Twilio for a
message carrying a Twilio SID; a claimed message is requested again only by `retry_unsent`, when
Twilio gave no usable answer and no SID has been recorded since (see `deliver_message`).

A conversation is one Twilio address: "+15145551234" (SMS) or "whatsapp:+15145551234"
(WhatsApp). Its messages are sent to that address, so a WhatsApp thread is answered on
WhatsApp, From the WhatsApp sender, and never as an SMS to the bare number.

Webhooks are matched to messages by the message name in the status callback URL and by the
Twilio SID; a status only ever moves forward (`status_advances`), an inbound SID is stored
once (unique index), so repeated or reordered callbacks change nothing twice. Two first
messages from a new sender, at once, both land in the one conversation: see
`get_or_create_conversation`.
"""

import random
import time
from datetime import timedelta

import frappe
from frappe import _
from frappe.query_builder.functions import Coalesce
from frappe.utils import now_datetime

from gigafibre_fsm.errors import InvalidInput
from gigafibre_fsm.messaging.sms import (
	MAX_BODY_CHARACTERS,
	WHATSAPP,
	InboundSms,
	StatusCallback,
	TwilioAcceptedUnreadable,
	TwilioOutcomeUnknown,
	TwilioRejected,
	TwilioSms,
	TwilioUnreachable,
	check_body,
	check_whatsapp_window,
	inbound_address,
	last_digits,
	parse_address,
	status_advances,
	status_label,
	try_normalise_phone,
)
from gigafibre_fsm.services.core_errors import translate, translated_errors
from gigafibre_fsm.services.frappe_versions import commit_job, in_test

SETTINGS = "Messaging Settings"
CONVERSATION = "SMS Conversation"
MESSAGE = "SMS Message"
SEND_JOB = "gigafibre_fsm.messaging.services.sms.deliver_message"
WEBHOOK_METHOD = "/api/method/gigafibre_fsm.api.messaging."
EVENT_CHANGED = "sms_message_changed"
EVENT_INCOMING = "sms_incoming"
DEADLOCK_ATTEMPTS = 5  # a webhook whose transaction the database gave up starts again, up to this many times
MAX_SEND_ATTEMPTS = 3  # requests to Twilio for one message, at most
# How long a request without an answer waits before it may be made again: long enough for the
# status callback ("sent", within seconds when Twilio has the message) to name the message.
RETRY_AFTER = timedelta(minutes=10)
LOST_AFTER = timedelta(minutes=15)  # a Queued message no job ever picked up (Redis lost it)


def send_sms(
	to: str,
	body: str,
	reference_doctype: str | None = None,
	reference_name: str | None = None,
	channel: str | None = None,
) -> str:
	"""Queue one message to `to` and return the SMS Message's name. `to` is any spelling of a
	phone number (Canada by default), sent as an SMS, or a Twilio address with its channel
	("whatsapp:+15145551234"), sent on that channel; `channel` ("SMS", "WhatsApp") puts a bare
	number on a channel. The Twilio request runs in a background job after the current
	transaction commits; its outcome lands on the SMS Message (status, twilio_sid, error) and is
	announced with the realtime event `sms_message_changed`.

	Throws (translated) when the number or body is invalid, sending is not enabled, or a
	WhatsApp message would fall outside WhatsApp's 24-hour window (the customer has not written
	on WhatsApp in the last 24 hours: only approved templates may go then, which this does not
	send)."""
	settings = frappe.get_cached_doc(SETTINGS)
	if not settings.enabled:
		frappe.throw(_("SMS sending is not enabled in Messaging Settings"), title=_("SMS Disabled"))
	with translated_errors():
		address = parse_address(to, channel=channel)
		check_body(body)
		if address.channel == WHATSAPP:
			check_whatsapp_window(address, last_inbound_at(address.twilio), now_datetime())
	customer = _customer_of_reference(reference_doctype, reference_name)
	conversation = get_or_create_conversation(address.twilio, customer)
	message = frappe.get_doc(
		{
			"doctype": MESSAGE,
			"conversation": conversation,
			"direction": "Outbound",
			"status": "Queued",
			"channel": address.channel,
			"to_number": address.twilio,
			"from_number": _sender_address(settings, address.channel),
			"body": body,
			"reference_doctype": reference_doctype if reference_name else None,
			"reference_name": reference_name if reference_doctype else None,
		}
	)
	# get_or_create_conversation guarantees the conversation, even one created a moment ago by
	# another transaction that this one's snapshot cannot see yet (see there).
	message.flags.ignore_links = True
	message.insert(ignore_permissions=True)
	_touch_conversation(conversation, message.creation)
	frappe.enqueue(
		SEND_JOB,
		queue="short",
		timeout=120,
		job_id=f"sms_send::{message.name}",
		enqueue_after_commit=True,
		now=bool(in_test()),  # tests run the job inline, in their transaction
		message=message.name,
	)
	_publish_changed(message.name)
	return message.name


def reply(conversation: str, body: str) -> str:
	"""Queue a message in `conversation`, on its channel: a WhatsApp thread is answered on
	WhatsApp. Returns the SMS Message's name; throws like `send_sms`."""
	address = frappe.db.get_value(CONVERSATION, conversation, "phone")
	if not address:
		frappe.throw(_("Conversation {0} not found").format(conversation), frappe.DoesNotExistError)
	return send_sms(address, body)


def last_inbound_at(conversation: str):
	"""When the customer last wrote in `conversation` (None: never)."""
	last = frappe.get_all(
		MESSAGE,
		filters={"conversation": conversation, "direction": "Inbound"},
		fields=["creation"],
		order_by="creation desc",
		limit=1,
	)
	return last[0].creation if last else None


def _sender_address(settings, channel: str) -> str | None:
	"""What an outbound message's From will be on `channel`, for the record."""
	sender = settings.sender or ""
	if channel == WHATSAPP:
		number = settings.whatsapp_sender or ("" if sender.startswith("MG") else sender)
		return f"whatsapp:{number}" if number else sender or None
	return sender or None


def deliver_message(message: str, retry: bool = False) -> None:
	"""Background job: hand one queued SMS Message to Twilio, never twice.

	The first run claims the message (send_started_at, send_attempts) and commits before
	calling Twilio. A message with a Twilio SID is never sent again (Twilio answered 2xx, or a
	status callback named it). Only `retry` (the `retry_unsent` sweep) sends a claimed message
	again, and only when Twilio gave no usable answer (5xx, timeout, unreachable), no SID has
	been recorded since, RETRY_AFTER has passed and attempts remain (see the README's residual
	risk: Twilio has no idempotency key for Messages)."""
	row = frappe.db.get_value(
		MESSAGE,
		message,
		[
			"name",
			"direction",
			"status",
			"twilio_sid",
			"send_started_at",
			"send_attempts",
			"to_number",
			"body",
		],
		as_dict=True,
		for_update=True,
	)
	if not row or row.direction != "Outbound" or row.twilio_sid:
		return  # gone, or Twilio has it
	if row.send_started_at and not (retry and may_send_again(row, now_datetime())):
		return  # maybe sent: a second request could send it twice
	attempts = int(row.send_attempts or 0) + 1
	frappe.db.set_value(
		MESSAGE,
		message,
		{"send_started_at": now_datetime(), "send_attempts": attempts},
		update_modified=False,
	)
	commit_job()  # the claim must outlive a crash during the Twilio call

	try:
		# to_number is the conversation's address: its channel decides both To and From
		sent = twilio_client().send(row.to_number, row.body, status_callback=status_callback_url(message))
	except TwilioRejected as e:
		_record_failure(message, "Failed", str(e.code or ""), e.detail or translate(e))
	except TwilioAcceptedUnreadable as e:  # a 2xx: Twilio has it, never again
		_record_failure(message, "Unconfirmed", "", translate(e))
		frappe.db.set_value(MESSAGE, message, "send_attempts", MAX_SEND_ATTEMPTS, update_modified=False)
	except TwilioOutcomeUnknown as e:  # 5xx or no answer: `retry_unsent` may try again
		_record_failure(message, "Unconfirmed", "", translate(e))
	except TwilioUnreachable as e:  # certainly not sent: tried again while attempts remain
		last = attempts >= MAX_SEND_ATTEMPTS
		_record_failure(message, "Failed" if last else "Queued", "", translate(e))
	except InvalidInput as e:
		_record_failure(message, "Failed", "", translate(e))
	else:
		current = frappe.db.get_value(
			MESSAGE, message, ["twilio_sid", "status"], as_dict=True, for_update=True
		)
		changes = {"sent_at": now_datetime()} if sent.status == "sent" else {}
		if not current.twilio_sid:  # a status callback may have recorded it already
			changes["twilio_sid"] = sent.sid
		if status_advances(current.status, sent.status):
			changes["status"] = status_label(sent.status)
		if changes:
			frappe.db.set_value(MESSAGE, message, changes)
	_publish_changed(message)
	commit_job()


def may_send_again(row, now) -> bool:
	"""Whether a claimed message with no SID may be requested again: Twilio's answer was a 5xx,
	a timeout or no connection (status Unconfirmed, or Queued after an unreachable Twilio),
	RETRY_AFTER has passed without a status callback naming it, and attempts remain."""
	return (
		not row.twilio_sid
		and row.status in ("Queued", "Unconfirmed")
		and int(row.send_attempts or 0) < MAX_SEND_ATTEMPTS
		and bool(row.send_started_at)
		and row.send_started_at <= now - RETRY_AFTER
	)


def retry_unsent() -> None:
	"""Scheduler (every 5 minutes): enqueue again the messages Twilio never confirmed
	(`may_send_again`) and the Queued messages no job ever picked up. Only enqueues; the job
	locks each message and checks again."""
	now = now_datetime()
	rows = frappe.get_all(
		MESSAGE,
		filters={
			"direction": "Outbound",
			"status": ["in", ["Queued", "Unconfirmed"]],
			"twilio_sid": ["is", "not set"],
			"send_attempts": ["<", MAX_SEND_ATTEMPTS],
			"creation": [">", now - timedelta(days=1)],  # a day late is no longer worth sending
		},
		fields=["name", "status", "twilio_sid", "send_started_at", "send_attempts", "creation"],
		limit=500,
	)
	for row in rows:
		if row.send_started_at:
			if not may_send_again(row, now):
				continue
			retry = True
		elif row.creation <= now - LOST_AFTER:
			retry = False
		else:
			continue
		frappe.enqueue(
			SEND_JOB,
			queue="short",
			timeout=120,
			job_id=f"sms_send::{row.name}::{int(row.send_attempts or 0) + 1}",
			now=bool(in_test()),  # tests run the job inline
			message=row.name,
			retry=retry,
		)


def twilio_client() -> TwilioSms:
	"""The Twilio adapter configured from Messaging Settings; InvalidInput if not configured."""
	settings = frappe.get_cached_doc(SETTINGS)
	return TwilioSms(
		settings.account_sid,
		settings.get_password("auth_token", raise_exception=False),
		settings.sender,
		base_url=settings.api_base_url or None,
		timeout=float(settings.timeout_seconds or 15),
		whatsapp_sender=settings.whatsapp_sender or None,
	)


def webhook_url(public_base_url: str | None, endpoint: str) -> str:
	"""The public URL of one of our Twilio webhooks ("" when no public base URL is set)."""
	base = (public_base_url or "").strip().rstrip("/")
	return f"{base}{WEBHOOK_METHOD}{endpoint}" if base else ""


def status_callback_url(message: str) -> str | None:
	"""Where Twilio posts this message's statuses. The message name rides along so that a
	callback that overtakes the job (before the SID is saved) still finds its message."""
	url = webhook_url(frappe.get_cached_doc(SETTINGS).public_base_url, "twilio_status")
	return f"{url}?message={message}" if url else None


def apply_status_callback(callback: StatusCallback, message: str | None = None) -> str | None:
	"""Record a delivery status if it moves the message forward; returns the message's name, or
	None when no message matches (a message sent from outside this site)."""
	name = None
	if message:  # from our own signed callback URL; the SID, once known, must agree with it
		row = frappe.db.get_value(MESSAGE, message, ["name", "twilio_sid"], as_dict=True)
		if row and row.twilio_sid in (None, "", callback.sid):
			name = row.name
	name = name or frappe.db.get_value(MESSAGE, {"twilio_sid": callback.sid})
	if not name:
		frappe.logger("gigafibre_fsm").info(f"SMS status {callback.status} for unknown SID {callback.sid}")
		return None
	row = frappe.db.get_value(
		MESSAGE, name, ["twilio_sid", "status", "sent_at", "delivered_at"], as_dict=True, for_update=True
	)
	changes = {}
	if not row.twilio_sid:
		changes["twilio_sid"] = callback.sid
	if status_advances(row.status, callback.status):
		changes["status"] = status_label(callback.status)
		if callback.status in ("sent", "delivered", "read") and not row.sent_at:
			changes["sent_at"] = now_datetime()
		if callback.status == "delivered" and not row.delivered_at:
			changes["delivered_at"] = now_datetime()
		if callback.error_code:
			changes["error_code"] = str(callback.error_code)
			changes["error_message"] = callback.error_message or ""
	if changes:
		frappe.db.set_value(MESSAGE, name, changes)
		_publish_changed(name)
	return name


def store_inbound(inbound: InboundSms) -> str:
	"""`receive_inbound` for a webhook, which owns its transaction: when the database picks
	this transaction as a deadlock's victim (it rolled all of it back), start again, a few
	times, so that the message is stored rather than answered with an error."""
	for attempt in range(1, DEADLOCK_ATTEMPTS + 1):
		try:
			return receive_inbound(inbound)
		except Exception as e:
			if not _must_start_again(e) or attempt == DEADLOCK_ATTEMPTS or in_test():
				raise
			frappe.logger("gigafibre_fsm").info(f"inbound {inbound.sid}: {e!r}, attempt {attempt + 1}")
			frappe.db.rollback()
			time.sleep(random.uniform(0.01, 0.05) * attempt)


def _must_start_again(e: Exception) -> bool:
	"""The database gave up this transaction, not the message: a deadlock's victim (MariaDB and
	PostgreSQL), or, on PostgreSQL, whose REPEATABLE READ transactions Frappe uses, a row another
	request changed meanwhile (SQLSTATE 40001, serialization_failure)."""
	return (
		isinstance(e, frappe.QueryDeadlockError | ConversationCreatedMeanwhile)
		or getattr(e, "pgcode", None) == "40001"
	)


class ConversationCreatedMeanwhile(Exception):
	"""Another request created the conversation after this transaction's snapshot was taken."""


def receive_inbound(inbound: InboundSms) -> str:
	"""Store an incoming message (SMS or WhatsApp) once, by its Twilio SID, in its sender's
	conversation (one per address: a WhatsApp sender's thread is "whatsapp:+1…"); returns the
	SMS Message's name. The conversation gains an unread message and is linked to the customer
	whose phone number matches, when there is exactly one."""
	existing = frappe.db.get_value(MESSAGE, {"twilio_sid": inbound.sid})
	if existing:
		return existing
	conversation = get_or_create_conversation(inbound.from_number, restart_on_race=True)
	body = "\n".join([inbound.body, *inbound.media_urls]) if inbound.media_urls else inbound.body
	savepoint = "sms_inbound"
	frappe.db.savepoint(savepoint)
	try:
		message = frappe.get_doc(
			{
				"doctype": MESSAGE,
				"conversation": conversation,
				"direction": "Inbound",
				"status": "Received",
				"channel": inbound.channel,
				"from_number": inbound.from_number,
				"to_number": inbound.to_number,
				"body": body or "",
				"twilio_sid": inbound.sid,
				"sent_at": now_datetime(),
			}
		)
		message.flags.ignore_links = True  # the conversation is guaranteed, see there
		message.insert(ignore_permissions=True, ignore_mandatory=not body)
	except (frappe.UniqueValidationError, frappe.DuplicateEntryError):
		# The same webhook, delivered twice at once: the other request stored it.
		frappe.db.rollback(save_point=savepoint)
		frappe.clear_messages()
		return frappe.db.get_value(MESSAGE, {"twilio_sid": inbound.sid}) or ""
	_touch_conversation(conversation, message.creation, unread=1)
	customer = frappe.db.get_value(CONVERSATION, conversation, "customer")
	# STOP / ARRET / START / AIDE: recorded on the Contact, ARRET and AIDE answered
	from gigafibre_fsm.messaging.services.notifications import on_inbound

	on_inbound(inbound, conversation, customer)
	frappe.publish_realtime(
		EVENT_INCOMING,
		{
			"message": message.name,
			"conversation": conversation,
			"phone": inbound_address(inbound.from_number).number,
			"channel": inbound.channel,
			"customer": customer,
			"body": message.body,
		},
		after_commit=True,
	)
	return message.name


def mark_read(conversation: str) -> None:
	frappe.db.set_value(CONVERSATION, conversation, "unread_count", 0, update_modified=False)


def get_or_create_conversation(
	address: str, customer: str | None = None, restart_on_race: bool = False
) -> str:
	"""The name of the conversation with `address` (a Twilio address, which is also its name:
	"+15145551234", "whatsapp:+15145551234"), created when missing and linked to `customer`, or
	else to the customer whose phone matches.

	Race-free: when two transactions create the same conversation at once, the database's
	unique key lets one insert and makes the other wait for it to commit, then fail on the
	duplicate; that one rolls back to its savepoint and uses the committed row. On MariaDB its
	snapshot (REPEATABLE READ) still cannot see that row, so a message inserted into it must
	skip Frappe's link check (`flags.ignore_links`); the row exists, committed, and the failed
	insert left this transaction a lock on it until commit. On PostgreSQL, where Frappe's
	transactions are REPEATABLE READ too, an UPDATE does not even find that row (MariaDB's does):
	with `restart_on_race` the race raises ConversationCreatedMeanwhile instead, and the caller
	starts its transaction again, whose new snapshot sees the conversation (`store_inbound`)."""
	address = inbound_address(address).twilio
	if frappe.db.exists(CONVERSATION, address):
		if not frappe.db.get_value(CONVERSATION, address, "customer"):
			# the number may have been added to a customer since the thread started
			customer = customer or find_customer_by_phone(inbound_address(address).number)
			if customer:
				frappe.db.set_value(CONVERSATION, address, "customer", customer)
		return address
	customer = customer or find_customer_by_phone(inbound_address(address).number)
	savepoint = "sms_conversation"
	frappe.db.savepoint(savepoint)
	try:
		frappe.get_doc(
			{"doctype": CONVERSATION, "phone": address, "customer": customer, "unread_count": 0}
		).insert(ignore_permissions=True)
	except (frappe.DuplicateEntryError, frappe.UniqueValidationError):
		frappe.db.rollback(save_point=savepoint)  # created meanwhile by a concurrent request
		frappe.clear_messages()
		if restart_on_race:
			raise ConversationCreatedMeanwhile(address) from None
	return address


def find_customer_by_phone(phone: str) -> str | None:
	"""The one Customer whose Contact phones or mobile number is `phone` once normalised; None
	when there is none or more than one (a shared line is not guessed).

	Stored numbers carry spaces and dashes, so the database narrows by the last four digits
	and Python compares normalised numbers."""
	tail = f"%{last_digits(phone)}%"
	contacts = {
		row.parent
		for row in frappe.get_all(
			"Contact Phone",
			filters={"phone": ["like", tail], "parenttype": "Contact"},
			fields=["parent", "phone"],
		)
		if try_normalise_phone(row.phone) == phone
	}
	customers = set()
	if contacts:
		customers.update(
			frappe.get_all(
				"Dynamic Link",
				filters={
					"parenttype": "Contact",
					"parent": ["in", list(contacts)],
					"link_doctype": "Customer",
				},
				pluck="link_name",
			)
		)
	customers.update(
		row.name
		for row in frappe.get_all(
			"Customer", filters={"mobile_no": ["like", tail]}, fields=["name", "mobile_no"]
		)
		if try_normalise_phone(row.mobile_no) == phone
	)
	return customers.pop() if len(customers) == 1 else None


def _customer_of_reference(doctype: str | None, name: str | None) -> str | None:
	if not doctype or not name:
		return None
	if doctype == "Customer":
		return name
	if frappe.get_meta(doctype).has_field("customer"):
		return frappe.db.get_value(doctype, name, "customer")
	return None


def _touch_conversation(conversation: str, at, unread: int = 0) -> None:
	table = frappe.qb.DocType(CONVERSATION)
	query = frappe.qb.update(table).set(table.last_message_at, at).where(table.name == conversation)
	if unread:  # one UPDATE, so two inbound SMS at once both count
		query = query.set(table.unread_count, Coalesce(table.unread_count, 0) + unread)
	query.run()


def _record_failure(message: str, status: str, code: str, text: str) -> None:
	frappe.db.set_value(
		MESSAGE, message, {"status": status, "error_code": code, "error_message": (text or "")[:1000]}
	)


def _publish_changed(message: str) -> None:
	row = frappe.db.get_value(
		MESSAGE,
		message,
		["name", "conversation", "direction", "status", "twilio_sid", "error_code", "error_message"],
		as_dict=True,
	)
	if row:
		frappe.publish_realtime(EVENT_CHANGED, dict(row, message=row.pop("name")), after_commit=True)
