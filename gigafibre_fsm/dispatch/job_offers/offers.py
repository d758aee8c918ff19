"""Offering a job to several technicians; the first valid acceptance takes it.

The decisions are pure: `decide_acceptance(offer, state, now)` looks only at its arguments and
returns the new job state with an acceptance. The shell makes the sequence atomic: it locks the
job row (SELECT ... FOR UPDATE), reads the state, decides, saves the state, commits. Two
acceptances arriving together are then two decisions applied in sequence to the same job, and
the second one sees the first one's result.
"""

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from gigafibre_fsm.errors import InvalidInput, _

# 32 bytes = 256 bits of entropy, about 43 URL-safe characters: short enough for an SMS link.
TOKEN_BYTES = 32


@dataclass(frozen=True)
class Offer:
	"""An offer of `job` to `technician`, valid until `expires_at` (exclusive)."""

	token: str
	job: str
	technician: str
	expires_at: datetime
	withdrawn: bool = False
	declined: bool = False


class JobStatus:
	OPEN = "open"
	TAKEN = "taken"
	CANCELLED = "cancelled"


@dataclass(frozen=True)
class JobState:
	"""What the offers race for: is the job still open, and who took it with which offer."""

	job: str
	status: str = JobStatus.OPEN
	taken_by: str | None = None
	accepted_token: str | None = None


class RefusalReason:
	"""Codes of why an acceptance is refused (stable; the UI and the SMS reply switch on them)."""

	EXPIRED = "expired"
	TAKEN = "taken"
	WITHDRAWN = "withdrawn"
	DECLINED = "declined"
	CANCELLED = "cancelled"


@dataclass(frozen=True)
class Accepted:
	"""The technician gets the job. `state` is the job's new state to save; `already` is True
	when they had already accepted it (a double tap): nothing changes."""

	offer: Offer
	state: JobState
	already: bool = False


@dataclass(frozen=True)
class Refused:
	"""The acceptance is refused: `reason` (a RefusalReason code), an English template marked
	for translation, and its parameters."""

	offer: Offer
	reason: str
	message: str
	params: dict = field(default_factory=dict)

	@property
	def text(self) -> str:
		return self.message.format(**self.params)


def _require_aware(value: datetime, what: str) -> None:
	if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
		raise InvalidInput(
			_("{what} must be a date and time with a time zone, got {value}"), what=what, value=str(value)
		)


def new_offer_token() -> str:
	"""An unguessable, URL-safe token (256 bits from `secrets`)."""
	return secrets.token_urlsafe(TOKEN_BYTES)


def hash_offer_token(token: str) -> str:
	"""Hex SHA-256 of an offer token: store this (Dispatch Job Offer.token_hash), send the token.
	256 random bits need no salt or slow hash; a leaked table does not leak working links."""
	return hashlib.sha256(token.encode("utf-8")).hexdigest()


def verify_offer_token(token: str | None, stored_hash: str | None) -> bool:
	"""True if `token` matches `stored_hash`, compared in constant time."""
	if not token or not stored_hash:
		return False
	return hmac.compare_digest(hash_offer_token(token), stored_hash)


# Dispatch Job statuses once a technician holds the job.
_HELD = ("Assigned", "En Route", "In Progress", "Completed")


def job_state_from(job: str, status: str, technician: str | None) -> JobState:
	"""The JobState of a Dispatch Job from its status and technician (as stored by the shell).

	Cancelled -> cancelled; a technician set (or a held status) -> taken by them; else open.
	"""
	if status == "Cancelled":
		return JobState(job, JobStatus.CANCELLED, technician or None)
	if technician or status in _HELD:
		return JobState(job, JobStatus.TAKEN, technician or None)
	return JobState(job, JobStatus.OPEN)


def make_offers(job: str, technicians: Iterable[str], now: datetime, ttl: timedelta) -> list[Offer]:
	"""One offer per eligible technician (duplicates dropped, order kept), each with its own
	unguessable token, all expiring at `now + ttl`."""
	_require_aware(now, _("The current time"))
	if not isinstance(ttl, timedelta) or ttl <= timedelta(0):
		raise InvalidInput(_("An offer must stay open for some time, got {ttl}"), ttl=str(ttl))
	if not job:
		raise InvalidInput(_("An offer needs a job"))
	expires_at = now + ttl
	offers, seen = [], set()
	for technician in technicians:
		if not technician or technician in seen:
			continue
		seen.add(technician)
		offers.append(Offer(new_offer_token(), job, technician, expires_at))
	return offers


def decide_acceptance(offer: Offer, job_state: JobState, now: datetime) -> Accepted | Refused:
	"""Whether `offer`'s technician gets the job, given the job's current state.

	Checked in this order, so that the answer is the most useful one:
	1. the job was cancelled -> Refused(cancelled);
	2. the job is taken: by this technician -> Accepted(already=True) (a double tap changes
	   nothing); by anyone else -> Refused(taken) - the first valid acceptance won;
	3. the offer was withdrawn -> Refused(withdrawn); the technician declined it -> Refused(declined);
	4. `now` is at or after `expires_at` -> Refused(expired);
	5. otherwise Accepted, with the job's new state (taken by this technician with this offer).
	A refused decision never changes the state, so a later valid offer can still win.
	"""
	_require_aware(now, _("The current time"))
	if offer.job != job_state.job:
		raise InvalidInput(
			_("Offer for job {offer_job} cannot be decided against job {job}"),
			offer_job=offer.job,
			job=job_state.job,
		)
	if job_state.status == JobStatus.CANCELLED:
		return Refused(offer, RefusalReason.CANCELLED, _("Job {job} was cancelled"), {"job": offer.job})
	if job_state.status == JobStatus.TAKEN:
		if job_state.taken_by == offer.technician:
			return Accepted(offer, job_state, already=True)
		return Refused(
			offer,
			RefusalReason.TAKEN,
			_("Job {job} has already been taken by another technician"),
			{"job": offer.job},
		)
	if job_state.status != JobStatus.OPEN:
		raise InvalidInput(_("Unknown job status {status}"), status=str(job_state.status))
	if offer.withdrawn:
		return Refused(
			offer, RefusalReason.WITHDRAWN, _("The offer for job {job} was withdrawn"), {"job": offer.job}
		)
	if offer.declined:
		return Refused(
			offer, RefusalReason.DECLINED, _("You declined the offer for job {job}"), {"job": offer.job}
		)
	if now >= offer.expires_at:
		return Refused(
			offer,
			RefusalReason.EXPIRED,
			_("The offer for job {job} expired at {expires_at}"),
			{"job": offer.job, "expires_at": offer.expires_at.strftime("%Y-%m-%d %H:%M")},
		)
	return Accepted(offer, JobState(job_state.job, JobStatus.TAKEN, offer.technician, offer.token))


def offers_to_withdraw(offers: Iterable[Offer], accepted: Accepted) -> list[Offer]:
	"""The job's other live offers, marked withdrawn, once one was accepted (save them, and tell
	those technicians the job is gone)."""
	return [
		replace(o, withdrawn=True)
		for o in offers
		if o.job == accepted.offer.job
		and o.token != accepted.offer.token
		and not o.withdrawn
		and not o.declined
	]


def offer_link(link_base: str, token: str) -> str:
	"""The acceptance link: `link_base` with "{token}" replaced, or with "/<token>" appended."""
	if "{token}" in link_base:
		return link_base.replace("{token}", token)
	return link_base.rstrip("/") + "/" + token


OFFER_SMS = _(
	"New job offered: {summary}, {date} at {time}, {address}. First to accept gets it, before {expires}: {link}"
)


def offer_sms_text(
	offer: Offer,
	summary: str,
	start: datetime,
	address: str,
	link_base: str,
	tz=None,
	translate: Callable[[str], str] | None = None,
) -> str:
	"""The SMS that offers the job, with its acceptance link.

	The template is marked for translation; the shell passes `translate` (e.g. frappe's `_`
	for the technician's language). Dates are ISO (2026-03-03) and times 24 h (14:30): both
	read the same in French and English. `tz` (a tzinfo) defaults to `start`'s own.
	"""
	_require_aware(start, _("Start"))
	zone = tz or start.tzinfo
	local_start = start.astimezone(zone)
	template = (translate or (lambda s: s))(OFFER_SMS)
	return template.format(
		summary=summary,
		date=local_start.strftime("%Y-%m-%d"),
		time=local_start.strftime("%H:%M"),
		address=address,
		expires=offer.expires_at.astimezone(zone).strftime("%H:%M"),
		link=offer_link(link_base, offer.token),
	)
