"""Secret tokens in calendar feed URLs: only their hash is stored; revoking = replacing."""

import hashlib
import hmac
import secrets

FEED_TOKEN_BYTES = 32


def new_feed_token() -> str:
	"""A new unguessable, URL-safe feed token (256 bits). Show it once; store its hash."""
	return secrets.token_urlsafe(FEED_TOKEN_BYTES)


def hash_feed_token(token: str) -> str:
	"""The hex SHA-256 of the token. A 256-bit random token needs no salt or slow hash: it
	cannot be guessed, and the hash lets the database leak without leaking the feed."""
	return hashlib.sha256(token.encode("utf-8")).hexdigest()


def verify_feed_token(token: str | None, stored_hash: str | None) -> bool:
	"""True if `token` matches `stored_hash`, compared in constant time."""
	if not token or not stored_hash:
		return False
	return hmac.compare_digest(hash_feed_token(token), stored_hash)
