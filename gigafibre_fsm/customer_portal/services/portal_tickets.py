"""The customer's support tickets: open one at one of their locations, follow it, reply.

Tickets are the app's ticket doctype (`services/tickets.py`: ERPNext's Issue today). A reply is
a Communication on the ticket, received from the customer, as an e-mail reply would be; staff
answer from the desk, and their answers (sent Communications) show in the thread.
"""

import re
from html import unescape

import frappe
from frappe import _
from frappe.utils import strip_html_tags

from gigafibre_fsm.customer_portal.services import portal_account
from gigafibre_fsm.permissions.services.guards import deny
from gigafibre_fsm.services import tickets

MAX_SUBJECT = 140
MAX_TEXT = 5000


def tickets_of(customers: list[str], limit: int = 50) -> list[dict]:
	rows = frappe.get_all(
		tickets.TICKET_DOCTYPE,
		filters={"customer": ("in", customers)},
		fields=["name", "subject", "status", "opening_date", "service_location", "modified"],
		order_by="modified desc",
		limit=limit,
	)
	for row in rows:
		row.status_label = _(row.status)
		row.is_open = row.status in tickets.OPEN_TICKET_STATUSES
	return rows


def ticket(customers: list[str], name: str) -> dict:
	"""One of the customer's tickets with its thread (the description, then each message)."""
	row = (
		frappe.db.get_value(
			tickets.TICKET_DOCTYPE,
			name,
			["name", "customer", "subject", "description", "status", "opening_date", "service_location"],
			as_dict=True,
		)
		if name
		else None
	)
	if not row or row.customer not in customers:
		deny(_("This ticket is not yours"))
	row.status_label = _(row.status)
	row.is_open = row.status in tickets.OPEN_TICKET_STATUSES
	row.description = as_text(row.description)
	row.thread = [
		{
			"from_us": c.sent_or_received == "Sent",
			"content": as_text(c.content),
			"when": c.communication_date,
		}
		for c in frappe.get_all(
			"Communication",
			filters={
				"reference_doctype": tickets.TICKET_DOCTYPE,
				"reference_name": name,
				"communication_type": "Communication",
			},
			fields=["sent_or_received", "content", "communication_date"],
			order_by="communication_date asc, creation asc",
		)
	]
	return row


def _text(value, missing: str, limit: int) -> str:
	"""The text typed, as typed (it is stored escaped and shown as text); `missing`
	(translated) when there is none."""
	text = value.strip() if isinstance(value, str) else ""
	if not text:
		frappe.throw(missing)
	if len(text) > limit:
		frappe.throw(_("This text is too long (at most {0} characters)").format(limit))
	return text


def open_ticket(customer: str, service_location: str, subject: str, description: str) -> str:
	"""A new ticket of `customer` at their `service_location` (checked by the caller)."""
	subject = _text(subject, _("Please write a subject"), MAX_SUBJECT)
	description = _text(description, _("Please describe the problem"), MAX_TEXT)
	doc = frappe.get_doc(
		{
			"doctype": tickets.TICKET_DOCTYPE,
			"subject": subject,
			"description": frappe.utils.escape_html(description).replace("\n", "<br>"),
			"customer": customer,
			"service_location": service_location,
			"raised_by": _raised_by(),
			"contact": portal_account.contact_of([customer]),  # who to answer, for staff
		}
	)
	doc.insert(ignore_permissions=True)  # the caller checked the customer and the location
	return doc.name


def reply(name: str, message: str) -> None:
	"""The customer's message on their ticket (checked by the caller); a closed ticket opens again."""
	message = _text(message, _("Please write a message"), MAX_TEXT)
	status = frappe.db.get_value(tickets.TICKET_DOCTYPE, name, "status")
	frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_type": "Communication",
			"communication_medium": "Other",
			"sent_or_received": "Received",
			"subject": _("Re: {0}").format(frappe.db.get_value(tickets.TICKET_DOCTYPE, name, "subject")),
			"content": frappe.utils.escape_html(message).replace("\n", "<br>"),
			"sender": _raised_by(),
			"reference_doctype": tickets.TICKET_DOCTYPE,
			"reference_name": name,
		}
	).insert(ignore_permissions=True)
	if status not in tickets.OPEN_TICKET_STATUSES:
		frappe.db.set_value(tickets.TICKET_DOCTYPE, name, "status", "Open")


def request_option(customer: str, service_location: str, item_code: str, offered: list[dict]) -> str:
	"""Ask for a catalog option at a location: a ticket staff complete (they add it to the
	subscription and its billing), not a change made here."""
	option = next((o for o in offered if o["item_code"] == item_code), None)
	if option is None:
		frappe.throw(_("{0} is not an option you can add").format(item_code or "?"))
	already = frappe.get_all(
		tickets.TICKET_DOCTYPE,
		filters={
			"customer": customer,
			"service_location": service_location,
			"status": ("in", list(tickets.OPEN_TICKET_STATUSES)),
			"subject": _option_subject(option),
		},
		pluck="name",
		limit=1,
	)
	if already:
		return already[0]  # asked twice: the same request
	location = frappe.db.get_value("Service Location", service_location, "location_name") or service_location
	return open_ticket(
		customer,
		service_location,
		_option_subject(option),
		_("Please add the option {0} ({1}, {2} {3} a month) at {4}.").format(
			option["item_name"], item_code, option["price"], option["currency"], location
		),
	)


def _option_subject(option: dict) -> str:
	return _("Add an option: {0}").format(option["item_name"])[:MAX_SUBJECT]


def as_text(html: str | None) -> str:
	"""A ticket's HTML (the customer's escaped text, or staff's e-mail) as the plain text it
	says: line breaks kept, tags dropped, entities decoded (the page escapes it again)."""
	text = re.sub(r"<br\s*/?>|</p>|</div>", "\n", html or "", flags=re.IGNORECASE)
	return unescape(strip_html_tags(text)).strip()


def _raised_by() -> str:
	user = frappe.session.user
	return user if "@" in user and not user.endswith(".invalid") else ""


def ensure_mine(customers: list[str], name: str) -> None:
	customer = frappe.db.get_value(tickets.TICKET_DOCTYPE, name, "customer") if name else None
	if not customer or customer not in customers:
		deny(_("This ticket is not yours"))
