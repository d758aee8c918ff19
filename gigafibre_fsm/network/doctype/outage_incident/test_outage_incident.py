# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""A fibre cut seen by real SNMP walks (snmpsim) becomes one Outage Incident with its locations,
one Dispatch Job, linked tickets and SMS to the customers; it resolves when the ONUs come back.
Uptime-Kuma's webhook: authentication, idempotency, open and resolve."""

import json

import frappe
from werkzeug.test import EnvironBuilder

from gigafibre_fsm.api import network as api
from gigafibre_fsm.network.services import olt as olt_service
from gigafibre_fsm.network.services import outages
from gigafibre_fsm.network.tests.peers import (
	OltPeer,
	clear_settings_cache,
	forget_olt,
	make_olt,
	set_community,
	small_olt,
)
from gigafibre_fsm.tests import ERPNEXT_RECORDS, IntegrationTestCase
from gigafibre_fsm.tests.factories import make_customer, make_location

IGNORE_TEST_RECORD_DEPENDENCIES = ERPNEXT_RECORDS  # Frappe v16
test_ignore = IGNORE_TEST_RECORD_DEPENDENCIES  # Frappe v15's name

OLT = "OLT-T2"
SECRET = "kuma-test-secret"


class TestOutageIncident(IntegrationTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		sim = small_olt(OLT)
		cls.peer = OltPeer(normal=sim, cut=sim.with_down(pons={(0, 1, 0)})).start()

	@classmethod
	def tearDownClass(cls):
		cls.peer.stop()
		super().tearDownClass()
		clear_settings_cache()
		forget_olt(OLT)

	def setUp(self):
		frappe.set_user("Administrator")
		frappe.db.savepoint("outage_test")
		# ERPNext v15's SLA code breaks on PostgreSQL (psycopg returns time, not timedelta);
		# these tests are about outages, not SLAs, so tickets are made without one.
		frappe.db.set_single_value("Support Settings", "track_service_level_agreement", 0)
		forget_olt(OLT)
		settings = frappe.get_doc("Network Settings")
		settings.update({"kuma_secret": SECRET, "notify_customers": 1, "olt_walks_enabled": 1})
		settings.save(ignore_permissions=True)
		self._enable_sms()
		make_olt(OLT, self.peer.port, "normal")
		self.customers = []
		for n in range(3):
			customer = make_customer(f"_Test Outage Customer {n}")
			frappe.db.set_value("Customer", customer, "mobile_no", f"+1514555010{n}")
			self.customers.append(customer)
		self.locations = [
			make_location(self.customers[onu % 3], olt=OLT, pon_port="0/1/0", onu_id=onu).name
			for onu in range(8)
		]
		self.other = make_location(self.customers[0], olt=OLT, pon_port="0/1/1", onu_id=0).name
		self.issue = (
			frappe.get_doc(
				{
					"doctype": "Issue",
					"subject": "No internet since this morning",
					"customer": self.customers[1],
					"raised_by": "someone@example.com",
				}
			)
			.insert(ignore_permissions=True)
			.name
		)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback(save_point="outage_test")
		clear_settings_cache()
		frappe.clear_document_cache("Messaging Settings", "Messaging Settings")
		frappe.local.request = None
		frappe.local.request_ip = None

	def _enable_sms(self):
		if not frappe.db.exists("DocType", "Messaging Settings"):
			return
		messaging = frappe.get_doc("Messaging Settings")
		messaging.update(
			{
				"enabled": 1,
				"notifications_enabled": 1,  # outage notices are Messaging's customer notifications
				"account_sid": "AC" + "0" * 32,
				"auth_token": "token",
				"sender": "+15145550000",
				"api_base_url": "http://127.0.0.1:9",  # nothing listens: the sends fail, after being recorded
				"timeout_seconds": 1,
			}
		)
		messaging.save(ignore_permissions=True)

	def _open_incidents(self):
		return frappe.get_all("Outage Incident", filters={"olt": OLT, "status": "Open"}, pluck="name")

	def test_fibre_cut_opens_one_incident_and_resolves(self):
		self.assertEqual(olt_service.enqueue_olt_walks(), 1)  # first walk: the baseline
		olt = frappe.get_doc("OLT", OLT)
		self.assertEqual((olt.status, olt.onu_count, olt.onus_online), ("Online", 32, 32))
		self.assertEqual(self._open_incidents(), [])

		set_community(OLT, "cut")  # the OLT now reports the 8 ONUs of 0/1/0 offline
		olt_service.walk_olt(OLT)
		downs = frappe.get_all("ONU State Change", filters={"olt": OLT, "change": "down"}, fields=["*"])
		self.assertEqual(len(downs), 8)
		self.assertTrue(all(d.service_location in self.locations and d.changed_at for d in downs))
		incidents = self._open_incidents()
		self.assertEqual(len(incidents), 1, "one incident, not eight")
		incident = frappe.get_doc("Outage Incident", incidents[0])
		self.assertEqual(
			(incident.scope, incident.node, incident.source), ("PON Port", f"{OLT}/0/1/0", "Correlation")
		)
		self.assertEqual(
			sorted(r.service_location for r in incident.affected_locations), sorted(self.locations)
		)
		self.assertNotIn(self.other, [r.service_location for r in incident.affected_locations])
		self.assertEqual(incident.affected_onu_count, 8)
		job = frappe.get_doc("Dispatch Job", incident.dispatch_job)
		self.assertEqual((job.job_type, job.status), ("Outage", "Open"))
		self.assertEqual(frappe.db.get_value("Issue", self.issue, "outage_incident"), incident.name)
		if frappe.db.exists("DocType", "SMS Message"):
			texted = frappe.get_all(
				"SMS Message", filters={"reference_name": incident.name}, pluck="to_number", distinct=True
			)
			self.assertEqual(len(texted), 3, "each customer is texted once")
		# The one-call view of a customer shows the incident and the fibre down.
		state = api.network_state("Issue", self.issue, live=0)
		self.assertEqual(state["locations"][0]["incident"]["name"], incident.name)
		self.assertEqual(state["locations"][0]["fibre"]["state"], "offline")

		# Walking again while still cut changes nothing.
		olt_service.walk_olt(OLT)
		self.assertEqual(self._open_incidents(), [incident.name])
		self.assertEqual(frappe.db.count("Dispatch Job", {"job_type": "Outage"}), 1)

		# The correlator is lost (cache flushed, worker restarted): it is rebuilt from the log.
		outages.forget_correlator(OLT)
		set_community(OLT, "normal")
		olt_service.walk_olt(OLT)
		incident.reload()
		self.assertEqual(incident.status, "Resolved")
		self.assertTrue(incident.resolved_at)
		self.assertEqual(frappe.db.count("Outage Incident", {"olt": OLT}), 1)

	def test_unreachable_olt_is_marked_and_nothing_crashes(self):
		from simulators.olt_snmp import SilentUdpPeer

		settings = frappe.get_doc("Network Settings")
		settings.update({"snmp_timeout": 0.5, "olt_walk_deadline": 5})
		settings.save(ignore_permissions=True)
		with SilentUdpPeer() as silent:
			make_olt("OLT-SILENT", silent.port, "normal")
			self.assertEqual(olt_service.enqueue_olt_walks(), 2)
		silent_olt = frappe.get_doc("OLT", "OLT-SILENT")
		self.assertEqual(silent_olt.status, "Unreachable")
		self.assertIn("OLT-SILENT", silent_olt.last_error)
		self.assertEqual(frappe.db.get_value("OLT", OLT, "status"), "Online")  # the other one was walked
		forget_olt("OLT-SILENT")

	# Uptime-Kuma -----------------------------------------------------------------------

	def _deliver(self, payload: dict, token: str | None = SECRET):
		headers = {"Authorization": f"Bearer {token}"} if token else {}
		frappe.local.request = EnvironBuilder(
			method="POST", data=json.dumps(payload), headers=headers, content_type="application/json"
		).get_request()
		frappe.local.request_ip = "127.0.0.1"  # as Frappe sets it per request (the rate limit counts per IP)
		frappe.set_user("Guest")
		try:
			return api.uptime_kuma()
		finally:
			frappe.set_user("Administrator")

	@staticmethod
	def _heartbeat(status: int, time: str):
		return {
			"heartbeat": {"status": status, "time": time, "msg": "timeout", "monitorID": 7},
			"monitor": {"id": 7, "name": OLT},
			"msg": f"[{OLT}] {'Up' if status else 'Down'}",
		}

	def test_kuma_webhook(self):
		down = self._heartbeat(0, "2026-11-29 12:00:00.000")
		with self.assertRaises(frappe.PermissionError):
			self._deliver(down, token="wrong")
		with self.assertRaises(frappe.PermissionError):
			self._deliver(down, token=None)
		self.assertEqual(frappe.db.count("Network Webhook Event"), 0)
		self.assertEqual(self._open_incidents(), [])

		first = self._deliver(down)
		self.assertEqual(first["status"], "accepted")
		again = self._deliver(down)
		self.assertEqual(again["status"], "duplicate")
		incidents = self._open_incidents()
		self.assertEqual(incidents, [first["incident"]])
		incident = frappe.get_doc("Outage Incident", incidents[0])
		self.assertEqual((incident.scope, incident.source), ("OLT", "Uptime-Kuma"))
		self.assertEqual(len(incident.affected_locations), 9)  # every location behind the OLT
		self.assertTrue(incident.dispatch_job)
		self.assertEqual(frappe.db.get_value("Issue", self.issue, "outage_incident"), incident.name)

		up = self._deliver(self._heartbeat(1, "2026-11-29 12:07:00.000"))
		self.assertEqual(up["incident"], incident.name)
		self.assertEqual(frappe.db.get_value("Outage Incident", incident.name, "status"), "Resolved")
		self.assertEqual(frappe.db.count("Network Webhook Event"), 2)
