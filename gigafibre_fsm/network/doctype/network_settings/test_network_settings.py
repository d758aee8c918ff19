# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""The device side against a real local GenieACS NBI (simulators/genieacs_nbi): the poller's
cached state and backoff, the /devices API, the one-call network state, role limits."""

import glob
import os

import frappe
import requests

from gigafibre_fsm.api import network as api
from gigafibre_fsm.network.services import poller
from gigafibre_fsm.network.tests.peers import acs_peer, clear_settings_cache
from gigafibre_fsm.services.core_errors import ExternalServiceUnavailable
from gigafibre_fsm.tests import ERPNEXT_RECORDS, IntegrationTestCase
from gigafibre_fsm.tests.factories import make_location, make_technician, make_user

IGNORE_TEST_RECORD_DEPENDENCIES = ERPNEXT_RECORDS  # Frappe v16
test_ignore = IGNORE_TEST_RECORD_DEPENDENCIES  # Frappe v15's name

NOC = "noc.network@example.com"
TECH = "tech.network@example.com"
DISPATCHER = "dispatch.network@example.com"


class TestDevicesAndPoller(IntegrationTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.sim = acs_peer(devices=6)
		cls.devices = sorted(cls.sim.devices.values(), key=lambda d: d["_id"])[:3]

	@classmethod
	def tearDownClass(cls):
		cls.sim.stop()
		super().tearDownClass()
		clear_settings_cache()

	def setUp(self):
		frappe.set_user("Administrator")
		frappe.db.savepoint("network_test")
		poller.reset_health()
		self.sim.fail_requests(0)
		make_user(NOC, "NOC Operator")
		make_user(TECH, "Field Technician")
		make_user(DISPATCHER, "Dispatcher")
		self.location = make_location()
		self.equipment = []
		for n, device in enumerate(self.devices):
			self.equipment.append(
				frappe.get_doc(
					{
						"doctype": "Service Equipment",
						"equipment_type": "ONT",
						"status": "Active",
						"serial_number": device["_deviceId"]["_SerialNumber"],
						# the last one has no ACS id yet: the API finds it by serial
						"acs_device_id": device["_id"] if n < 2 else None,
						"service_location": self.location.name,
					}
				)
				.insert(ignore_permissions=True)
				.name
			)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback(save_point="network_test")
		clear_settings_cache()
		poller.reset_health()

	def _state(self, name):
		return frappe.db.get_value(
			"Service Equipment",
			name,
			["online", "state_updated_on", "state_stale", "state_error", "optical_status", "last_inform"],
			as_dict=True,
		)

	def test_poller_caches_each_devices_state(self):
		self.assertGreaterEqual(poller.enqueue_device_polls(), 1)
		for name in self.equipment[:2]:
			state = self._state(name)
			self.assertTrue(state.state_updated_on)
			self.assertFalse(state.state_stale)
			self.assertTrue(state.last_inform)
			self.assertIn(state.optical_status, ("ok", "warning", "critical", "unknown"))
		self.assertFalse(self._state(self.equipment[2]).state_updated_on)  # no ACS id: not polled

	def _xx230v(self) -> dict:
		"""The operator's XX230v (a real export from the repository's tests/data/devices)."""
		from simulators.genieacs_nbi import load_device_csv

		exports = os.path.join(
			os.path.dirname(frappe.get_app_path("gigafibre_fsm")), "tests", "data", "devices"
		)
		found = glob.glob(os.path.join(exports, "device-1C61B4-XX230v-*.csv"))
		if not found:
			self.skipTest("the repository's tests/data/devices is not beside the app")
		doc = load_device_csv(found[0])
		self.sim.add_device(doc)
		self.addCleanup(requests.delete, f"{self.sim.base_url}/devices/{doc['_id']}", timeout=5)
		return doc

	def test_lookup_by_the_olt_serial_finds_device_and_equipment_in_either_spelling(self):
		doc = self._xx230v()
		equipment = (
			frappe.get_doc(
				{
					"doctype": "Service Equipment",
					"equipment_type": "ONT",
					"status": "Active",
					"serial_number": "54504c47b4fb2ac8",  # stored normalised: TPLGB4FB2AC8
					"service_location": self.location.name,
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		self.assertEqual(frappe.db.get_value("Service Equipment", equipment, "serial_number"), "TPLGB4FB2AC8")
		frappe.set_user(NOC)
		for typed in ("TPLGB4FB2AC8", "54504C47B4FB2AC8"):
			found = api.lookup_device(serial=typed)
			self.assertEqual(found["summary"]["device_id"], doc["_id"])
			self.assertEqual(found["summary"]["gpon_serial"], "TPLGB4FB2AC8")
			self.assertEqual(found["equipment"], equipment)

	def test_cached_state_follows_the_configured_thresholds(self):
		"""The poller judges with Network Settings' thresholds, as the live summary does: the
		operator's XX230v (real export, RX -2.50 dBm) is an overload at the class B+ limit of
		-8 dBm and fine once the operator raises the limit."""
		doc = self._xx230v()
		name = self.equipment[0]
		frappe.db.set_value("Service Equipment", name, "acs_device_id", doc["_id"])
		for rx_max, expected in ((-8, "critical"), (-1, "ok")):  # (an empty Float field, 0, is "default")
			for field, value in (
				("rx_warning_dbm", -25),
				("rx_critical_dbm", -27),
				("rx_max_dbm", rx_max),
			):
				frappe.db.set_single_value("Network Settings", field, value)
			clear_settings_cache()
			self.assertEqual(poller.poll_devices([doc["_id"]])["polled"], 1)
			state = frappe.db.get_value(
				"Service Equipment", name, ["optical_status", "optical_rx_dbm"], as_dict=True
			)
			self.assertEqual(state.optical_status, expected)
			self.assertAlmostEqual(state.optical_rx_dbm, -2.5)
			live = api.device_summary(equipment=name)
			self.assertEqual(live["optical"]["status"], state.optical_status)

	def test_acs_down_marks_stale_and_backs_off(self):
		poller.enqueue_device_polls()
		frappe.db.set_single_value("Network Settings", "acs_url", "http://127.0.0.1:9")
		clear_settings_cache()
		result = poller.poll_devices(
			[frappe.db.get_value("Service Equipment", self.equipment[0], "acs_device_id")]
		)
		self.assertEqual(result["polled"], 0)
		state = self._state(self.equipment[0])
		self.assertTrue(state.state_stale)
		self.assertTrue(state.state_error)
		self.assertTrue(state.last_inform, "the last known state stays visible")
		health = poller.get_health()
		self.assertEqual(health.consecutive_failures, 1)
		self.assertEqual(poller.enqueue_device_polls(), 0, "backing off: nothing is enqueued")
		# The API says clearly that the ACS is down.
		with self.assertRaises(ExternalServiceUnavailable):
			api.device_summary(equipment=self.equipment[0])
		# So does the network state, without failing the rest of the answer.
		answer = api.network_state("Service Location", self.location.name)
		modem = answer["locations"][0]["modem"]
		self.assertFalse(modem["live"])
		self.assertTrue(modem["stale"])
		self.assertIn("error", modem)

	def test_lookup_summary_hosts_and_tasks(self):
		frappe.set_user(NOC)
		serial = self.devices[2]["_deviceId"]["_SerialNumber"]
		found = api.lookup_device(serial=serial)
		self.assertEqual(found["summary"]["device_id"], self.devices[2]["_id"])
		self.assertEqual(found["equipment"], self.equipment[2])
		summary = api.device_summary(equipment=self.equipment[2])
		self.assertEqual(summary["device_id"], self.devices[2]["_id"])
		self.assertEqual(
			frappe.db.get_value("Service Equipment", self.equipment[2], "acs_device_id"),
			self.devices[2]["_id"],
		)
		hosts = api.device_hosts(equipment=self.equipment[0], refresh=0)
		self.assertIsInstance(hosts["nodes"], list)
		self.assertEqual(api.device_task("reboot", equipment=self.equipment[0])["status"], "done")
		with self.assertRaises(frappe.ValidationError):
			api.device_task("factory_reset", equipment=self.equipment[0], confirm_serial="WRONG")
		done = api.device_task(
			"factory_reset",
			equipment=self.equipment[0],
			confirm_serial=self.devices[0]["_id"].rsplit("-", 1)[-1],
		)
		self.assertEqual(done["status"], "done")
		self.assertGreaterEqual(api.fleet_summary()["total"], 6)

	def test_network_state_in_one_call(self):
		frappe.set_user(DISPATCHER)
		answer = api.network_state("Customer", self.location.customer)
		ours = next(loc for loc in answer["locations"] if loc["service_location"] == self.location.name)
		self.assertTrue(ours["modem"]["live"])
		self.assertIn("radios", ours["modem"]["wifi"])
		self.assertEqual(len(ours["equipment"]), 3)
		self.assertIsNone(ours["incident"])

	def test_modem_bridge_refuses_a_public_address_before_any_job(self):
		frappe.set_user(NOC)
		frappe.db.set_value("Service Equipment", self.equipment[0], "management_ip", "8.8.8.8")
		with self.assertRaises(frappe.ValidationError):
			api.modem_status(self.equipment[0])
		with self.assertRaises(frappe.ValidationError):  # no management IP at all
			api.modem_dm_get(self.equipment[1], "DEV_INFO")

	def test_roles(self):
		# a technician reads the devices of their own jobs only (gigafibre_fsm/permissions)
		frappe.set_user(TECH)
		with self.assertRaises(frappe.PermissionError):
			api.device_summary(equipment=self.equipment[0])
		frappe.set_user("Administrator")
		frappe.get_doc(
			{
				"doctype": "Dispatch Job",
				"subject": "Network check",
				"duration_minutes": 30,
				"technician": make_technician("_Test Network Tech", user=TECH),
				"service_location": self.location.name,
			}
		).insert(ignore_permissions=True)
		frappe.set_user(TECH)
		api.device_summary(equipment=self.equipment[0])
		for call in (
			lambda: api.device_task("factory_reset", equipment=self.equipment[0], confirm_serial="x"),
			lambda: api.fleet_summary(),
			lambda: api.modem_status(self.equipment[0]),
			lambda: api.acs_export(),
			lambda: api.preauthorisation_plan(self.location.name),
			lambda: api.olt_status(),
		):
			with self.assertRaises(frappe.PermissionError):
				call()
		frappe.set_user("Guest")
		with self.assertRaises(frappe.PermissionError):
			api.lookup_device(serial="x")
