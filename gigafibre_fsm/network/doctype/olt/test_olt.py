# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""An OLT walked over SNMP (snmpsim): its PON port's ONUs, and the pre-authorisation plan of a
new subscriber's ONU found in the OLT's autofind table."""

import frappe

from gigafibre_fsm.api import network as api
from gigafibre_fsm.network.services import olt as olt_service
from gigafibre_fsm.network.tests.peers import OltPeer, forget_olt, make_olt, small_olt
from gigafibre_fsm.tests import ERPNEXT_RECORDS, IntegrationTestCase
from gigafibre_fsm.tests.factories import make_location

IGNORE_TEST_RECORD_DEPENDENCIES = ERPNEXT_RECORDS  # Frappe v16
test_ignore = IGNORE_TEST_RECORD_DEPENDENCIES  # Frappe v15's name

OLT = "OLT-T3"


class TestOLT(IntegrationTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.sim = small_olt(OLT)
		cls.peer = OltPeer(public=cls.sim).start()

	@classmethod
	def tearDownClass(cls):
		cls.peer.stop()
		super().tearDownClass()
		forget_olt(OLT)

	def setUp(self):
		frappe.db.savepoint("olt_test")
		forget_olt(OLT)
		make_olt(OLT, self.peer.port, "public")

	def tearDown(self):
		frappe.db.rollback(save_point="olt_test")

	def test_credentials_are_passwords_and_names_have_no_slash(self):
		self.assertEqual(frappe.db.get_value("OLT", OLT, "community"), "*" * len("public"))
		with self.assertRaises(frappe.ValidationError):
			make_olt("BAD/OLT", 161, "x")

	def test_pon_port_and_preauthorisation(self):
		with self.assertRaises(frappe.ValidationError):  # not walked yet: a clear error
			api.pon_port_onus(OLT, "0/1/0")
		olt_service.walk_olt(OLT)
		served = make_location(olt=OLT, pon_port="0/1/0", onu_id=2).name
		onus = api.pon_port_onus(OLT, "0/1/0")["onus"]
		self.assertEqual([o["onu"] for o in onus], list(range(8)))
		self.assertEqual(onus[2]["service_location"], served)
		self.assertTrue(all(o["oper_state"] == "online" and o["rx_power_dbm"] for o in onus))

		waiting = self.sim.unregistered[0]  # discovered on 0/1/0, not registered yet
		new = make_location(
			olt=OLT,
			pon_port="0/1/0",
			onu_serial=waiting.serial,
			internet_vlan=100,
			status="Pending Installation",
		).name
		plan = api.preauthorisation_plan(new)
		self.assertEqual((plan["port"], plan["onu_id"], plan["serial"]), (0, 8, waiting.serial))
		self.assertTrue(plan["cli"])
		registered = self.sim.onus[0].serial
		with self.assertRaises(frappe.ValidationError):  # already on the OLT: a Conflict
			api.preauthorisation_plan(new, serial=registered)
