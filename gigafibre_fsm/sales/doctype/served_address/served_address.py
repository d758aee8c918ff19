# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""An address the network serves: checked and keyed by the eligibility core on every save (the
desk form, Frappe's Data Import and the bench import all come through here)."""

import frappe
from frappe import _
from frappe.model.document import Document

from gigafibre_fsm.sales.eligibility import records
from gigafibre_fsm.services.core_errors import translated_errors
from gigafibre_fsm.services.links import require_existing_links

DOCTYPE = "Served Address"


class ServedAddress(Document):
	def validate(self):
		require_existing_links(self)
		with translated_errors():
			record = records.served_record(
				self.civic,
				self.street,
				self.municipality,
				civic_end=self.civic_end,
				unit=self.unit,
				province=self.province,
				postal_code_text=self.postal_code,
				status=self.status,
				expected_date=self.expected_date,
				olt=self.olt,
				pon_port=self.pon_port,
			)
		self.update(record.values())
		self.civic_end = record.civic_end or 0
		other = frappe.db.get_value(
			DOCTYPE, {"address_key": record.address_key, "name": ("!=", self.name or "")}, "name"
		)
		if other:
			frappe.throw(
				_("This address is already recorded as {0}").format(other), frappe.DuplicateEntryError
			)

	def on_update(self):
		from gigafibre_fsm.sales.doctype.served_address import search

		search.forget_municipalities(self.municipality_key)


def on_doctype_update():
	"""The indexes the search scans (matching.Scan): a civic number then a street key's prefix,
	a civic range's end then the prefix, the prefix alone, a postal code.

	PostgreSQL compares LIKE 'prefix%' through a btree only with the pattern operator class
	(its collation is not C), so its indexes on the key use it."""
	if frappe.db.db_type == "postgres":
		for name, columns in (
			("served_address_civic_key", "civic, search_key varchar_pattern_ops"),
			("served_address_range_key", "civic_end, search_key varchar_pattern_ops"),
			("served_address_key_civic", "search_key varchar_pattern_ops, civic"),
		):
			frappe.db.sql(f'create index if not exists "{name}" on "tabServed Address" ({columns})')
	else:
		frappe.db.add_index(DOCTYPE, ["civic", "search_key"])
		frappe.db.add_index(DOCTYPE, ["civic_end", "search_key"])
		frappe.db.add_index(DOCTYPE, ["search_key", "civic"])
	frappe.db.add_index(DOCTYPE, ["postal_code", "civic"])
