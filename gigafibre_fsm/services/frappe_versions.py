"""What differs between the Frappe versions the app runs on (v15 and v16), in one place."""

import frappe


def in_test() -> bool:
	"""Whether Frappe runs tests: `frappe.in_test` on v16, `frappe.flags.in_test` on v15 (which
	v16 deprecates)."""
	flag = getattr(frappe, "in_test", None)
	if isinstance(flag, bool):
		return flag
	return bool(frappe.flags.in_test)
