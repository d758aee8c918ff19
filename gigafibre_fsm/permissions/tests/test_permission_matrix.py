# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""The permission matrix: every role × every doctype × every way Frappe serves records, and
every role × every whitelisted method, against one table of expectations written here.

The table is the specification, written by hand: it does not read the permission layer, so a
rule removed from the layer (or a role permission changed in a doctype JSON) fails here. A
doctype or whitelisted method of the app that is not in the table fails too.

Roles: Guest, two portal customers (A linked by the Customer's Portal Users, B the ERPNext way,
by a Contact with their e-mail), a field technician on A's jobs (lead of one, assistant on the
other) and one on no job, a dispatcher, a NOC operator, a billing agent and a System Manager.
Records are written straight to the database (`db_insert`): this test is about who may see
them, not about their validation, which the doctypes' own tests cover.
"""

import ast
import importlib
import json
import random
import types
from contextlib import contextmanager, nullcontext, suppress
from pathlib import Path
from unittest.mock import MagicMock, patch

import frappe
from frappe.utils import add_days, now_datetime, nowdate
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gigafibre_fsm.permissions.services import doctype_permissions
from gigafibre_fsm.tests import IntegrationTestCase
from gigafibre_fsm.tests.factories import make_customer, make_location, make_technician, make_user

GUEST, CUST_A, CUST_B = "Guest", "Customer A", "Customer B"
TECH_ON, TECH_OFF = "Technician on the job", "Technician on no job"
DISPATCHER, NOC, BILLING, SYSMAN = "Dispatcher", "NOC Operator", "Billing Agent", "System Manager"
ROLES = (GUEST, CUST_A, CUST_B, TECH_ON, TECH_OFF, DISPATCHER, NOC, BILLING, SYSMAN)
USERS = {
	CUST_A: ("perm.customer.a@example.com", ("Customer",), "Website User"),
	CUST_B: ("perm.customer.b@example.com", ("Customer",), "Website User"),
	TECH_ON: ("perm.tech.on@example.com", ("Field Technician",), "System User"),
	TECH_OFF: ("perm.tech.off@example.com", ("Field Technician",), "System User"),
	DISPATCHER: ("perm.dispatcher@example.com", ("Dispatcher",), "System User"),
	NOC: ("perm.noc@example.com", ("NOC Operator",), "System User"),
	# ERPNext's Sales Invoice is readable by its Accounts roles only: a billing agent holds both
	BILLING: ("perm.billing@example.com", ("Billing Agent", "Accounts User"), "System User"),
	SYSMAN: ("perm.sysman@example.com", ("System Manager",), "System User"),
}

# --- the table: doctype -> role -> (records it may read, write, delete) ------------------
# Records are named by label (A: customer A's, B: customer B's, ON/OFF: the technicians'); "*"
# is every record of the doctype; a role not listed may do nothing.
ALL = "*"


def rwd(read: str = "", write: str = "", delete: str = "") -> tuple[str, str, str]:
	return read, write, delete


FULL, RW, READ = rwd(ALL, ALL, ALL), rwd(ALL, ALL), rwd(ALL)

DOCTYPES = {
	"Dispatch Job": {
		SYSMAN: FULL,
		DISPATCHER: FULL,
		NOC: RW,
		CUST_A: rwd("A A2"),
		CUST_B: rwd("B"),
		TECH_ON: rwd("A A2", "A A2"),
	},
	"Service Location": {
		SYSMAN: FULL,
		DISPATCHER: FULL,
		NOC: RW,
		BILLING: READ,
		CUST_A: rwd("A"),
		CUST_B: rwd("B"),
		TECH_ON: rwd("A"),
	},
	"Service Equipment": {
		SYSMAN: FULL,
		DISPATCHER: FULL,
		NOC: RW,
		BILLING: READ,
		CUST_A: rwd("A"),
		CUST_B: rwd("B"),
		TECH_ON: rwd("A", "A"),
	},
	"Service Subscription": {
		SYSMAN: FULL,
		BILLING: FULL,
		DISPATCHER: RW,
		NOC: READ,
		CUST_A: rwd("A"),
		CUST_B: rwd("B"),
	},
	"SMS Conversation": {
		SYSMAN: FULL,
		DISPATCHER: RW,
		NOC: RW,
		BILLING: RW,
		CUST_A: rwd("A"),
		CUST_B: rwd("B"),
	},
	"SMS Message": {
		SYSMAN: FULL,
		DISPATCHER: READ,
		NOC: READ,
		BILLING: READ,
		CUST_A: rwd("A"),
		CUST_B: rwd("B"),
	},
	"Dispatch Technician": {
		SYSMAN: FULL,
		DISPATCHER: FULL,
		NOC: READ,
		TECH_ON: rwd("ON"),
		TECH_OFF: rwd("OFF"),
	},
	"Dispatch Technician Absence": {SYSMAN: FULL, DISPATCHER: FULL, TECH_ON: rwd("ON"), TECH_OFF: rwd("OFF")},
	"Dispatch Job Offer": {SYSMAN: FULL, DISPATCHER: FULL, TECH_ON: rwd("ON"), TECH_OFF: rwd("OFF")},
	"Dispatch Tag": {SYSMAN: FULL, DISPATCHER: FULL, NOC: READ, TECH_ON: READ, TECH_OFF: READ},
	"Outage Incident": {SYSMAN: FULL, NOC: FULL, DISPATCHER: READ, TECH_ON: rwd("A")},
	"OLT": {SYSMAN: FULL, NOC: FULL, DISPATCHER: READ},
	# Sales: the served addresses are staff data (the public gets a status through api.sales)
	"Served Address": {SYSMAN: FULL, NOC: FULL, DISPATCHER: READ, BILLING: READ},
	"ONU State Change": {SYSMAN: READ, NOC: READ, DISPATCHER: READ},
	"Network Webhook Event": {SYSMAN: rwd(ALL, "", ALL), NOC: READ},
	"Dispatch Job Series": {SYSMAN: FULL, DISPATCHER: FULL, NOC: READ},
	"Appointment Hold": {SYSMAN: FULL, DISPATCHER: FULL},
	"PPA Attempt": {SYSMAN: FULL, BILLING: READ},
	# Messaging: staff edit the customer notification templates; the notifications are a log
	"Customer Notification Template": {SYSMAN: FULL, DISPATCHER: RW, BILLING: RW, NOC: READ},
	"Customer Notification": {SYSMAN: rwd(ALL, "", ALL), DISPATCHER: READ, NOC: READ, BILLING: READ},
	"Stripe Event": {SYSMAN: FULL, BILLING: READ},
	"Service Network Change": {SYSMAN: rwd(ALL, "", ALL), NOC: READ, BILLING: READ},
	"Stripe Dispute": {SYSMAN: rwd(ALL, "", ALL), BILLING: READ},
	"Saved Payment Method": {SYSMAN: FULL, BILLING: READ},
	"Sign-in Challenge": {SYSMAN: rwd(ALL, "", ALL)},  # hashes only; written by the sign-in alone
	"Service Contract": {SYSMAN: FULL, BILLING: FULL, CUST_A: rwd("A"), CUST_B: rwd("B")},
	# online orders: staff (dispatchers read them), and a paid order's customer reads theirs
	"Service Order": {SYSMAN: FULL, BILLING: RW, DISPATCHER: READ, CUST_A: rwd("A"), CUST_B: rwd("B")},
	# ERPNext's: over REST, invoices are for its Accounts roles (customers use the /invoices portal)
	"Sales Invoice": {BILLING: RW},
	# single doctypes: read and write only
	"Billing Settings": {SYSMAN: RW, BILLING: READ},
	"Dispatch Settings": {SYSMAN: RW, DISPATCHER: RW},
	"Messaging Settings": {SYSMAN: RW},
	"Network Settings": {SYSMAN: RW, NOC: RW},
}

# Child tables: listed (frappe.client.get_list with `parent`) only for the parents one may read.
CHILD_TABLES = {
	"Dispatch Job Assistant": "Dispatch Job",
	"Dispatch Job Equipment": "Dispatch Job",
	"Dispatch Job Material": "Dispatch Job",
	"Dispatch Job Tag": "Dispatch Job",
	"Dispatch Extra Shift": "Dispatch Technician",
	"Dispatch Technician Skill": "Dispatch Technician",
	"Dispatch Weekly Shift": "Dispatch Technician",
	"Outage Affected Location": "Outage Incident",
	"Service Equipment Move": "Service Equipment",
	"Service Subscription Status Change": "Service Subscription",
	"Service Contract Line": "Service Contract",
	"Service Order Line": "Service Order",
	"Service Order Step": "Service Order",
}

# --- the table: whitelisted method -> cases (arguments, roles allowed) -------------------
# Arguments name fixtures by label ("@job:A"); TOKEN marks a guest endpoint whose authority is
# a token, a signature or a shared secret: called by anyone with a bad one, it must refuse.
TOKEN = "token"
DISPATCH = {DISPATCHER, SYSMAN}
NOC_ONLY = {NOC, SYSMAN}
OFFICE = {NOC, DISPATCHER, SYSMAN}
MESSAGING = {DISPATCHER, NOC, BILLING, SYSMAN}
LOGGED_IN = set(ROLES) - {GUEST}

D, N, M = "gigafibre_fsm.api.dispatch.", "gigafibre_fsm.api.network.", "gigafibre_fsm.api.messaging."
B = "gigafibre_fsm.api.billing."
CP = "gigafibre_fsm.api.customer_portal."
METHODS = {
	D + "preview_day_plan": [({"date": "@today"}, DISPATCH)],
	D + "apply_day_plan": [({"plan_id": "perm-no-such-plan"}, DISPATCH)],
	D + "move_job": [({"job": "@job:A"}, DISPATCH)],
	D + "edit_recurring_job": [({"job": "@job:A", "scope": "this", "changes": "{}"}, DISPATCH)],
	D + "best_technicians": [({"job": "@job:A"}, DISPATCH)],
	D + "offer_job": [({"job": "@job:B", "technicians": '["@tech:OFF"]'}, DISPATCH)],
	D + "accept_offer": [({"token": "not-a-valid-token"}, TOKEN), ({}, TOKEN)],
	D + "decline_offer": [({"token": "not-a-valid-token"}, TOKEN), ({}, TOKEN)],
	D + "new_calendar_feed": [({"technician": "@tech:ON"}, DISPATCH | {TECH_ON})],
	D + "revoke_calendar_feed": [({"technician": "@tech:ON"}, DISPATCH | {TECH_ON})],
	D + "technician_calendar": [({"token": "not-a-valid-token"}, TOKEN), ({}, TOKEN)],
	D + "appointment_calendar": [
		({"job": "@job:A"}, {DISPATCHER, NOC, SYSMAN, CUST_A, TECH_ON}),
		({"job": "@job:B"}, {DISPATCHER, NOC, SYSMAN, CUST_B}),
	],
	D + "set_my_job_status": [({"job": "@job:A", "status": "In Progress"}, {TECH_ON})],
	D + "appointment_slots_for_job": [
		({"job": "@job:A"}, DISPATCH | {CUST_A}),
		({"job": "@job:B"}, DISPATCH | {CUST_B}),
	],
	D + "hold_appointment_slot": [
		({"job": "@job:A", "slot": "2030-01-07T08:00-10:00"}, DISPATCH | {CUST_A}),
		({"job": "@job:B", "slot": "2030-01-07T08:00-10:00"}, DISPATCH | {CUST_B}),
	],
	# the rebooking guard on the job, then the hold's secret token
	D + "reschedule_appointment": [
		({"job": "@job:A", "hold": "perm-no-such-hold", "token": "x"}, DISPATCH | {CUST_A}),
		({"job": "@job:B", "hold": "perm-no-such-hold", "token": "x"}, DISPATCH | {CUST_B}),
	],
	D + "release_appointment_hold": [
		({"hold": "perm-no-such-hold", "token": "x"}, DISPATCH | {CUST_A, CUST_B})
	],
	D + "cancel_appointment": [
		({"job": "@job:A"}, DISPATCH | {CUST_A}),
		({"job": "@job:B"}, DISPATCH | {CUST_B}),
	],
	N + "lookup_device": [
		({"serial": "@serial:A"}, OFFICE | {TECH_ON}),
		({"serial": "@serial:B"}, OFFICE),
		({}, OFFICE),
	],
	N + "device_summary": [
		({"equipment": "@equipment:A"}, OFFICE | {TECH_ON}),
		({"equipment": "@equipment:B"}, OFFICE),
		({"device_id": "@device:B"}, OFFICE),
		({"equipment": "@equipment:A", "device_id": "@device:B"}, OFFICE),
	],
	N + "device_hosts": [
		({"equipment": "@equipment:A", "refresh": 0}, OFFICE | {TECH_ON}),
		({"equipment": "@equipment:A", "refresh": 1}, OFFICE | {TECH_ON}),  # A's job is en route
		({"device_id": "@device:B", "refresh": 0}, OFFICE),
	],
	N + "device_task": [
		({"task": "reboot", "equipment": "@equipment:A"}, OFFICE | {TECH_ON}),
		({"task": "reboot", "equipment": "@equipment:B"}, OFFICE),
		({"task": "reboot", "device_id": "@device:B"}, OFFICE),
		({"task": "factory_reset", "equipment": "@equipment:A"}, NOC_ONLY),
	],
	N + "fleet_summary": [({}, OFFICE)],
	N + "poll_devices_now": [({}, NOC_ONLY)],
	N + "acs_export": [({}, NOC_ONLY)],
	N + "olt_status": [({}, OFFICE)],
	N + "pon_port_onus": [({"olt_name": "@olt:O", "pon_port": "0/1/1"}, OFFICE)],
	N + "walk_olt_now": [({"olt_name": "@olt:O"}, NOC_ONLY)],
	N + "preauthorisation_plan": [({"service_location": "@location:A"}, NOC_ONLY)],
	N + "network_state": [
		({"doctype": "Service Location", "name": "@location:A"}, OFFICE | {TECH_ON}),
		({"doctype": "Dispatch Job", "name": "@job:A"}, OFFICE | {TECH_ON}),
		({"doctype": "Service Location", "name": "@location:B"}, OFFICE),
		({"doctype": "Customer", "name": "@customer:A"}, OFFICE),
	],
	N + "modem_status": [({"equipment": "@equipment:A"}, NOC_ONLY)],
	N + "modem_dm_get": [({"equipment": "@equipment:A", "oid": "DeviceInfo"}, NOC_ONLY)],
	N + "modem_screenshot": [({"equipment": "@equipment:A"}, NOC_ONLY)],
	N + "uptime_kuma": [({"heartbeat": "{}"}, TOKEN)],
	N + "retry_network_change": [({"change": "perm-no-such-change"}, NOC_ONLY)],
	M + "send": [({"to": "+15145550123", "body": "Bonjour"}, MESSAGING)],
	M + "reply": [({"conversation": "@conversation:A", "body": "Bonjour"}, MESSAGING)],
	M + "mark_read": [({"conversation": "@conversation:A"}, MESSAGING)],
	M + "twilio_status": [({"MessageSid": "SMperm", "MessageStatus": "delivered"}, TOKEN)],
	M + "twilio_inbound": [({"MessageSid": "SMperm", "From": "+15145550123", "Body": "Hi"}, TOKEN)],
	B + "stripe_webhook": [({}, TOKEN), ({"id": "evt_perm", "type": "invoice.paid"}, TOKEN)],
	B + "pay_invoice": [
		({"invoice": "@invoice:A"}, {BILLING, SYSMAN, CUST_A}),
		({"invoice": "@invoice:B"}, {BILLING, SYSMAN, CUST_B}),
		({"invoice": "perm-no-such-invoice"}, {BILLING, SYSMAN}),
	],
	B + "save_card": [
		({"customer": "@customer:A"}, {BILLING, SYSMAN, CUST_A}),
		({"customer": "@customer:B"}, {BILLING, SYSMAN, CUST_B}),
	],
	B + "refund": [({"invoice": "@invoice:A"}, {BILLING})],  # and who may read the invoice
	B + "run_preauthorised_payments": [({}, {BILLING, SYSMAN})],
	# sign-in: anyone may ask for a code or link; a wrong code or link signs no one in
	CP + "request_code": [({"phone": "+15145550199"}, set(ROLES))],
	CP + "request_link": [({"email": "perm.nobody@example.com"}, set(ROLES))],
	CP + "verify_code": [({"phone": "+15145550199", "code": "000000"}, TOKEN)],
	CP + "consume_link": [({"token": "not-a-valid-token"}, TOKEN), ({}, TOKEN)],
	# Sales: eligibility is public (an address and its status), rate-limited per IP
	"gigafibre_fsm.api.sales.search_addresses": [({"query": "1200 boul. St-Laurent"}, set(ROLES))],
	"gigafibre_fsm.api.sales.check_eligibility": [({"served_address": "@served:X"}, set(ROLES))],
	# Sales: contracts (the link's token is the authority to accept; the PDF for its customer and staff)
	"gigafibre_fsm.api.sales.send_for_acceptance": [({"contract": "@contract:A"}, {BILLING, SYSMAN})],
	"gigafibre_fsm.api.sales.accept_contract": [
		({"token": "not-a-valid-token", "signer_name": "Perm", "agree": 1}, TOKEN),
		({}, TOKEN),
	],
	# Sales: the online order. Before the payment the order's secret token is the authority (a
	# wrong one is refused to everyone); starting one needs a verified identity (a visitor's sealed
	# proof, none here) or a signed-in customer
	"gigafibre_fsm.api.sales.order_catalog": [({}, set(ROLES))],
	"gigafibre_fsm.api.sales.start_order": [
		({"served_address": "@served:X", "contact_name": "Perm"}, {CUST_A, CUST_B})
	],
	**{
		"gigafibre_fsm.api.sales." + name: [({"order": "@order:A", "token": "not-a-valid-token"}, TOKEN)]
		for name in (
			"choose_plan",
			"order_slots",
			"hold_order_slot",
			"order_contract",
			"accept_order_contract",
			"pay_order",
			"order_status",
		)
	},
	"gigafibre_fsm.api.sales.finish_order": [({"order": "@order:A"}, {BILLING, SYSMAN})],
	"gigafibre_fsm.api.sales.download_accepted_contract": [
		({"contract": "@contract:A"}, {BILLING, SYSMAN, CUST_A}),
		({"contract": "@contract:B"}, {BILLING, SYSMAN, CUST_B}),
		({"contract": "perm-no-such-contract"}, set()),
	],
	# Subscribers: a label photo read, matched, recorded in stock; a technician only from an open
	# job of theirs (A is en route; B is someone else's), staff with a job only if they may change it
	"gigafibre_fsm.api.subscribers.read_equipment_label": [
		({"file_url": "/private/files/perm-no-such-label.jpg"}, OFFICE),
		({"file_url": "/private/files/perm-no-such-label.jpg", "job": "@job:A"}, OFFICE | {TECH_ON}),
		({"file_url": "/private/files/perm-no-such-label.jpg", "job": "@job:B"}, OFFICE),
	],
	"gigafibre_fsm.api.subscribers.create_equipment_from_label": [
		({"file_url": "/private/files/perm-no-such-label.jpg"}, OFFICE),
		({"file_url": "/private/files/perm-no-such-label.jpg", "job": "@job:A"}, OFFICE | {TECH_ON}),
		({"file_url": "/private/files/perm-no-such-label.jpg", "job": "@job:B"}, OFFICE),
	],
	# an operator's export (a zip) previewed before `bench import-operator-data`: System Managers only
	"gigafibre_fsm.api.subscribers.preview_operator_import": [
		({"file_url": "/private/files/perm-no-such-export.zip"}, {SYSMAN}),
	],
	# Customer portal pages (/me): the customer's own actions only, no staff role (staff use the desk)
	CP + "invoice_pdf": [
		({"invoice": "@invoice:A"}, {CUST_A}),
		({"invoice": "@invoice:B"}, {CUST_B}),
		({"invoice": "perm-no-such-invoice"}, set()),
	],
	CP + "open_ticket": [
		({"service_location": "@location:A", "subject": "No internet", "description": "Down"}, {CUST_A}),
		({"service_location": "@location:B", "subject": "No internet", "description": "Down"}, {CUST_B}),
	],
	CP + "reply_to_ticket": [
		({"ticket": "@ticket:A", "message": "Still down"}, {CUST_A}),
		({"ticket": "@ticket:B", "message": "Still down"}, {CUST_B}),
		({"ticket": "perm-no-such-ticket", "message": "Still down"}, set()),
	],
	CP + "request_option": [
		({"service_location": "@location:A", "item_code": "STATIC-IP"}, {CUST_A}),
		({"service_location": "@location:B", "item_code": "STATIC-IP"}, {CUST_B}),
	],
	CP + "set_my_phones": [({"phones": '["+15145550123"]'}, {CUST_A, CUST_B})],
	CP + "set_my_language": [({"language": "fr"}, {CUST_A, CUST_B})],
	"gigafibre_fsm.dispatch.page.dispatch_board.dispatch_board.get_board": [({"date": "@today"}, DISPATCH)],
	"gigafibre_fsm.permissions.services.rest.get_count": [({"doctype": "Service Location"}, LOGGED_IN)],
	"gigafibre_fsm.permissions.services.rest.search_link": [
		({"doctype": "Service Location", "txt": ""}, LOGGED_IN)
	],
	"gigafibre_fsm.permissions.services.rest.search_widget": [
		({"doctype": "Service Location", "txt": ""}, LOGGED_IN)
	],
}
# Query and script reports (frappe.desk.query_report.run): the report's roles, and "report" on
# its doctype (ERPNext's Sales Invoice: its Accounts roles, which a billing agent holds).
REPORTS = {
	"Revenue by Plan and Month": {BILLING},
	"GST and QST by Period": {BILLING},
	"Receivables by Customer Type": {BILLING},
	"Subscription Sales and MRR": {BILLING, SYSMAN},
}
# Methods imported inside a function body, stubbed where they live.
INNER_STUBS = {D + "set_my_job_status": ["gigafibre_fsm.dispatch.services.technician_jobs.set_my_job_status"]}
# What a refused guest call must leave untouched.
FINGERPRINT = (
	"Dispatch Job",
	"Dispatch Job Offer",
	"Dispatch Technician",
	"SMS Conversation",
	"SMS Message",
	"Network Webhook Event",
	"Outage Incident",
	"Service Equipment",
	"Service Contract",
	"Sign-in Challenge",
	"Service Order",
)

APP = Path(__file__).resolve().parents[2]
# The ways a list of records leaves Frappe (the count is checked against the number expected).
LIST_WAYS = (
	"frappe.get_list",
	"/api/resource",
	"frappe.client.get_list",
	"frappe.desk.reportview.get",
	"frappe.desk.search.search_link",
	"frappe.desk.search.search_link ignore_user_permissions",
	"frappe.desk.search.search_widget ignore_user_permissions",
)


def _label_set(spec: str, records: dict) -> set[str]:
	return set(records) if spec == ALL else set(spec.split())


@contextmanager
def fake_request(cmd: str, http_method: str = "GET", form: dict | None = None, ip: str | None = None):
	"""Run a call as if it came over HTTP: a werkzeug request, the caller's IP, the form."""
	form = {k: str(v) for k, v in (form or {}).items()}  # as they arrive over HTTP
	builder = EnvironBuilder(
		method=http_method,
		path=f"/api/method/{cmd}",
		query_string=None if http_method == "POST" else form,
		data=form if http_method == "POST" else None,
	)
	saved = {k: getattr(frappe.local, k, None) for k in ("request", "request_ip", "form_dict")}
	frappe.local.request = Request(builder.get_environ())
	frappe.local.request_ip = ip or f"198.51.100.{random.randint(1, 254)}"
	frappe.local.form_dict = frappe._dict(cmd=cmd, **form)
	try:
		yield
	finally:
		for k, v in saved.items():
			setattr(frappe.local, k, v)


def _insert(values: dict):
	"""Write a record (and its child rows) as is: no controller, no validation."""
	doc = frappe.get_doc(values)
	doc.set_parent_in_children()
	doc.db_insert()
	for child in doc.get_all_children():
		child.name = child.name or frappe.generate_hash(length=12)
		child.db_insert()
	return doc


class TestPermissionMatrix(IntegrationTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.user = {GUEST: "Guest"}
		for role, (email, roles, user_type) in USERS.items():
			cls.user[role] = make_user(email, *roles, user_type=user_type)
		cls.records = {}
		cls.build_records()

	@classmethod
	def tearDownClass(cls):
		frappe.set_user("Administrator")
		super().tearDownClass()

	def tearDown(self):
		frappe.set_user("Administrator")

	@classmethod
	def build_records(cls):
		r = cls.records
		customer = {k: make_customer(f"_Test Perm Customer {k}") for k in "AB"}
		r["Customer"] = customer
		# A: the Customer's Portal Users; B: a Contact with the user's e-mail, linked to B
		_insert(
			{
				"doctype": "Portal User",
				"name": frappe.generate_hash(length=12),
				"parent": customer["A"],
				"parenttype": "Customer",
				"parentfield": "portal_users",
				"user": cls.user[CUST_A],
			}
		)
		_insert(
			{
				"doctype": "Contact",
				"name": "_perm-contact-B",
				"first_name": "Perm B",
				"email_id": cls.user[CUST_B],
				"email_ids": [{"email_id": cls.user[CUST_B], "is_primary": 1}],
				"links": [{"link_doctype": "Customer", "link_name": customer["B"]}],
			}
		)
		location = {k: make_location(customer[k], location_name=f"Perm {k}").name for k in "AB"}
		r["Service Location"] = location
		tech = {
			"ON": make_technician("_Test Perm Tech On", user=cls.user[TECH_ON]),
			"OFF": make_technician("_Test Perm Tech Off", user=cls.user[TECH_OFF]),
			"X": make_technician("_Test Perm Tech Lead"),
		}
		r["Dispatch Technician"] = tech
		r["Service Equipment"] = {}
		for k in "AB":
			r["Service Equipment"][k] = _insert(
				{
					"doctype": "Service Equipment",
					"name": f"_perm-EQP-{k}",
					"equipment_type": "ONT",
					"status": "Active",
					"serial_number": f"PERMSN{k}0001",
					"acs_device_id": f"PERM-DEVICE-{k}",
					"service_location": location[k],
					"customer": customer[k],
				}
			).name
		job = {
			# A: the technician leads it, en route; A2: they assist; B: someone else's
			"A": ("En Route", tech["ON"], [], "A"),
			"A2": ("Assigned", tech["X"], [{"technician": tech["ON"]}], "A"),
			"B": ("Assigned", tech["X"], [{"technician": tech["X"]}], "B"),
		}
		r["Dispatch Job"] = {}
		for label, (status, lead, assistants, owner) in job.items():
			r["Dispatch Job"][label] = _insert(
				{
					"doctype": "Dispatch Job",
					"name": f"_perm-JOB-{label}",
					"subject": f"Perm job {label}",
					"status": status,
					"technician": lead,
					"assistants": assistants,
					"equipment": [{"action": "Installed", "equipment": r["Service Equipment"][owner]}],
					"customer": customer[owner],
					"service_location": location[owner],
					"scheduled_date": nowdate(),
					"start_time": "09:00",
					"duration_minutes": 60,
					"latitude": 45.5,
					"longitude": -73.6,
					"notes": f"gate code of {owner}",
				}
			).name
		r["Service Subscription"] = {
			k: _insert(
				{
					"doctype": "Service Subscription",
					"name": f"_perm-SUB-{k}",
					"customer": customer[k],
					"service_location": location[k],
					"status": "Active",
					"plan_type": "Internet",
					"plan": "_perm plan",
				}
			).name
			for k in "AB"
		}
		r["SMS Conversation"] = {
			k: _insert(
				{
					"doctype": "SMS Conversation",
					"name": f"_perm-CONV-{k}",
					"phone": f"+1514555000{i}",
					"customer": customer[k],
				}
			).name
			for i, k in enumerate("AB")
		}
		r["SMS Message"] = {
			k: _insert(
				{
					"doctype": "SMS Message",
					"name": f"_perm-MSG-{k}",
					"conversation": r["SMS Conversation"][k],
					"direction": "Inbound",
					"status": "Received",
					"body": f"message of {k}",
				}
			).name
			for k in "AB"
		}
		r["Dispatch Technician Absence"] = {
			k: _insert(
				{
					"doctype": "Dispatch Technician Absence",
					"name": f"_perm-ABS-{k}",
					"technician": tech[k],
					"reason": "Training",
					"from_datetime": f"{add_days(nowdate(), 5)} 08:00:00",
					"to_datetime": f"{add_days(nowdate(), 5)} 16:00:00",
				}
			).name
			for k in ("ON", "OFF")
		}
		r["Dispatch Job Offer"] = {
			k: _insert(
				{
					"doctype": "Dispatch Job Offer",
					"name": f"_perm-OFFER-{k}",
					"job": r["Dispatch Job"][j],
					"technician": tech[k],
					"status": "Pending",
					"token_hash": frappe.generate_hash(length=64),
					"expires_on": add_days(now_datetime(), 1),
				}
			).name
			for k, j in (("ON", "A"), ("OFF", "B"))
		}
		r["Dispatch Tag"] = {
			"T": _insert({"doctype": "Dispatch Tag", "name": "_perm tag", "tag_name": "_perm tag"}).name
		}
		r["Outage Incident"] = {
			k: _insert(
				{
					"doctype": "Outage Incident",
					"name": f"_perm-OUT-{k}",
					"title": f"Outage {k}",
					"status": "Open",
					"source": "Manual",
					"scope": "PON Port",
					"started_at": now_datetime(),
					"affected_locations": [{"service_location": location[k], "customer": customer[k]}],
				}
			).name
			for k in "AB"
		}
		r["OLT"] = {
			"O": _insert({"doctype": "OLT", "name": "_perm-olt", "olt_name": "_perm-olt", "enabled": 1}).name
		}
		r["Served Address"] = {
			"X": _insert(
				{
					"doctype": "Served Address",
					"name": "_perm-ADR-X",
					"civic": 1200,
					"street": "boulevard Saint-Laurent",
					"municipality": "Montréal",
					"province": "QC",
					"status": "Served",
					"olt": "_perm-olt",
					"pon_port": "0/1/3",
					"address_key": "_perm-ADR-X",
				}
			).name
		}
		r["ONU State Change"] = {
			"X": _insert({"doctype": "ONU State Change", "name": "_perm-onu-change", "olt": "_perm-olt"}).name
		}
		r["Network Webhook Event"] = {
			"X": _insert(
				{"doctype": "Network Webhook Event", "name": "_perm-event", "idempotency_key": "_perm-event"}
			).name
		}
		r["Dispatch Job Series"] = {
			"X": _insert({"doctype": "Dispatch Job Series", "name": "_perm-series", "subject": "Perm"}).name
		}
		r["Sales Invoice"] = {
			k: _insert({"doctype": "Sales Invoice", "name": f"_perm-SINV-{k}", "customer": customer[k]}).name
			for k in "AB"
		}
		r["Service Contract"] = {
			k: _insert(
				{
					"doctype": "Service Contract",
					"name": f"_perm-CTR-{k}",
					"customer": customer[k],
					"language": "fr",
					"status": "Sent",
					"token_hash": frappe.generate_hash(length=64),
					"lines": [{"service_location": location[k], "plan": "_perm plan", "monthly_price": 75}],
				}
			).name
			for k in "AB"
		}
		r["Service Order"] = {
			k: _insert(
				{
					"doctype": "Service Order",
					"name": f"_perm-ORD-{k}",
					"status": "Scheduled",
					"customer": customer[k],
					"served_address": r["Served Address"]["X"],
					"contact_name": f"Perm {k}",
					"access_token_hash": frappe.generate_hash(length=64),
					"lines": [{"item_code": "_perm plan", "kind": "Plan", "quantity": 1, "amount": 75}],
					"steps": [{"step": "Network Port", "status": "Done"}],
				}
			).name
			for k in "AB"
		}
		for doctype in (
			"PPA Attempt",
			"Stripe Event",
			"Saved Payment Method",
			"Service Network Change",
			"Stripe Dispute",
			"Appointment Hold",
		):
			r[doctype] = {"X": _insert({"doctype": doctype, "name": f"_perm-{frappe.scrub(doctype)}"}).name}
		r["Customer Notification Template"] = {
			"X": _insert(
				{
					"doctype": "Customer Notification Template",
					"name": "_perm-notification-template",
					"event": "Job Done",
					"language": "en",
					"body": "Done",
					"enabled": 1,  # link searches leave out a doctype's disabled records
				}
			).name
		}
		r["Customer Notification"] = {
			"X": _insert(
				{
					"doctype": "Customer Notification",
					"name": "_perm-notification",
					"event": "Job Done",
					"status": "Sent",
					"dedupe_key": "_perm-notification",
				}
			).name
		}
		r["Issue"] = {  # tickets (ERPNext Issue) of A and B, for the portal's ticket methods
			k: _insert(
				{
					"doctype": "Issue",
					"name": f"_perm-ISS-{k}",
					"subject": f"Perm ticket {k}",
					"status": "Open",
					"customer": customer[k],
					"service_location": location[k],
				}
			).name
			for k in "AB"
		}
		r["Sign-in Challenge"] = {
			"X": _insert(
				{
					"doctype": "Sign-in Challenge",
					"name": "_perm-sign-in",
					"kind": "Code",
					"channel": "SMS",
					"destination": "+15145550100",
					"expires_at": now_datetime(),
				}
			).name
		}
		for single in ("Dispatch Settings", "Messaging Settings", "Network Settings", "Billing Settings"):
			r[single] = {"S": single}

	# --- helpers ---------------------------------------------------------------------------

	def resolve(self, value):
		"""Replace "@kind:label" by the fixture's name, "@today" by today's date."""
		if not isinstance(value, str):
			return value
		if value == "@today":
			return nowdate()
		if value.startswith('["@'):
			return json.dumps([self.resolve(v) for v in json.loads(value)])
		if not value.startswith("@"):
			return value
		kind, label = value[1:].split(":")
		r = self.records
		return {
			"job": lambda: r["Dispatch Job"][label],
			"tech": lambda: r["Dispatch Technician"][label],
			"equipment": lambda: r["Service Equipment"][label],
			"serial": lambda: f"PERMSN{label}0001",
			"device": lambda: f"PERM-DEVICE-{label}",
			"location": lambda: r["Service Location"][label],
			"customer": lambda: r["Customer"][label],
			"conversation": lambda: r["SMS Conversation"][label],
			"olt": lambda: r["OLT"][label],
			"served": lambda: r["Served Address"][label],
			"invoice": lambda: r["Sales Invoice"][label],
			"contract": lambda: r["Service Contract"][label],
			"order": lambda: r["Service Order"][label],
			"ticket": lambda: r["Issue"][label],
		}[kind]()

	def names_to_labels(self, doctype, names) -> set[str]:
		by_name = {v: k for k, v in self.records[doctype].items()}
		return {by_name[n] for n in names if n in by_name}

	def as_role(self, role):
		frappe.set_user(self.user[role])

	def listed(self, doctype, how) -> set[str] | str:
		"""The fixture records of `doctype` the session user gets through `how` (a method goes
		through the request path, so hooks.py's overrides apply as over HTTP)."""
		names = list(self.records[doctype].values())
		filters = json.dumps([[doctype, "name", "in", names]])
		calls = {
			"frappe.client.get_list": {
				"doctype": doctype,
				"fields": '["name"]',
				"filters": filters,
				"limit_page_length": "0",
			},
			"frappe.desk.reportview.get": {
				"doctype": doctype,
				"fields": json.dumps([f"`tab{doctype}`.`name`"]),
				"filters": filters,
			},
			"frappe.desk.search.search_link": {
				"doctype": doctype,
				"txt": "",
				"filters": filters,
				"page_length": "100",
			},
			"frappe.desk.search.search_link ignore_user_permissions": {
				"doctype": doctype,
				"txt": "",
				"filters": filters,
				"page_length": "100",
				"ignore_user_permissions": "1",
			},
			"frappe.desk.search.search_widget ignore_user_permissions": {
				"doctype": doctype,
				"txt": "",
				"filters": filters,
				"page_length": "100",
				"ignore_user_permissions": "1",
				"as_dict": "1",
			},
			"frappe.client.get_count": {"doctype": doctype, "filters": filters},
		}
		try:
			if how == "frappe.get_list":
				found = frappe.get_list(
					doctype, filters=json.loads(filters), pluck="name", limit_page_length=0
				)
			elif how == "/api/resource":
				from frappe.api.v1 import document_list

				frappe.local.form_dict = frappe._dict(fields='["name"]', filters=filters, limit_page_length=0)
				found = [d.name for d in document_list(doctype)]
			else:
				cmd = how.split()[0]
				with fake_request(cmd, "GET", calls[how]):
					result = frappe.handler.execute_cmd(cmd)
				if cmd.endswith("get_count"):
					return str(result)
				if cmd.endswith("reportview.get"):
					found = [row[0] for row in (result or {}).get("values", [])]
				else:
					found = [d.get("name") or d.get("value") for d in result]
		except frappe.PermissionError:
			return "0" if how.endswith("get_count") else set()
		return self.names_to_labels(doctype, found)

	def opens(self, doctype, name, how) -> bool:
		try:
			if how == "/api/resource":
				from frappe.api.v1 import read_doc

				frappe.local.form_dict = frappe._dict()
				read_doc(doctype, name)
			else:
				from frappe.client import get

				get(doctype, name)
		except frappe.PermissionError:
			return False
		return True

	# --- doctypes ----------------------------------------------------------------------------

	def test_every_doctype_of_the_app_is_in_the_table(self):
		modules = [m.strip() for m in (APP / "modules.txt").read_text().splitlines() if m.strip()]
		ours = frappe.get_all("DocType", filters={"module": ("in", modules)}, fields=["name", "istable"])
		missing = [d.name for d in ours if d.name not in (CHILD_TABLES if d.istable else DOCTYPES)]
		self.assertFalse(missing, f"doctypes missing from the permission matrix: {missing}")

	def test_doctype_matrix(self):
		failures = []
		for doctype, expectations in DOCTYPES.items():
			records = self.records[doctype]
			single = frappe.get_meta(doctype).issingle
			for role in ROLES:
				read, write, delete = (_label_set(s, records) for s in expectations.get(role, rwd()))
				self.as_role(role)
				where = f"{role} × {doctype}"
				if not single:
					for how in LIST_WAYS:
						got = self.listed(doctype, how)
						if got != read:
							failures.append(
								f"{where} × list ({how}): sees {sorted(got)}, expected {sorted(read)}"
							)
					count = self.listed(doctype, "frappe.client.get_count")
					if count != str(len(read)):
						failures.append(f"{where} × get_count: {count}, expected {len(read)}")
				for label, name in records.items():
					for how in ("/api/resource", "frappe.client.get"):
						if self.opens(doctype, name, how) != (label in read):
							failures.append(
								f"{where} × get {label} ({how}): {'allowed' if label not in read else 'refused'}"
							)
					failures += self.check_write(where, doctype, name, label, label in write)
					if not single:
						failures += self.check_delete(where, doctype, name, label, label in delete)
				frappe.set_user("Administrator")
		self.assertFalse(failures, "\n" + "\n".join(failures))

	def check_write(self, where, doctype, name, label, allowed) -> list[str]:
		doc = frappe.get_doc(doctype, name)  # loading checks nothing; the permission is asked below
		got = frappe.has_permission(doctype, "write", doc)
		if got != allowed:
			return [f"{where} × save {label}: {'allowed' if got else 'refused'}"]
		if allowed or frappe.get_meta(doctype).issingle:
			return []
		# a refused save over REST raises and changes nothing
		from frappe.api.v1 import update_doc

		before = frappe.db.get_value(doctype, name, "modified")
		frappe.local.form_dict = frappe._dict(data=json.dumps({"modified": str(before)}))
		try:
			with patch("frappe.api.v1.get_request_form_data", return_value={}):
				update_doc(doctype, name)
		except frappe.PermissionError:
			pass
		except Exception as e:  # refused, but not as a permission error
			return [f"{where} × save {label} over REST: {type(e).__name__} instead of PermissionError"]
		else:
			return [f"{where} × save {label} over REST: saved"]
		if frappe.db.get_value(doctype, name, "modified") != before:
			return [f"{where} × save {label} over REST: refused but changed"]
		return []

	def check_delete(self, where, doctype, name, label, allowed) -> list[str]:
		doc = frappe.get_doc(doctype, name)
		got = frappe.has_permission(doctype, "delete", doc)
		if got != allowed:
			return [f"{where} × delete {label}: {'allowed' if got else 'refused'}"]
		if allowed:
			return []
		from frappe.api.v1 import delete_doc

		try:
			delete_doc(doctype, name)
		except frappe.PermissionError:
			pass
		except Exception as e:
			return [f"{where} × delete {label} over REST: {type(e).__name__} instead of PermissionError"]
		if not frappe.db.exists(doctype, name):
			return [f"{where} × delete {label} over REST: deleted"]
		return []

	def test_child_tables_are_listed_only_under_readable_parents(self):
		failures = []
		for child, parent in CHILD_TABLES.items():
			parents = self.records.get(parent, {})
			rows = frappe.get_all(
				child,
				filters={"parenttype": parent, "parent": ("in", list(parents.values()) or [""])},
				fields=["name", "parent"],
			)
			for role in ROLES:
				if role == GUEST:
					continue
				read = _label_set(DOCTYPES[parent].get(role, rwd())[0], parents)
				expected = {r.name for r in rows if self.names_to_labels(parent, [r.parent]) & read}
				self.as_role(role)
				try:
					from frappe.client import get_list

					got = {
						d.name
						for d in get_list(
							child,
							fields=["name"],
							filters={"name": ("in", [r.name for r in rows] or [""])},
							parent=parent,
							limit_page_length=0,
						)
					}
				except frappe.PermissionError:
					got = set()
				frappe.set_user("Administrator")
				if got != expected:
					failures.append(
						f"{role} × {child} rows (parent {parent}): {len(got)} seen, {len(expected)} expected"
					)
		self.assertFalse(failures, "\n" + "\n".join(failures))

	def test_the_hooks_answer_true_or_false_for_everyone(self):
		"""Frappe v16 reads a has_permission hook's None as "deny": never return one."""
		for role in ROLES:
			user = self.user[role]
			for doctype, records in self.records.items():
				if doctype not in DOCTYPES:
					continue
				for name in records.values():
					doc = frappe.get_doc(doctype, name)
					for ptype in ("read", "write", "delete", "create", "print", "email", "share"):
						answer = doctype_permissions.has_permission(doc, ptype, user)
						self.assertIsInstance(answer, bool, f"{role} {doctype} {ptype}")
				self.assertIsInstance(doctype_permissions.query_conditions(user, doctype), str)
		# staff keep their access on v16, where a hook's None would deny
		for role in (DISPATCHER, NOC, BILLING, SYSMAN):
			doc = frappe.get_doc("Service Location", self.records["Service Location"]["A"])
			self.assertIs(doctype_permissions.has_permission(doc, "read", self.user[role]), True)

	# --- whitelisted methods --------------------------------------------------------------------

	def whitelisted_methods(self) -> dict[str, object]:
		for path in APP.rglob("*.py"):
			if path.name.startswith("test_") or "whitelist" not in path.read_text():
				continue
			tree = ast.parse(path.read_text())
			if any(
				isinstance(n, ast.FunctionDef)
				and any("frappe.whitelist" in ast.unparse(d) for d in n.decorator_list)
				for n in ast.walk(tree)
			):
				module = ".".join(path.relative_to(APP.parent).with_suffix("").parts)
				importlib.import_module(module)
		return {
			f"{fn.__module__}.{fn.__qualname__}": fn
			for fn in frappe.whitelisted
			if getattr(fn, "__module__", "").startswith("gigafibre_fsm.")
		}

	def test_every_whitelisted_method_is_in_the_table(self):
		found = set(self.whitelisted_methods())
		self.assertFalse(
			found - set(METHODS),
			f"methods missing from the permission matrix: {sorted(found - set(METHODS))}",
		)
		self.assertFalse(
			set(METHODS) - found,
			f"methods in the matrix that no longer exist: {sorted(set(METHODS) - found)}",
		)

	def test_method_matrix(self):
		methods = self.whitelisted_methods()
		failures = []
		for cmd, cases in METHODS.items():
			fn = methods.get(cmd)
			if fn is None:
				continue  # reported by test_every_whitelisted_method_is_in_the_table
			http_method = (frappe.allowed_http_methods_for_whitelisted_func.get(fn) or ["GET"])[0]
			for args, allowed in cases:
				args = {k: self.resolve(v) for k, v in args.items()}
				for role in ROLES:
					outcome, detail = self.call(cmd, http_method, args, role, stub=allowed != TOKEN)
					expected = "refused" if allowed == TOKEN or role not in allowed else "allowed"
					if outcome != expected:
						failures.append(f"{role} × {cmd}({args}): {outcome}, expected {expected} {detail}")
		self.assertFalse(failures, "\n" + "\n".join(failures))

	def call(self, cmd, http_method, args, role, stub=True) -> tuple[str, str]:
		"""Call `cmd` over the request path (whitelist, HTTP method, overrides) as `role`, with
		the services it calls replaced by mocks: "refused" only if it raised PermissionError
		before any of them was called."""
		module = importlib.import_module(cmd.rsplit(".", 1)[0])
		stubs = {}
		if stub:
			for attr, value in vars(module).items():
				if (
					isinstance(value, types.ModuleType)
					and value.__name__.startswith("gigafibre_fsm.")
					and not value.__name__.startswith("gigafibre_fsm.permissions")
				):
					stubs[attr] = MagicMock(name=attr)
		patches = [patch.object(module, attr, mock) for attr, mock in stubs.items()]
		inner = [patch(target) for target in INNER_STUBS.get(cmd, [])] if stub else []
		enqueue = patch("frappe.enqueue") if stub else nullcontext()
		fingerprint = self.fingerprint()
		inner_mocks = []
		self.as_role(role)
		try:
			for p in patches:
				p.start()
			inner_mocks += [p.start() for p in inner]
			with enqueue, fake_request(cmd, http_method, args):
				result = frappe.handler.execute_cmd(cmd)
			if getattr(result, "status_code", 200) in (401, 403):  # a webhook answering 403 itself
				changed = self.fingerprint() != fingerprint
				return ("allowed", "(403, but the database changed)") if changed else ("refused", "HTTP 403")
		except frappe.PermissionError as e:
			called = [a for a, m in stubs.items() if m.mock_calls] + [str(m) for m in inner_mocks if m.called]
			if called:
				return "allowed", f"(PermissionError after calling {called})"
			if self.fingerprint() != fingerprint:
				return "allowed", "(refused, but the database changed)"
			return "refused", str(e)[:80]
		except Exception as e:  # past the guard, failing on the stubs or missing services
			return "allowed", f"({type(e).__name__}: {str(e)[:80]})"
		finally:
			for p in patches + inner:
				with suppress(RuntimeError):
					p.stop()
			frappe.set_user("Administrator")
			frappe.local.response = frappe._dict()
		return "allowed", ""

	def fingerprint(self) -> list:
		"""Row count and last change of the tables a guest endpoint could write to."""
		return [frappe.db.sql(f"select count(*), max(`modified`) from `tab{d}`")[0] for d in FINGERPRINT]

	# --- reports -------------------------------------------------------------------------------

	def test_report_matrix(self):
		modules = [m.strip() for m in (APP / "modules.txt").read_text().splitlines() if m.strip()]
		ours = set(frappe.get_all("Report", filters={"module": ("in", modules)}, pluck="name"))
		self.assertEqual(ours, set(REPORTS), "reports missing from (or gone from) the permission matrix")
		failures = []
		for report, allowed in REPORTS.items():
			args = {"report_name": report, "filters": "{}"}
			for role in ROLES:
				outcome, detail = self.call("frappe.desk.query_report.run", "GET", args, role, stub=False)
				expected = "allowed" if role in allowed else "refused"
				if outcome != expected:
					failures.append(f"{role} × report {report}: {outcome}, expected {expected} {detail}")
		self.assertFalse(failures, "\n" + "\n".join(failures))

	# --- guest endpoints -----------------------------------------------------------------------

	def test_guest_endpoints_refuse_a_bad_or_missing_token_and_change_nothing(self):
		for cmd, cases in METHODS.items():
			for args, allowed in cases:
				if allowed != TOKEN:
					continue
				with self.subTest(cmd=cmd, args=args):
					before = self.fingerprint()
					outcome, detail = self.call(
						cmd, "POST" if "calendar" not in cmd else "GET", args, GUEST, stub=False
					)
					self.assertEqual(outcome, "refused", detail)
					self.assertEqual(self.fingerprint(), before)

	def test_the_job_offer_page_shows_nothing_for_a_bad_token(self):
		from gigafibre_fsm.www import job_offer

		frappe.set_user("Guest")
		for token in ("", "not-a-valid-token", frappe.generate_hash(length=43)):
			frappe.local.form_dict = frappe._dict(token=token)
			context = job_offer.get_context(frappe._dict())
			self.assertTrue(context.get("invalid"), token)
			self.assertNotIn("job", context)

	def test_the_sign_in_page_uses_no_link_on_opening_it(self):
		"""/portal-sign-in with a link's token shows why it cannot be used, or a button; opening
		it spends nothing and signs no one in."""
		from gigafibre_fsm.www import portal_sign_in

		frappe.set_user("Guest")
		before = self.fingerprint()
		for token in ("", "not-a-valid-token", frappe.generate_hash(length=43)):
			frappe.local.form_dict = frappe._dict(token=token)
			context = portal_sign_in.get_context(frappe._dict())
			self.assertEqual(bool(context.get("link_problem")), bool(token), token)
			self.assertEqual(frappe.session.user, "Guest")
		self.assertEqual(self.fingerprint(), before)

	def test_guest_endpoints_are_rate_limited(self):
		ip = f"203.0.113.{random.randint(1, 254)}"
		cmd = D + "accept_offer"
		refusals = []
		for _ in range(31):
			with fake_request(cmd, "POST", {"token": "not-a-valid-token"}, ip=ip):
				frappe.set_user("Guest")
				try:
					frappe.handler.execute_cmd(cmd)
				except Exception as e:
					refusals.append(type(e).__name__)
				finally:
					frappe.set_user("Administrator")
		frappe.cache.delete(frappe.cache.make_key(f"rl:{cmd}:{ip}"))
		self.assertEqual(refusals[:30], ["PermissionError"] * 30)
		self.assertEqual(refusals[30], "RateLimitExceededError")

	# --- pages ---------------------------------------------------------------------------------

	def test_the_technician_page(self):
		from gigafibre_fsm.www import technician

		allowed = {TECH_ON, TECH_OFF, DISPATCHER, SYSMAN}
		for role in ROLES:
			self.as_role(role)
			try:
				technician.get_context(frappe._dict())
				outcome = "allowed"
			except (frappe.PermissionError, frappe.Redirect):
				outcome = "refused"
			finally:
				frappe.set_user("Administrator")
			self.assertEqual(outcome, "allowed" if role in allowed else "refused", role)

	def test_the_appointments_page_lists_only_the_customers_own(self):
		from gigafibre_fsm.www import appointments

		jobs = self.records["Dispatch Job"]
		for role in ROLES:
			self.as_role(role)
			try:
				context = appointments.get_context(frappe._dict())
				listed = {a["name"] for a in context.appointments}
				outcome = "allowed"
			except (frappe.PermissionError, frappe.Redirect):
				outcome, listed = "refused", set()
			finally:
				frappe.set_user("Administrator")
			self.assertEqual(outcome, "allowed" if role in (CUST_A, CUST_B) else "refused", role)
			own = {v for k, v in jobs.items() if k.startswith("A" if role == CUST_A else "B")}
			if outcome == "allowed":
				self.assertEqual(listed, own, role)

	def test_the_portal_pages_show_only_the_customers_own(self):
		"""/me, /me/invoices, /me/services, /me/tickets, /me/account: a visitor is sent to sign
		in, anyone but the two customers refused; each customer's page holds their own records
		and none of the other's."""
		import importlib

		r = self.records
		mine = {
			"index": ("Dispatch Job", "Service Subscription"),
			"invoices": ("Sales Invoice",),
			"services": ("Service Location", "Service Equipment", "Service Subscription"),
			"tickets": ("Issue", "Service Location"),
			"account": ("Customer",),
		}
		kinds = (
			"Customer",
			"Service Location",
			"Service Equipment",
			"Service Subscription",
			"Sales Invoice",
			"Issue",
		)
		invoices = list(r["Sales Invoice"].values())
		frappe.db.set_value(
			"Sales Invoice", {"name": ("in", invoices)}, "docstatus", 1, update_modified=False
		)
		try:
			for page, own_kinds in mine.items():
				module = importlib.import_module(f"gigafibre_fsm.www.me.{page}")
				for role in ROLES:
					self.as_role(role)
					frappe.local.form_dict = frappe._dict()
					try:
						shown = json.dumps(module.get_context(frappe._dict()), default=str)
						outcome = "allowed"
					except frappe.Redirect:
						outcome = "sign in"
					except frappe.PermissionError:
						outcome = "refused"
					finally:
						frappe.set_user("Administrator")
					expected = {GUEST: "sign in", CUST_A: "allowed", CUST_B: "allowed"}.get(role, "refused")
					self.assertEqual(outcome, expected, (page, role))
					if outcome != "allowed":
						continue
					own, other = ("A", "B") if role == CUST_A else ("B", "A")
					for kind in kinds:
						self.assertNotIn(r[kind][other], shown, (page, role, kind))
					for kind in own_kinds:
						if kind == "Dispatch Job":  # the next appointment: A's two jobs are both today at 9
							jobs = [r[kind][own]] + ([r[kind]["A2"]] if own == "A" else [])
							self.assertTrue(any(j in shown for j in jobs), (page, role, kind))
						else:
							self.assertIn(r[kind][own], shown, (page, role, kind))
			# one record of the other customer named in the URL: refused
			for page, key, kind in (("invoices", "invoice", "Sales Invoice"), ("tickets", "ticket", "Issue")):
				module = importlib.import_module(f"gigafibre_fsm.www.me.{page}")
				self.as_role(CUST_A)
				frappe.local.form_dict = frappe._dict({key: r[kind]["B"]})
				with self.assertRaises(frappe.PermissionError, msg=page):
					module.get_context(frappe._dict())
				frappe.set_user("Administrator")
		finally:
			frappe.local.form_dict = frappe._dict()
			frappe.set_user("Administrator")
			frappe.db.set_value(
				"Sales Invoice", {"name": ("in", invoices)}, "docstatus", 0, update_modified=False
			)

	def test_device_tasks_wait_for_the_job_to_be_under_way(self):
		"""Diagnostics through any of their jobs; a reboot only while that job is en route or
		in progress."""
		cmd = N + "device_task"
		job = self.records["Dispatch Job"]["A"]
		frappe.db.set_value("Dispatch Job", job, "status", "Assigned", update_modified=False)
		try:
			args = {"task": "reboot", "equipment": self.records["Service Equipment"]["A"]}
			self.assertEqual(self.call(cmd, "POST", args, TECH_ON)[0], "refused")
			args = {"equipment": self.records["Service Equipment"]["A"]}
			self.assertEqual(self.call(N + "device_summary", "GET", args, TECH_ON)[0], "allowed")
		finally:
			frappe.db.set_value("Dispatch Job", job, "status", "En Route", update_modified=False)
		args = {"task": "reboot", "equipment": self.records["Service Equipment"]["A"]}
		self.assertEqual(self.call(cmd, "POST", args, TECH_ON)[0], "allowed")

	# --- who a user is ------------------------------------------------------------------------

	def test_a_portal_user_belongs_to_a_customer_either_way_erpnext_links_them(self):
		from gigafibre_fsm.permissions.services import scopes

		customer = self.records["Customer"]
		for role, label in ((CUST_A, "A"), (CUST_B, "B")):
			self.assertEqual(scopes.customers_of(self.user[role]), [customer[label]])  # asked by staff
			self.as_role(role)
			self.assertEqual(scopes.customers_of(), [customer[label]])  # asked as themselves
			frappe.set_user("Administrator")

	def test_a_technician_cannot_move_equipment_out_of_or_into_their_scope(self):
		equipment = frappe.get_doc("Service Equipment", self.records["Service Equipment"]["A"])
		self.as_role(TECH_ON)
		self.assertTrue(frappe.has_permission("Service Equipment", "write", equipment))
		equipment.service_location = self.records["Service Location"]["B"]
		self.assertFalse(frappe.has_permission("Service Equipment", "write", equipment))
