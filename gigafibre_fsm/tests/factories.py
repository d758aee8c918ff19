"""Records the tier-2 tests build on: customers, plans, technicians, users with a role."""

import frappe


def make_customer(name: str = "_Test Gigafibre Customer") -> str:
	if not frappe.db.exists("Customer", name):
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": name,
				"customer_type": "Individual",
				"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0})
				or "All Customer Groups",
				"territory": frappe.db.get_value("Territory", {"is_group": 0}) or "All Territories",
			}
		).insert(ignore_permissions=True)
	return name


def make_plan(item_code: str = "_Test Fibre 1 Gbps") -> str:
	if not frappe.db.exists("Item", item_code):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": item_code,
				"item_name": item_code,
				"item_group": frappe.db.get_value("Item Group", {"is_group": 0}) or "All Item Groups",
				"stock_uom": frappe.db.get_value("UOM", "Nos") or frappe.db.get_value("UOM", {}),
				"is_stock_item": 0,
			}
		).insert(ignore_permissions=True)
	return item_code


def make_location(customer: str | None = None, **values) -> "frappe.model.document.Document":
	doc = frappe.get_doc(
		{
			"doctype": "Service Location",
			"customer": customer or make_customer(),
			"location_name": "Home",
			"latitude": 45.5017,
			"longitude": -73.5673,
			**values,
		}
	)
	return doc.insert(ignore_permissions=True)


def make_user(email: str, *roles: str, user_type: str = "System User") -> str:
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": email.split("@")[0], "send_welcome_email": 0}
		)
		user.user_type = user_type
		user.insert(ignore_permissions=True)
	user = frappe.get_doc("User", email)
	user.add_roles(*roles)
	return email


def make_technician(name: str, user: str | None = None, **values) -> str:
	existing = frappe.db.get_value("Dispatch Technician", {"technician_name": name})
	if existing:
		return existing
	doc = frappe.get_doc(
		{
			"doctype": "Dispatch Technician",
			"technician_name": name,
			"user": user,
			"home_latitude": 45.55,
			"home_longitude": -73.6,
			"weekly_schedule": [
				{"weekday": day, "start_time": "08:00:00", "end_time": "16:00:00"}
				for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
			],
			**values,
		}
	)
	return doc.insert(ignore_permissions=True).name


def coming_weekday(weekday: int, weeks_ahead: int = 1) -> str:
	"""The ISO date of a weekday (0 = Monday) at least a week ahead: tests that plan, offer or
	book a day must not pick one that has become the past."""
	from datetime import date, timedelta

	today = date.today()
	return (today + timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)).isoformat()
