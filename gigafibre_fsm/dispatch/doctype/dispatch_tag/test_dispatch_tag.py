# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

import frappe

from gigafibre_fsm.setup.install import DEFAULT_TAGS
from gigafibre_fsm.tests import ERPNEXT_RECORDS, IntegrationTestCase

IGNORE_TEST_RECORD_DEPENDENCIES = ERPNEXT_RECORDS  # Frappe v16
test_ignore = IGNORE_TEST_RECORD_DEPENDENCIES  # Frappe v15's name


class TestDispatchTag(IntegrationTestCase):
	def test_default_tags_exist_after_install(self):
		for tag, _category in DEFAULT_TAGS:
			self.assertTrue(frappe.db.exists("Dispatch Tag", tag))

	def test_duplicate_tag_is_refused(self):
		with self.assertRaises(frappe.DuplicateEntryError):
			frappe.get_doc({"doctype": "Dispatch Tag", "tag_name": "Fibre Splicing"}).insert(
				ignore_permissions=True
			)
