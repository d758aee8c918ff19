# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""Tier 2: a suspension or reactivation of a Service Subscription reaches the subscriber's
device as the ACS tag a GenieACS preset matches, against the local GenieACS NBI simulator."""

import frappe
from frappe.utils import add_to_date, now_datetime

from gigafibre_fsm.network.tests.peers import acs_peer, clear_settings_cache
from gigafibre_fsm.subscribers.services import network_changes
from gigafibre_fsm.tests import IntegrationTestCase
from gigafibre_fsm.tests.factories import make_customer, make_location, make_plan

CHANGE = "Service Network Change"


class TestNetworkChanges(IntegrationTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.sim = acs_peer(devices=4)
		cls.devices = sorted(cls.sim.devices)

	@classmethod
	def tearDownClass(cls):
		cls.sim.stop()
		super().tearDownClass()

	def setUp(self):
		clear_settings_cache()
		frappe.db.set_value(
			"Network Settings",
			"Network Settings",
			{"acs_url": self.sim.base_url, "acs_retries": 0, "acs_read_timeout": 3},
		)
		frappe.db.set_single_value(
			"Billing Settings", {"suspension_acs_tag": "suspended", "network_change_max_tries": 3}
		)
		frappe.clear_document_cache("Billing Settings", "Billing Settings")
		clear_settings_cache()
		self.sim.fail_requests(0)
		for doc in self.sim.devices.values():
			doc["_tags"] = []

	def tearDown(self):
		self.sim.fail_requests(0)
		clear_settings_cache()

	def subscriber(self, name: str, devices=(), unmanaged: int = 0):
		customer = make_customer(name)
		location = make_location(customer).name
		for i, device in enumerate(devices):
			self.equipment(location, customer, f"{name}-{i}", device)
		for i in range(unmanaged):
			self.equipment(location, customer, f"{name}-u{i}", None)
		sub = frappe.get_doc(
			{
				"doctype": "Service Subscription",
				"customer": customer,
				"service_location": location,
				"plan_type": "Internet",
				"plan": make_plan(),
			}
		).insert(ignore_permissions=True)
		self.set_status(sub, "Active")  # a new subscription starts Pending
		return sub

	def equipment(self, location, customer, serial, device_id):
		return frappe.get_doc(
			{
				"doctype": "Service Equipment",
				"equipment_type": "ONT",
				"status": "Active",
				"serial_number": serial.upper().replace(" ", "").replace("_", "")[:20],
				"service_location": location,
				"customer": customer,
				"management_protocol": "TR-069",
				"acs_device_id": device_id,
			}
		).insert(ignore_permissions=True)

	def set_status(self, sub, status):
		sub.reload()
		sub.status = status
		sub.save(ignore_permissions=True)

	def changes(self, sub):
		return frappe.get_all(
			CHANGE,
			filters={"service_subscription": sub.name},
			fields=[
				"name",
				"action",
				"status",
				"tries",
				"last_error",
				"outcome",
				"next_try_at",
				"acs_device_id",
			],
			order_by="creation asc, name asc",
		)

	def tags(self, device):
		return list(self.sim.devices[device].get("_tags") or [])

	def test_suspending_tags_the_device_once_and_reactivating_removes_the_tag(self):
		device = self.devices[0]
		sub = self.subscriber("_Test Net Suspend", [device])
		self.set_status(sub, "Suspended")
		[change] = self.changes(sub)
		self.assertEqual((change.action, change.status, change.acs_device_id), ("Suspend", "Done", device))
		self.assertEqual(self.tags(device), ["suspended"])
		# the same change applied again (a second job): nothing more at the ACS
		posts = [r for r in self.sim.requests if r[0] == "POST"]
		frappe.db.set_value(CHANGE, change.name, "status", "Queued")
		self.assertEqual(network_changes.apply_change(change.name), "Nothing to Change")
		self.assertEqual([r for r in self.sim.requests if r[0] == "POST"], posts)
		self.assertEqual(self.tags(device), ["suspended"])
		self.set_status(sub, "Active")
		reactivated = self.changes(sub)[-1]
		self.assertEqual((reactivated.action, reactivated.status), ("Reactivate", "Done"))
		self.assertEqual(self.tags(device), [])

	def test_a_location_without_an_acs_device_records_nothing_to_change(self):
		sub = self.subscriber("_Test Net Unmanaged", unmanaged=1)
		asked = len(self.sim.requests)
		self.set_status(sub, "Suspended")
		[change] = self.changes(sub)
		self.assertEqual((change.status, change.acs_device_id), ("Nothing to Change", None))
		self.assertIn(sub.service_location, change.outcome)
		self.assertEqual(self.sim.requests[asked:], [])  # the ACS was not asked anything

	def test_a_failure_is_visible_retried_with_backoff_then_failed_with_an_error_log(self):
		device = self.devices[1]
		sub = self.subscriber("_Test Net Failing", [device])
		self.sim.fail_requests(503)
		self.set_status(sub, "Suspended")
		[change] = self.changes(sub)
		self.assertEqual((change.status, change.tries), ("Retrying", 1))
		self.assertIn("503", change.last_error)
		first_wait = (change.next_try_at - now_datetime()).total_seconds()
		self.assertTrue(240 < first_wait <= 300, first_wait)
		# not due yet: the scheduler event leaves it alone
		self.assertEqual(network_changes.retry_due_changes(), 0)
		frappe.db.set_value(CHANGE, change.name, "next_try_at", add_to_date(now_datetime(), seconds=-1))
		self.assertEqual(network_changes.retry_due_changes(), 1)  # runs inline under tests
		second = self.changes(sub)[0]
		self.assertEqual((second.status, second.tries), ("Retrying", 2))
		self.assertGreater((second.next_try_at - now_datetime()).total_seconds(), 540)  # 10 min
		logs_before = frappe.db.count("Error Log")
		frappe.db.set_value(CHANGE, change.name, "next_try_at", add_to_date(now_datetime(), seconds=-1))
		network_changes.retry_due_changes()
		last = self.changes(sub)[0]
		self.assertEqual((last.status, last.tries, last.next_try_at), ("Failed", 3, None))
		self.assertEqual(frappe.db.count("Error Log"), logs_before + 1)
		self.assertEqual(self.tags(device), [])
		# the NOC tries it again once the ACS is back
		self.sim.fail_requests(0)
		self.assertEqual(network_changes.retry_now(change.name), "Retrying")
		self.assertEqual(frappe.db.get_value(CHANGE, change.name, "status"), "Done")
		self.assertEqual(self.tags(device), ["suspended"])

	def test_a_newer_change_supersedes_a_waiting_one_and_the_device_ends_right(self):
		device = self.devices[2]
		sub = self.subscriber("_Test Net Supersede", [device])
		self.sim.fail_requests(503)
		self.set_status(sub, "Suspended")
		self.sim.fail_requests(0)
		self.set_status(sub, "Active")
		suspend, reactivate = self.changes(sub)
		self.assertEqual((suspend.status, reactivate.status), ("Superseded", "Nothing to Change"))
		self.assertEqual(self.tags(device), [])
		# a late job of the superseded change does nothing
		self.assertEqual(network_changes.apply_change(suspend.name), "Superseded")
		self.assertEqual(self.tags(device), [])

	def test_a_location_keeps_its_service_while_another_subscription_is_active(self):
		device = self.devices[3]
		sub = self.subscriber("_Test Net Two Services", [device])
		other = frappe.get_doc(
			{
				"doctype": "Service Subscription",
				"customer": sub.customer,
				"service_location": sub.service_location,
				"plan_type": "IPTV",
				"plan": make_plan(),
			}
		).insert(ignore_permissions=True)
		self.set_status(other, "Active")
		self.set_status(sub, "Suspended")
		self.assertEqual(self.changes(sub)[0].status, "Nothing to Change")
		self.assertEqual(self.tags(device), [])
		self.set_status(other, "Suspended")
		self.assertEqual(self.changes(other)[0].status, "Done")
		self.assertEqual(self.tags(device), ["suspended"])

	def test_a_suspension_for_an_unpaid_invoice_reaches_the_device(self):
		from gigafibre_fsm.billing.services import suspension

		device = self.devices[0]
		sub = self.subscriber("_Test Net Unpaid", [device])
		self.assertEqual(suspension.suspend_for_invoice(sub.customer, "SINV-UNPAID"), [sub.name])
		[change] = self.changes(sub)
		self.assertEqual((change.action, change.status), ("Suspend", "Done"))
		self.assertEqual(self.tags(device), ["suspended"])

	def test_the_subscription_form_lists_its_network_changes(self):
		data = frappe.get_meta("Service Subscription").get_dashboard_data()
		self.assertEqual(data.fieldname, "service_subscription")
		self.assertIn(CHANGE, [item for group in data.transactions for item in group["items"]])

	def test_a_tag_the_nbi_would_refuse_cannot_be_saved(self):
		settings = frappe.get_single("Billing Settings")
		settings.suspension_acs_tag = "sus pended"
		with self.assertRaises(frappe.ValidationError):
			settings.save(ignore_permissions=True)
