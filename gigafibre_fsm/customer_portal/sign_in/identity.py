"""A verified identity a person carries without an account: a signed, expiring value.

Someone who proved they hold a phone or an e-mail address but is not a customer yet gets no
User (a sign-in page must not let anyone fill the User table by typing numbers); the order flow
needs to know what they proved, later, in other requests. Frappe keeps no session data for
Guest (every guest shares the one "Guest" session), so the proof travels in a cookie the shell
sets: the identity and its expiry, sealed with an HMAC under the site's key. Nothing is stored
server-side; a tampered, foreign or expired value reads as no identity at all.
"""

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from gigafibre_fsm.customer_portal.sign_in.challenges import Identity, SecretHasher, same_hash

IDENTITY_TTL = timedelta(hours=2)  # long enough to choose a plan and pay, short enough to forget


@dataclass(frozen=True)
class SealedIdentity:
	value: str
	expires_at: datetime


def _b64(data: bytes) -> str:
	return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
	return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def seal_identity(identity: Identity, hasher: SecretHasher, ttl: timedelta = IDENTITY_TTL) -> SealedIdentity:
	"""`identity` as a cookie value: base64url(JSON) "." HMAC-SHA-256, valid `ttl` from when it
	was verified."""
	expires_at = identity.verified_at + ttl
	payload = json.dumps(
		{
			"channel": identity.channel,
			"destination": identity.destination,
			"verified_at": identity.verified_at.isoformat(),
			"expires_at": expires_at.isoformat(),
		},
		separators=(",", ":"),
		sort_keys=True,
	)
	body = _b64(payload.encode("utf-8"))
	return SealedIdentity(f"{body}.{hasher.seal(body)}", expires_at)


def open_identity(value: str | None, hasher: SecretHasher, now: datetime) -> Identity | None:
	"""The identity sealed in `value`, or None when it is missing, altered, or expired."""
	if not value or not isinstance(value, str) or value.count(".") != 1:
		return None
	body, mac = value.split(".")
	if not same_hash(hasher.seal(body), mac):
		return None
	try:
		data = json.loads(_unb64(body))
		expires_at = datetime.fromisoformat(data["expires_at"])
		identity = Identity(data["channel"], data["destination"], datetime.fromisoformat(data["verified_at"]))
	except (ValueError, KeyError, TypeError):
		return None
	if now >= expires_at:
		return None
	return identity
