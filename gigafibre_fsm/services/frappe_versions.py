"""What differs between the Frappe versions the app runs on (v15 and v16), in one place."""

import frappe


def in_test() -> bool:
	"""Whether Frappe runs tests: `frappe.in_test` on v16, `frappe.flags.in_test` on v15 (which
	v16 deprecates)."""
	flag = getattr(frappe, "in_test", None)
	if isinstance(flag, bool):
		return flag
	return bool(frappe.flags.in_test)


def commit_job() -> None:
	"""Commit a background job's own transaction. Inline under tests (`now=True`) the job runs in
	the test's transaction, which the test framework rolls back: that one is never committed."""
	if not in_test():
		frappe.db.commit()  # nosemgrep
