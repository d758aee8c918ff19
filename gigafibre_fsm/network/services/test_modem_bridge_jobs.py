# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""The modem bridge from Frappe: the NOC asks, a background job drives Debian's Chromium into
a local modem GUI whose API is encrypted by its own JavaScript, and the result comes back."""

import os
import shutil
import tempfile
import unittest

import frappe

from gigafibre_fsm.api import network as api
from gigafibre_fsm.network.services import modem
from gigafibre_fsm.network.tests.peers import clear_settings_cache
from gigafibre_fsm.tests import IntegrationTestCase

try:
	from simulators.modem_gui import start_fleet, stop_fleet
except ImportError:  # the app installed without its repository around it
	start_fleet = None

CHROMIUM = "/usr/bin/chromium"


@unittest.skipUnless(
	start_fleet and os.path.exists(CHROMIUM), "needs the modem GUI simulator and Debian's chromium"
)
class TestModemBridgeJobs(IntegrationTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.home = tempfile.mkdtemp()
		os.environ.update(XDG_CONFIG_HOME=cls.home, XDG_CACHE_HOME=cls.home)  # Chromium writes there
		cls.modems = start_fleet(1)

	@classmethod
	def tearDownClass(cls):
		stop_fleet(cls.modems)
		shutil.rmtree(cls.home, ignore_errors=True)
		super().tearDownClass()
		clear_settings_cache()

	def setUp(self):
		frappe.set_user("Administrator")
		sim = self.modems[0]
		settings = frappe.get_doc("Network Settings")
		settings.update(
			{
				"chromium_path": CHROMIUM,
				"modem_scheme": "http",
				"modem_port": sim.port,
				"modem_username": sim.username,
				"modem_password": sim.password,
				"modem_allow_loopback": 1,
			}
		)
		settings.save(ignore_permissions=True)
		clear_settings_cache()
		serial = "MODEMJOB1"
		name = frappe.db.get_value("Service Equipment", {"serial_number": serial})
		self.equipment = (
			name
			or frappe.get_doc(
				{
					"doctype": "Service Equipment",
					"equipment_type": "ONT",
					"serial_number": serial,
					"management_ip": sim.host,
				}
			)
			.insert(ignore_permissions=True)
			.name
		)

	def test_status_is_read_through_the_modems_own_javascript(self):
		queued = api.modem_status(self.equipment)
		self.assertTrue(queued["queued"])
		result = modem.run_modem_operation(self.equipment, "status")  # the background job, run here
		self.assertNotIn("error", result)
		self.assertTrue(result["result"]["model"])
		self.assertGreaterEqual(self.modems[0].stats.logins_ok, 1)

	def test_wrong_password_comes_back_as_a_clear_error(self):
		settings = frappe.get_doc("Network Settings")
		settings.modem_password = "wrong"
		settings.save(ignore_permissions=True)
		clear_settings_cache()
		result = modem.run_modem_operation(self.equipment, "status")
		self.assertIn("error", result)
