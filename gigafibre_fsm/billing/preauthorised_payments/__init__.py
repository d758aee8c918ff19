"""Pre-authorised payments (PPA): which due invoices to charge, with which idempotency key, on
which retry schedule, and a run that never charges an invoice twice. See README.md."""

from gigafibre_fsm.billing.preauthorised_payments.policy import (
	DECLINED,
	ERROR,
	FAILURES,
	NO_TRIES_LEFT,
	NOT_CHARGED,
	PROCESSING,
	REQUIRES_ACTION,
	STARTED,
	STATUSES,
	SUCCEEDED,
	Attempt,
	Charge,
	DueInvoice,
	RetryPolicy,
	Skip,
	decide,
	idempotency_key,
	outcome_status,
)
from gigafibre_fsm.billing.preauthorised_payments.run import Gateway, Ledger, RunReport, run_batch

__all__ = [
	"DECLINED",
	"ERROR",
	"FAILURES",
	"NOT_CHARGED",
	"NO_TRIES_LEFT",
	"PROCESSING",
	"REQUIRES_ACTION",
	"STARTED",
	"STATUSES",
	"SUCCEEDED",
	"Attempt",
	"Charge",
	"DueInvoice",
	"Gateway",
	"Ledger",
	"RetryPolicy",
	"RunReport",
	"Skip",
	"decide",
	"idempotency_key",
	"outcome_status",
	"run_batch",
]
