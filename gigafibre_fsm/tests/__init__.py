"""Shared pieces of the tier-2 tests (Frappe integration tests beside each doctype)."""

try:  # Frappe v16
	from frappe.tests import IntegrationTestCase
except ImportError:  # Frappe v15
	from frappe.tests.utils import FrappeTestCase as IntegrationTestCase

__all__ = ["IntegrationTestCase"]
