"""Frappe's own REST methods that would read past the permission layer, made to go through it.

- `frappe.client.get_count` (v15) counts the whole table with `frappe.db.count`, without role
  permissions or `permission_query_conditions`: a portal user learns how many jobs, locations
  and subscriptions exist. Here the count is made like the list (`frappe.get_list`).
- `frappe.desk.search.search_link` and `search_widget` accept `ignore_user_permissions=1` from
  the caller, and then list with `ignore_permissions=True` whenever the user may read the
  doctype at all: every condition of the layer is skipped and a customer finds every job. Here
  a customer or technician never gets that flag on the app's doctypes.

hooks.py's `override_whitelisted_methods` sends the three methods here.
"""

import frappe
from frappe.client import get_safe_filters
from frappe.desk import search

from gigafibre_fsm.permissions import policy
from gigafibre_fsm.permissions.services import scopes


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


def _may_skip_conditions(doctype: str, asked: bool) -> bool:
	"""Whether to pass the caller's `ignore_user_permissions` on: never for a customer or
	technician on a doctype of the app (it would skip the layer's conditions)."""
	if not asked:
		return False
	return scopes.is_staff() or not policy.classified(doctype)


@frappe.whitelist()
def search_link(
	doctype: str,
	txt: str,
	query: str | None = None,
	filters: str | dict | list | None = None,
	page_length: int = 10,
	searchfield: str | None = None,
	reference_doctype: str | None = None,
	ignore_user_permissions: bool = False,
) -> list:
	"""`frappe.desk.search.search_link`, within the layer's conditions."""
	return search.search_link(
		doctype,
		txt,
		query=query,
		filters=filters,
		page_length=page_length,
		searchfield=searchfield,
		reference_doctype=reference_doctype,
		ignore_user_permissions=_may_skip_conditions(doctype, ignore_user_permissions),
	)


@frappe.whitelist()
def search_widget(
	doctype: str,
	txt: str,
	query: str | None = None,
	searchfield: str | None = None,
	start: int = 0,
	page_length: int = 10,
	filters: str | dict | list | None = None,
	filter_fields: str | list | None = None,
	as_dict: bool = False,
	reference_doctype: str | None = None,
	ignore_user_permissions: bool = False,
) -> list:
	"""`frappe.desk.search.search_widget`, within the layer's conditions."""
	return search.search_widget(
		doctype,
		txt,
		query=query,
		searchfield=searchfield,
		start=start,
		page_length=page_length,
		filters=filters,
		filter_fields=filter_fields,
		as_dict=as_dict,
		reference_doctype=reference_doctype,
		ignore_user_permissions=_may_skip_conditions(doctype, ignore_user_permissions),
	)
