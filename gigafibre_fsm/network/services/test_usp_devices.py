# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""TR-369/USP devices behind the same summary, against a local double of Oktopus's controller."""

import frappe

from gigafibre_fsm.api import network as api
from gigafibre_fsm.network.tests.peers import clear_settings_cache
from gigafibre_fsm.tests import IntegrationTestCase

try:
	from simulators.oktopus_controller import OktopusDouble, usp_device_params
except ImportError:  # the app installed without its repository around it
	OktopusDouble = None

SERIAL = "0022000009876"


class TestUspDevices(IntegrationTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		if OktopusDouble is None:
			raise cls.skipTest(cls, "simulators are not importable")
		cls.controller = OktopusDouble()
		cls.controller.add_device(SERIAL, usp_device_params(SERIAL, seed=5))
		cls.url = cls.controller.start()

	@classmethod
	def tearDownClass(cls):
		cls.controller.stop()
		super().tearDownClass()
		clear_settings_cache()

	def setUp(self):
		frappe.set_user("Administrator")
		settings = frappe.get_doc("Network Settings")
		settings.update(
			{"oktopus_url": self.url, "oktopus_username": "noc@gigafibre.ca", "oktopus_password": "secret"}
		)
		settings.save(ignore_permissions=True)
		clear_settings_cache()
		name = frappe.db.get_value("Service Equipment", {"serial_number": SERIAL})
		self.equipment = (
			frappe.get_doc("Service Equipment", name)
			if name
			else frappe.get_doc(
				{
					"doctype": "Service Equipment",
					"equipment_type": "Router",
					"serial_number": SERIAL,
					"management_protocol": "TR-369",
				}
			).insert(ignore_permissions=True)
		)

	def test_summary_of_a_usp_device_has_the_tr069_shape(self):
		summary = api.device_summary(equipment=self.equipment.name)
		self.assertEqual(summary["serial"], SERIAL)
		self.assertEqual(summary["data_model"], "TR-181")
		self.assertTrue(summary["online"])
		self.assertTrue(summary["radios"])

	def test_controller_down_is_a_clear_error(self):
		self.controller.stop()
		try:
			with self.assertRaises(frappe.ValidationError):
				api.device_summary(equipment=self.equipment.name)
		finally:
			self.__class__.url = self.controller.start()
