"""Refuse links to records that do not exist, where Frappe v15 does not.

Frappe v15 skips the existence check of a Link field when another field fetches from it
(`fetch_from`) and the target is missing (`BaseDocument.get_invalid_links` only records an
invalid link when the fetch query returned a row). Our forms fetch names and coordinates
from most links, so the controllers call this instead of trusting the framework.
"""

import frappe
from frappe import _


def require_existing_links(doc) -> None:
	for row in [doc, *doc.get_all_children()]:
		for df in row.meta.get_link_fields():
			value = row.get(df.fieldname)
			if value and not frappe.db.exists(df.options, value):
				where = _("Row {0}").format(row.idx) + ": " if row.get("parentfield") else ""
				frappe.throw(
					where + _("{0} {1} does not exist").format(_(df.options), frappe.bold(value)),
					frappe.LinkValidationError,
				)
