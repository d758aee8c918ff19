"""The life of a Service Order.

Draft (choosing) → Awaiting Payment (sent to Stripe Checkout) → Paid → Provisioning (the
customer's records exist, the network steps run) → Scheduled (the steps are done, the
installation is booked) → Completed (installed). A failure once the payment is in leaves the
order in Needs Attention, the payment recorded, until staff finish it (→ Provisioning).
"""

from gigafibre_fsm.errors import IllegalTransition, _

DRAFT = "Draft"
AWAITING_PAYMENT = "Awaiting Payment"
PAID = "Paid"
PROVISIONING = "Provisioning"
SCHEDULED = "Scheduled"
COMPLETED = "Completed"
NEEDS_ATTENTION = "Needs Attention"
CANCELLED = "Cancelled"
STATUSES = (DRAFT, AWAITING_PAYMENT, PAID, PROVISIONING, SCHEDULED, COMPLETED, NEEDS_ATTENTION, CANCELLED)

ALLOWED = {
	DRAFT: {AWAITING_PAYMENT, CANCELLED},
	# back to Draft: the customer changed their order before paying (a new Checkout Session)
	AWAITING_PAYMENT: {DRAFT, PAID, PROVISIONING, NEEDS_ATTENTION, CANCELLED},
	PAID: {PROVISIONING, NEEDS_ATTENTION},
	PROVISIONING: {SCHEDULED, NEEDS_ATTENTION, COMPLETED},
	SCHEDULED: {COMPLETED, PROVISIONING},
	NEEDS_ATTENTION: {PROVISIONING, SCHEDULED, CANCELLED},
	COMPLETED: set(),
	CANCELLED: set(),
}


def check_status_change(old: str | None, new: str) -> None:
	"""Refuse a status change the order's life does not allow (IllegalTransition)."""
	if new not in STATUSES:
		raise IllegalTransition(_("{status} is not a status of an order"), status=new)
	if old is None or old == new:
		return
	if new not in ALLOWED.get(old, set()):
		raise IllegalTransition(_("An order cannot go from {old} to {new}"), old=old, new=new)


def is_placed(status: str) -> bool:
	"""True once the payment turned into the customer's records (a replayed payment does nothing)."""
	return status in (PROVISIONING, SCHEDULED, COMPLETED)
