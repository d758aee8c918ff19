"""Stripe webhook events as idempotent actions on our books (see plan.py)."""

from gigafibre_fsm.billing.stripe_events.plan import (
	PAYMENT_EVENTS,
	Acknowledge,
	Action,
	NoteStatus,
	RecordDispute,
	RecordFailure,
	RecordPayment,
	RecordRefund,
	Review,
	SavePaymentMethod,
	plan,
)

__all__ = [
	"PAYMENT_EVENTS",
	"Acknowledge",
	"Action",
	"NoteStatus",
	"RecordDispute",
	"RecordFailure",
	"RecordPayment",
	"RecordRefund",
	"Review",
	"SavePaymentMethod",
	"plan",
]
