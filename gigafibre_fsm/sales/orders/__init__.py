"""The online order, framework-free: what a catalog offer is, what an order costs (in cents, with
its taxes and promotion) and whether it may be placed, and the order's status changes."""

from gigafibre_fsm.sales.orders.catalog import FEE, OPTION, PLAN, Offer, Promotion
from gigafibre_fsm.sales.orders.pricing import PricedLine, PricedOrder, TaxAmount, price_order
from gigafibre_fsm.sales.orders.status import (
	AWAITING_PAYMENT,
	CANCELLED,
	COMPLETED,
	DRAFT,
	NEEDS_ATTENTION,
	PAID,
	PROVISIONING,
	SCHEDULED,
	STATUSES,
	check_status_change,
	is_placed,
)
from gigafibre_fsm.sales.orders.validation import OrderRequest, validate_order

__all__ = [
	"AWAITING_PAYMENT",
	"CANCELLED",
	"COMPLETED",
	"DRAFT",
	"FEE",
	"NEEDS_ATTENTION",
	"OPTION",
	"PAID",
	"PLAN",
	"PROVISIONING",
	"SCHEDULED",
	"STATUSES",
	"Offer",
	"OrderRequest",
	"PricedLine",
	"PricedOrder",
	"Promotion",
	"TaxAmount",
	"check_status_change",
	"is_placed",
	"price_order",
	"validate_order",
]
