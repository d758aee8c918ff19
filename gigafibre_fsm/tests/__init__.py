"""Shared pieces of the tier-2 tests (Frappe integration tests beside each doctype)."""

try:  # Frappe v16
	from frappe.tests import IntegrationTestCase
except ImportError:  # Frappe v15
	from frappe.tests.utils import FrappeTestCase as IntegrationTestCase

__all__ = ["IntegrationTestCase"]

# The tests build the ERPNext records they need themselves (factories.py). Frappe's test runner
# would otherwise also create ERPNext's own test records for every linked doctype, which posts
# stock and fails on PostgreSQL with ERPNext v15; each test module sets `test_ignore` to this.
ERPNEXT_RECORDS = [
	"Address", "Company", "Contact", "Customer", "Employee", "File", "Issue", "Item", "Journal Entry",
	"Payment Entry", "Sales Invoice", "Stock Entry", "Subscription", "Terms and Conditions", "UOM",
	"User", "Warehouse",
]  # fmt: skip

__all__ += ["ERPNEXT_RECORDS"]
