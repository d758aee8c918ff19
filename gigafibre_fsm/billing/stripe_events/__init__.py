"""Stripe webhook events as idempotent actions on our books (see plan.py)."""

from gigafibre_fsm.billing.stripe_events.plan import (
	DISPUTE_FINAL,
	PAYMENT_EVENTS,
	Acknowledge,
	Action,
	NoteStatus,
	RecordDispute,
	RecordDisputeLoss,
	RecordFailure,
	RecordPayment,
	RecordRefund,
	Review,
	SavePaymentMethod,
	dispute_status_after,
	plan,
)
from gigafibre_fsm.billing.stripe_events.stripe_billing import (
	RecordInvoiceFailure,
	RecordInvoicePayment,
	SetServiceStatus,
)

__all__ = [
	"DISPUTE_FINAL",
	"PAYMENT_EVENTS",
	"Acknowledge",
	"Action",
	"NoteStatus",
	"RecordDispute",
	"RecordDisputeLoss",
	"RecordFailure",
	"RecordInvoiceFailure",
	"RecordInvoicePayment",
	"RecordPayment",
	"RecordRefund",
	"Review",
	"SavePaymentMethod",
	"SetServiceStatus",
	"dispute_status_after",
	"plan",
]
