"""The customer portal's shell (pages under /me): who the signed-in customer is, the home
page's summary, their services and equipment with a health light, and the catalog's options
they may ask for.

Every function takes the customers already checked by the caller (`session_customers()` for a
page, `permissions/services/guards` for a whitelisted method) and reads only their records.
"""

import frappe
from frappe import _
from frappe.utils import flt, get_datetime, getdate, now_datetime, nowdate

from gigafibre_fsm.customer_portal.portal import health
from gigafibre_fsm.network.services.settings import network_settings, online_minutes, optical_thresholds
from gigafibre_fsm.permissions.services import scopes
from gigafibre_fsm.permissions.services.guards import deny

# the statuses of an appointment still to come (as /appointments lists them)
COMING_JOB_STATUSES = ("Open", "Assigned", "En Route", "In Progress")
PAGES = (
	("/me/invoices", "Invoices and payments"),
	("/me/services", "Services and equipment"),
	("/appointments", "Appointments"),
	("/me/tickets", "Support"),
	("/me/account", "My account"),
)
LIGHT_LABELS = {
	health.GREEN: "Working",
	health.ORANGE: "To check",
	health.RED: "Problem",
	health.GREY: "No reading",
}


def session_customers(page: str) -> list[str]:
	"""The signed-in user's Customers: a visitor is sent to sign in (and back to `page`),
	anyone who is not a customer (staff included) is refused."""
	if frappe.session.user == "Guest":
		frappe.local.flags.redirect_location = f"/portal-sign-in?redirect-to={page}"
		raise frappe.Redirect(302)  # not 301: a browser may keep a permanent one after sign-in
	customers = scopes.customers_of(frappe.session.user)
	if not customers:
		deny(_("This page is for customers"))
	return customers


def page_context(context, title: str) -> None:
	"""What every /me page sets: no sidebar or breadcrumbs, phone-first, the title."""
	context.no_cache = 1
	context.no_breadcrumbs = True
	context.show_sidebar = False
	context.title = title
	context.lang = frappe.local.lang


# --- home ----------------------------------------------------------------------------------------


def home(customers: list[str]) -> dict:
	"""The customer's name, what they owe, their next appointment, their services' status."""
	names = frappe.get_all(
		"Customer", filters={"name": ("in", customers)}, pluck="customer_name", order_by="name asc"
	)
	invoices = frappe.get_all(
		"Sales Invoice",
		filters={"customer": ("in", customers), "docstatus": 1, "outstanding_amount": (">", 0)},
		fields=["outstanding_amount", "currency", "due_date"],
	)
	currency = invoices[0].currency if invoices else default_currency()
	due = sum(flt(i.outstanding_amount) for i in invoices)
	return {
		"customer_name": ", ".join(names),
		"balance_due": due,
		"currency": currency,
		"overdue": any(i.due_date and getdate(i.due_date) < getdate(nowdate()) for i in invoices),
		"next_appointment": next_appointment(customers),
		"services": subscriptions(customers),
		"connection": _connection(customers),
		"pages": [{"route": route, "label": _(label)} for route, label in PAGES],
	}


def _connection(customers: list[str]) -> dict | None:
	"""The worst light of the customer's places (None without equipment)."""
	places = [p for p in locations(customers) if p.equipment]
	if not places:
		return None
	return light_dict(health.worst(health.Light(p.light["colour"], p.light["reason_key"]) for p in places))


def default_currency() -> str:
	from gigafibre_fsm.sales.services import orders

	return orders.company_and_currency()[1]


def next_appointment(customers: list[str]) -> dict | None:
	jobs = frappe.get_all(
		"Dispatch Job",
		filters={
			"customer": ("in", customers),
			"status": ("in", COMING_JOB_STATUSES),
			"scheduled_date": (">=", nowdate()),
		},
		fields=["name", "subject", "scheduled_date", "start_time", "window_start", "window_end"],
		order_by="scheduled_date asc, start_time asc",
		limit=1,
	)
	return jobs[0] if jobs else None


# --- services and equipment -------------------------------------------------------------------------


def subscriptions(customers: list[str]) -> list[dict]:
	rows = frappe.get_all(
		"Service Subscription",
		filters={"customer": ("in", customers), "status": ("!=", "Cancelled")},
		fields=["name", "service_location", "status", "plan_type", "plan", "actual_price", "start_date"],
		order_by="service_location asc, name asc",
	)
	plans = _item_names({r.plan for r in rows if r.plan})
	for row in rows:
		row.plan_name = plans.get(row.plan) or row.plan
		row.status_label = _(row.status)
	return rows


def locations(customers: list[str]) -> list[dict]:
	"""Each Service Location with its subscriptions and its equipment, each piece of equipment
	with its health light (from the NOC's cached device state; the ACS is not asked here)."""
	places = frappe.get_all(
		"Service Location",
		filters={"customer": ("in", customers)},
		fields=["name", "location_name", "address_display", "status"],
		order_by="name asc",
	)
	if not places:
		return []
	by_place = {p.name: p for p in places}
	for p in places:
		p.update(subscriptions=[], equipment=[], status_label=_(p.status) if p.status else "")
	for sub in subscriptions(customers):
		if sub.service_location in by_place:
			by_place[sub.service_location].subscriptions.append(sub)
	settings = network_settings()
	thresholds = optical_thresholds(settings)
	window_s = online_minutes(settings) * 60
	now = now_datetime()
	equipment = frappe.get_all(
		"Service Equipment",
		filters={"service_location": ("in", list(by_place)), "status": ("!=", "Retourné")},
		fields=[
			"name", "equipment_type", "model", "serial_number", "acs_device_id", "service_location",
			"last_inform", "optical_rx_dbm", "online",
		],
		order_by="name asc",
	)  # fmt: skip
	for eq in equipment:
		if not eq.acs_device_id:  # not managed: nothing to tell
			light = health.Light(health.GREY, health.NOT_HEARD)
		else:
			age = (now - get_datetime(eq.last_inform)).total_seconds() if eq.last_inform else None
			light = health.health_light(
				eq.optical_rx_dbm,
				age,
				window_s,
				thresholds.rx_warning,
				thresholds.rx_critical,
				thresholds.rx_max,
			)
		eq.light = light_dict(light)
		eq.pop("acs_device_id")
		by_place[eq.service_location].equipment.append(eq)
	for p in places:
		managed = [health.Light(e.light["colour"], e.light["reason_key"]) for e in p.equipment]
		p.light = light_dict(health.worst(managed))
	return places


def light_dict(light: health.Light) -> dict:
	return {
		"colour": light.colour,
		"label": _(LIGHT_LABELS[light.colour]),
		"reason": _(light.reason),
		"reason_key": light.reason,
		"rx_dbm": light.rx_dbm,
	}


# --- the catalog's options ----------------------------------------------------------------------


def options(customers: list[str]) -> list[dict]:
	"""The options of the catalog (Items of the Internet Options group, with their monthly
	price), which a customer may ask to add to one of their locations."""
	from gigafibre_fsm.sales.orders import catalog as catalog_core
	from gigafibre_fsm.sales.services import catalog, orders

	_company, currency = orders.company_and_currency()
	offers = catalog.load(currency)
	return [
		{"item_code": o.code, "item_name": o.name, "price": o.price_cents / 100, "currency": currency}
		for o in sorted(offers.values(), key=lambda o: (o.price_cents, o.code))
		if o.kind == catalog_core.OPTION
	]


def _item_names(codes) -> dict:
	if not codes:
		return {}
	return dict(
		frappe.get_all(
			"Item", filters={"name": ("in", list(codes))}, fields=["name", "item_name"], as_list=True
		)
	)
