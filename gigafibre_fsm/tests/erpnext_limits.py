"""What ERPNext itself cannot do on the database a test runs on, found by asking it.

ERPNext v15 cannot record an invoice's outstanding amount on PostgreSQL: every submitted Sales
Invoice or Payment Entry goes through `QueryPaymentLedger.query_for_outstanding`, which selects
`account` without grouping by it (a GroupingError there). Tests that submit invoices skip with
that reason instead of failing on ERPNext's bug; where ERPNext can (MariaDB, a fixed release),
they run.
"""

import frappe


def why_erpnext_cannot_post_invoices() -> str | None:
	"""None when ERPNext can compute invoice outstandings here, else why not (its own error)."""
	from erpnext.accounts.utils import QueryPaymentLedger

	frappe.db.savepoint("erpnext_limits")
	try:
		QueryPaymentLedger().get_voucher_outstandings(vouchers=[], common_filter=[])
	except Exception as e:
		return f"ERPNext cannot post invoices on {frappe.db.db_type} here: {str(e).splitlines()[0]}"
	finally:
		frappe.db.rollback(save_point="erpnext_limits")
	return None
