# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

import os

import frappe

from gigafibre_fsm.billing.services.invoice_links import set_portal_link_and_qr_code
from gigafibre_fsm.tests import IntegrationTestCase
from gigafibre_fsm.tests.factories import make_customer, make_location, make_user


class TestInstall(IntegrationTestCase):
	def test_roles_exist(self):
		for role in ("Dispatcher", "Field Technician", "NOC Operator", "Billing Agent"):
			self.assertTrue(frappe.db.exists("Role", role))

	def test_custom_fields_on_erpnext_doctypes(self):
		expected = {
			"Customer": ("stripe_id", "is_commercial", "ppa_enabled"),
			"Subscription": ("actual_price", "service_location"),
			"Issue": ("service_location",),
			"Sales Invoice": ("portal_link", "portal_qr_code"),
		}
		for doctype, fieldnames in expected.items():
			meta = frappe.get_meta(doctype)
			for fieldname in fieldnames:
				self.assertTrue(meta.has_field(fieldname), f"{doctype}.{fieldname}")

	def test_issue_dashboard_lists_dispatch_jobs(self):
		data = frappe.get_meta("Issue").get_dashboard_data()
		items = [item for group in data.transactions for item in group["items"]]
		self.assertIn("Dispatch Job", items)

	def test_invoice_carries_portal_link_and_qr_code(self):
		invoice = frappe._dict(name="ACC-SINV-2026-00001")
		set_portal_link_and_qr_code(invoice)
		self.assertTrue(invoice.portal_link.endswith("/invoices/ACC-SINV-2026-00001"))
		self.assertTrue(invoice.portal_qr_code.startswith("data:image/svg+xml;base64,"))


class TestCustomersSeeOnlyTheirRecords(IntegrationTestCase):
	def tearDown(self):
		frappe.set_user("Administrator")

	def test_portal_customer_sees_own_locations_only(self):
		user = make_user("portal.customer@example.com", "Customer", user_type="Website User")
		mine = make_customer("_Test Portal Customer")
		customer = frappe.get_doc("Customer", mine)
		if not any(row.user == user for row in customer.portal_users):
			customer.append("portal_users", {"user": user})
			customer.save(ignore_permissions=True)
		own = make_location(customer=mine)
		other = make_location(customer=make_customer("_Test Someone Else"))

		frappe.set_user(user)
		visible = set(frappe.get_list("Service Location", pluck="name"))
		self.assertIn(own.name, visible)
		self.assertNotIn(other.name, visible)
		self.assertFalse(frappe.has_permission("Service Location", "read", other.name))
		self.assertFalse(frappe.has_permission("Service Location", "write", own.name))


class TestTranslations(IntegrationTestCase):
	def test_french_comes_from_the_gettext_catalogue(self):
		from babel.messages.pofile import read_po
		from frappe.translate import get_translations_from_apps

		from gigafibre_fsm.setup.translations import compile_catalogues

		compile_catalogues()
		with open(frappe.get_app_path("gigafibre_fsm", "locale", "fr.po"), "rb") as fh:
			catalogue = {m.id: m.string for m in read_po(fh) if m.id}
		loaded = get_translations_from_apps("fr", ["gigafibre_fsm"])
		for source in ("Dispatch Job Series", "Outage Incident", "{} Open", "Fibre Splicing"):
			self.assertEqual(loaded.get(source), catalogue[source], source)
		# and nothing from a CSV beside it: the catalogue is the one source
		self.assertFalse(os.path.exists(frappe.get_app_path("gigafibre_fsm", "translations")))
