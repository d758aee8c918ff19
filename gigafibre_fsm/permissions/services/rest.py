"""Frappe's own REST methods that would count past the permission layer.

`frappe.client.get_count` (v15) counts the whole table with `frappe.db.count`, without role
permissions or `permission_query_conditions`: a portal user learns how many jobs, locations
and subscriptions exist. hooks.py's `override_whitelisted_methods` sends it here, where the
count is made like the list (`frappe.get_list`), so it counts only what the user may list.
"""

import frappe
from frappe.client import get_safe_filters


@frappe.whitelist()
def get_count(
	doctype: str, filters: str | dict | list | None = None, debug: bool = False, cache: bool = False
) -> int:
	"""The number of `doctype` records matching `filters` that the user may list (`cache` is
	ignored: a count is per user)."""
	rows = frappe.get_list(
		doctype,
		filters=get_safe_filters(filters),
		fields=[f"count(`tab{doctype}`.`name`) as total_count"],
		order_by=None,
	)
	return int(rows[0].get("total_count") or 0) if rows else 0
