"""Contracts and their acceptance: the secret link, the audit record, the exact PDF, the price.

Framework-free (no frappe): the shell is the Service Contract doctype (`sales/doctype/
service_contract/`), the page `/contract` and `api/sales.py`.
"""

from gigafibre_fsm.sales.contracts.acceptance import (
	ACCEPTED,
	CANCELLED,
	DRAFT,
	SENT,
	STATUSES,
	VIA_LINK,
	VIA_ORDER,
	Acceptance,
	ContractState,
	check_status_change,
	decide_acceptance,
	refuse_if_closed,
)
from gigafibre_fsm.sales.contracts.documents import DocumentAltered, require_pdf, same_document, sha256_hex
from gigafibre_fsm.sales.contracts.pricing import TaxLine, Totals, monthly_totals
from gigafibre_fsm.sales.contracts.tokens import (
	DEFAULT_VALIDITY,
	INVALID_LINK,
	ExpiredLink,
	InvalidLink,
	check_link,
	expiry,
	hash_token,
	link,
	new_token,
	token_matches,
)

__all__ = [
	"ACCEPTED",
	"CANCELLED",
	"DEFAULT_VALIDITY",
	"DRAFT",
	"INVALID_LINK",
	"SENT",
	"STATUSES",
	"VIA_LINK",
	"VIA_ORDER",
	"Acceptance",
	"ContractState",
	"DocumentAltered",
	"ExpiredLink",
	"InvalidLink",
	"TaxLine",
	"Totals",
	"check_link",
	"check_status_change",
	"decide_acceptance",
	"expiry",
	"hash_token",
	"link",
	"monthly_totals",
	"new_token",
	"refuse_if_closed",
	"require_pdf",
	"same_document",
	"sha256_hex",
	"token_matches",
]
