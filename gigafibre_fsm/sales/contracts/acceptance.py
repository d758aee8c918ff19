"""A contract's life (Draft, Sent, Accepted, Cancelled) and the decision to accept it.

An acceptance is an audit record: when, from which address and browser, who signed (the name
they typed, and the e-mail or user they are known by), how (the secret link, or signed in
during the order), and the SHA-256 of the exact PDF bytes they accepted. `decide_acceptance`
builds it from plain data or refuses with a typed error; the shell locks the contract's row,
reads its state and the stored PDF's bytes, decides, and saves the record, once.
"""

from dataclasses import dataclass
from datetime import datetime

from gigafibre_fsm.errors import Conflict, IllegalTransition, InvalidInput, _
from gigafibre_fsm.sales.contracts import documents, tokens

DRAFT, SENT, ACCEPTED, CANCELLED = "Draft", "Sent", "Accepted", "Cancelled"
STATUSES = (DRAFT, SENT, ACCEPTED, CANCELLED)

# How a contract was accepted.
VIA_LINK = "Link"  # the secret link sent by e-mail or SMS
VIA_ORDER = "Order"  # a signed-in customer, during the online order

# Which status changes staff may make by hand; Sent and Accepted are reached only through
# sending and accepting (the services set `by_service`).
_BY_HAND = {
	DRAFT: {DRAFT, CANCELLED},
	SENT: {SENT, DRAFT, CANCELLED},  # back to Draft withdraws the link
	ACCEPTED: {ACCEPTED},
	CANCELLED: {CANCELLED},
}
_BY_SERVICE = {
	DRAFT: {SENT, ACCEPTED},  # accepted during the order without a link
	SENT: {SENT, ACCEPTED},  # sent again: a new link and PDF
}

MAX_SIGNER_NAME = 140
MAX_USER_AGENT = 1000


@dataclass(frozen=True)
class ContractState:
	"""What the decision needs to know of a contract, as stored."""

	name: str
	status: str
	pdf_sha256: str | None = None  # of the PDF as made when sent (or for the order)
	accepted_at: datetime | None = None


@dataclass(frozen=True)
class Acceptance:
	"""The audit record of one acceptance; the shell saves every field on the contract."""

	contract: str
	accepted_at: datetime
	via: str
	signer_name: str
	signer_email: str | None
	signer_user: str | None
	ip: str | None
	user_agent: str | None
	pdf_sha256: str


def check_status_change(old: str | None, new: str, by_service: bool = False) -> None:
	"""Refuse a status change the contract's life does not allow (IllegalTransition)."""
	if new not in STATUSES:
		raise InvalidInput(_("Unknown contract status {status}"), status=str(new))
	if old is None:  # a new contract starts as a draft
		if new != DRAFT:
			raise IllegalTransition(_("A new contract starts as a draft, not {status}"), status=new)
		return
	allowed = set(_BY_HAND.get(old, ()))
	if by_service:
		allowed |= _BY_SERVICE.get(old, set())
	if new not in allowed:
		raise IllegalTransition(
			_("A contract cannot go from {old_status} to {new_status}"), old_status=old, new_status=new
		)


def refuse_if_closed(state: ContractState) -> None:
	"""Refuse a contract that can no longer be accepted: accepted (Conflict, with when), or
	cancelled."""
	if state.status == ACCEPTED:
		when = state.accepted_at.strftime("%Y-%m-%d %H:%M") if state.accepted_at else ""
		raise Conflict(
			_("Contract {contract} was already accepted on {when}"), contract=state.name, when=when
		)
	if state.status == CANCELLED:
		raise IllegalTransition(_("Contract {contract} was cancelled"), contract=state.name)


def decide_acceptance(
	state: ContractState,
	pdf: bytes,
	now: datetime,
	signer_name: str | None,
	agreed: bool,
	via: str,
	signer_email: str | None = None,
	signer_user: str | None = None,
	ip: str | None = None,
	user_agent: str | None = None,
) -> Acceptance:
	"""The acceptance record, or a typed refusal, checked in this order:

	1. the contract was accepted already (Conflict) or cancelled (IllegalTransition);
	2. through the link, the contract must be Sent (a withdrawn or never-sent one is refused);
	   during the order, Draft or Sent;
	3. the signer typed their name and ticked the box (InvalidInput);
	4. `pdf` is a PDF whose SHA-256 is the one recorded when it was made (DocumentAltered):
	   what is accepted is those bytes, as stored, not a new rendering.
	The token's own check (`tokens.check_link`) comes before, in the shell, so that a wrong
	token learns nothing about the contract's state.
	"""
	tokens.require_aware(now, _("The current time"))
	refuse_if_closed(state)
	if via not in (VIA_LINK, VIA_ORDER):
		raise InvalidInput(_("Unknown way of accepting a contract: {via}"), via=str(via))
	if via == VIA_LINK and state.status != SENT:
		raise IllegalTransition(_("Contract {contract} is not waiting for acceptance"), contract=state.name)
	if via == VIA_ORDER and state.status not in (DRAFT, SENT):
		raise IllegalTransition(_("Contract {contract} is not waiting for acceptance"), contract=state.name)
	signer_name = " ".join((signer_name or "").split())
	if not signer_name:
		raise InvalidInput(_("Type your full name to sign the contract"))
	if len(signer_name) > MAX_SIGNER_NAME:
		raise InvalidInput(_("A name is at most {max} characters long"), max=MAX_SIGNER_NAME)
	if not agreed:
		raise InvalidInput(_("Tick the box to say that you accept the contract"))
	documents.require_pdf(pdf)
	documents.same_document(pdf, state.pdf_sha256)
	return Acceptance(
		contract=state.name,
		accepted_at=now,
		via=via,
		signer_name=signer_name,
		signer_email=(signer_email or "").strip() or None,
		signer_user=signer_user or None,
		ip=ip or None,
		user_agent=(user_agent or "")[:MAX_USER_AGENT] or None,
		pdf_sha256=documents.sha256_hex(pdf),
	)
