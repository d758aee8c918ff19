"""The secret link that lets a customer accept their contract: token, stored hash, expiry.

Only the SHA-256 of the token is stored (Service Contract.token_hash); the token itself travels
once, in the link sent by e-mail or SMS. 256 random bits need no salt or slow hash: a leaked
table does not give working links. Checking a token compares hashes in constant time.
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from gigafibre_fsm.errors import InvalidInput, _

# 32 bytes = 256 bits, about 43 URL-safe characters: short enough for an SMS link.
TOKEN_BYTES = 32
# How long a link stays good unless the operator says otherwise.
DEFAULT_VALIDITY = timedelta(days=14)


class InvalidLink(InvalidInput):
	"""No contract answers to this token: wrong, revoked, or someone else's. The message never
	says which (a refusal must not tell whether a contract exists)."""


class ExpiredLink(InvalidInput):
	"""The token was right but its time is over: staff must send the contract again."""


INVALID_LINK = _("This contract link is not valid")


def require_aware(value: datetime, what: str) -> None:
	if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
		raise InvalidInput(
			_("{what} must be a date and time with a time zone, got {value}"), what=what, value=str(value)
		)


def new_token() -> str:
	"""An unguessable, URL-safe token (256 bits from `secrets`)."""
	return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
	"""Hex SHA-256 of a token: store this, send the token."""
	return hashlib.sha256((token or "").encode("utf-8")).hexdigest()


def token_matches(token: str | None, stored_hash: str | None) -> bool:
	"""True if `token` hashes to `stored_hash`, compared in constant time."""
	if not token or not stored_hash:
		return False
	return hmac.compare_digest(hash_token(token), stored_hash)


def expiry(now: datetime, validity: timedelta = DEFAULT_VALIDITY) -> datetime:
	"""When a link made at `now` stops working."""
	require_aware(now, _("The current time"))
	if not isinstance(validity, timedelta) or validity <= timedelta(0):
		raise InvalidInput(
			_("A contract link must stay valid for some time, got {validity}"), validity=str(validity)
		)
	return now + validity


def check_link(
	token: str | None, stored_hash: str | None, expires_at: datetime | None, now: datetime
) -> None:
	"""Refuse a token that does not match `stored_hash` (InvalidLink), or whose time is over
	(ExpiredLink: at or after `expires_at`, or no expiry recorded). Returns None when good."""
	require_aware(now, _("The current time"))
	if not token_matches(token, stored_hash):
		raise InvalidLink(INVALID_LINK)
	if expires_at is None:
		raise ExpiredLink(_("This contract link has expired: ask us to send it again"))
	require_aware(expires_at, _("The link's expiry"))
	if now >= expires_at:
		raise ExpiredLink(_("This contract link has expired: ask us to send it again"))


def link(base: str, token: str) -> str:
	"""The acceptance link: `base` with "{token}" replaced (e.g. "https://x/contract?token={token}")."""
	if "{token}" not in base:
		raise InvalidInput(_("A link base needs a token placeholder, got {base}"), base=base)
	return base.replace("{token}", token)
