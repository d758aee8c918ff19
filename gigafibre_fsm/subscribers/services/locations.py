"""What other records ask of a Service Location."""

import frappe
from frappe import _


def customer_of_location(service_location: str, customer: str | None) -> str | None:
	"""The customer a record at `service_location` belongs to: the location's own customer.

	`customer`, when given, must be that customer; a record cannot sit at another's location."""
	owner = frappe.db.get_value("Service Location", service_location, "customer")
	if customer and owner and owner != customer:
		frappe.throw(
			_("Service Location {0} belongs to {1}, not to {2}").format(service_location, owner, customer)
		)
	return customer or owner
