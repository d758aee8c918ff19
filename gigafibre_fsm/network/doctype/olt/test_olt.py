# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""An OLT walked over SNMP (snmpsim): its PON port's ONUs, and the pre-authorisation plan of a
new subscriber's ONU found in the OLT's autofind table. An OLT that answers as another vendor
is refused and changes nothing; one that suddenly answers with no ONUs is an anomaly, not a
mass removal; an OLT whose model is "auto" keeps the model its first walk identified."""

import unittest

import frappe

from gigafibre_fsm.api import network as api
from gigafibre_fsm.network.services import olt as olt_service
from gigafibre_fsm.network.tests.peers import OltPeer, forget_olt, make_olt, set_community, small_olt
from gigafibre_fsm.tests import ERPNEXT_RECORDS, IntegrationTestCase
from gigafibre_fsm.tests.factories import make_location

IGNORE_TEST_RECORD_DEPENDENCIES = ERPNEXT_RECORDS  # Frappe v16
test_ignore = IGNORE_TEST_RECORD_DEPENDENCIES  # Frappe v15's name

OLT = "OLT-T3"


def zte_olt(name: str):
	"""A ZTE C320 recording of the same size as small_olt's Huawei one."""
	try:
		from simulators.olt_snmp import generate_fleet
	except ImportError as e:
		raise unittest.SkipTest(f"the OLT simulator is not importable: {e}")
	return generate_fleet(
		"zte_c320",
		onu_count=32,
		ports_per_card=4,
		onus_per_port=8,
		offline_fraction=0.0,
		unregistered=0,
		name=name,
	)


def state_changes(olt: str, **filters) -> int:
	return frappe.db.count("ONU State Change", {"olt": olt, **filters})


class TestOLT(IntegrationTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.sim = small_olt(OLT)
		# one ONU of the Huawei OLT down, so that the baseline walk records a change
		down = cls.sim.onus[5].serial
		cls.peer = OltPeer(
			public=cls.sim,
			onedown=cls.sim.with_down(onus={down}),
			zte=zte_olt(OLT),
			empty=cls.sim.emptied(),
		).start()

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

	def test_another_vendors_olt_is_refused_and_changes_nothing(self):
		set_community(OLT, "onedown")
		self.assertTrue(olt_service.walk_olt(OLT)["ok"])  # the baseline: 32 ONUs, one down
		before = olt_service.latest_snapshot(OLT)
		recorded = state_changes(OLT)
		self.assertEqual((len(before.onus), recorded), (32, 1))

		set_community(OLT, "zte")  # a ZTE C320 now answers on the Huawei OLT's address
		outcome = olt_service.walk_olt(OLT)
		self.assertFalse(outcome["ok"])
		self.assertEqual(outcome["status"], "Model Mismatch")
		olt = frappe.get_doc("OLT", OLT)
		self.assertEqual(olt.status, "Model Mismatch")
		self.assertIn("ZTE", olt.last_error)
		self.assertIn("Huawei", olt.last_error)
		self.assertEqual((olt.layout, olt.onu_count, olt.onus_online), ("huawei_ma5800", 32, 31))
		self.assertEqual(state_changes(OLT), recorded)  # no removal, no addition, nothing
		self.assertEqual(olt_service.latest_snapshot(OLT).taken_at, before.taken_at)

		set_community(OLT, "onedown")  # the right OLT again: walks resume, nothing new to report
		self.assertTrue(olt_service.walk_olt(OLT)["ok"])
		olt.reload()
		self.assertEqual((olt.status, olt.last_error), ("Online", None))
		self.assertEqual(state_changes(OLT), recorded)

	def test_an_olt_that_suddenly_answers_empty_keeps_its_last_walk(self):
		self.assertTrue(olt_service.walk_olt(OLT)["ok"])
		before = olt_service.latest_snapshot(OLT)
		self.assertEqual(len(before.onus), 32)

		set_community(OLT, "empty")  # same vendor, no ONU at all
		outcome = olt_service.walk_olt(OLT)
		self.assertEqual((outcome["ok"], outcome["status"]), (False, "Anomaly"))
		olt = frappe.get_doc("OLT", OLT)
		self.assertEqual((olt.status, olt.onu_count), ("Anomaly", 32))
		self.assertIn("32", olt.last_error)
		self.assertEqual(state_changes(OLT, change="removed"), 0)
		self.assertEqual(state_changes(OLT), 0)
		kept = olt_service.latest_snapshot(OLT)
		self.assertEqual((len(kept.onus), kept.taken_at), (32, before.taken_at))

	def test_auto_keeps_the_model_its_first_walk_identified(self):
		olt = frappe.get_doc("OLT", OLT)
		olt.layout = "auto"
		olt.save(ignore_permissions=True)
		self.assertTrue(olt_service.walk_olt(OLT)["ok"])
		olt.reload()
		self.assertEqual((olt.layout, olt.status, olt.onu_count), ("huawei_ma5800", "Online", 32))

		set_community(OLT, "zte")  # from now on, the identified model is what is expected
		self.assertEqual(olt_service.walk_olt(OLT)["status"], "Model Mismatch")
		olt.reload()
		self.assertEqual(olt.layout, "huawei_ma5800")
		self.assertEqual(state_changes(OLT), 0)
