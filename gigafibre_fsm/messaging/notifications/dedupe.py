"""One text per moment: the de-duplication key of a notification."""

import hashlib

from gigafibre_fsm.errors import InvalidInput, _
from gigafibre_fsm.messaging.notifications.events import APPOINTMENT_MOVED, EVENTS, NOT_DEDUPLICATED


def dedupe_key(
	event: str,
	reference_doctype: str | None,
	reference_name: str | None,
	customer: str | None,
	discriminator: str = "",
) -> str:
	"""The key two notifications share exactly when they would tell the customer the same thing.

	(event, document, customer): one "on the way" per job, one "job done" per job, one outage
	notice per customer and incident, one "paid" per payment. `discriminator` adds what makes
	a later one news: for a move, the new slot (`move_discriminator`); for a failed payment,
	the try; for an invoice due, the due date. A sign-in code is never de-duplicated: pass the
	code and its moment. A SHA-256 hex digest (64 characters), stored under a unique index."""
	if event not in EVENTS:
		raise InvalidInput(_("Unknown notification event {event}"), event=event)
	if event == APPOINTMENT_MOVED and not discriminator:
		raise InvalidInput(_("A moved appointment's notification needs its new time"))
	if event in NOT_DEDUPLICATED and not discriminator:
		raise InvalidInput(_("A sign-in code's notification needs the code and its moment"))
	parts = [event, reference_doctype or "", reference_name or "", customer or "", discriminator or ""]
	return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def move_discriminator(new_slot: str, replaced_version: str) -> str:
	"""What makes one move news: the new slot, and which version of the appointment it replaced
	(its `modified` before the save). The same save seen twice (a retried job, a hook run again)
	is one text; a job moved to 14:00, back to 9:00, then to 14:00 again is three saves of three
	versions, and the customer hears each one (a key of the slot alone would swallow the third)."""
	if not new_slot:
		raise InvalidInput(_("A moved appointment's notification needs its new time"))
	return f"{new_slot}@{replaced_version or ''}"
