"""Support tickets, behind one adapter.

Tickets are ERPNext's Issue today. ERPNext v16 deprecates its Support module (to be removed in
v17) in favour of the Helpdesk app's HD Ticket: everything the app does with tickets goes
through here, so that moving to another ticket doctype changes this file, the custom field
fixture and the hooks that name the doctype — nothing else.
"""

import frappe

TICKET_DOCTYPE = "Issue"
# the statuses of a ticket still being worked on (Issue's own status options)
OPEN_TICKET_STATUSES = ("Open", "Replied", "On Hold")


def open_tickets_of_customers(customers: list[str]) -> list[str]:
	"""Tickets of these customers still open and not yet linked to an outage incident."""
	if not customers:
		return []
	return frappe.get_all(
		TICKET_DOCTYPE,
		filters={
			"customer": ["in", customers],
			"status": ["in", list(OPEN_TICKET_STATUSES)],
			"outage_incident": ["is", "not set"],
		},
		pluck="name",
	)


def tickets_of_incident(incident: str) -> list[str]:
	return frappe.get_all(TICKET_DOCTYPE, filters={"outage_incident": incident}, pluck="name")


def link_ticket_to_incident(ticket: str, incident: str) -> None:
	frappe.db.set_value(TICKET_DOCTYPE, ticket, "outage_incident", incident, update_modified=False)
