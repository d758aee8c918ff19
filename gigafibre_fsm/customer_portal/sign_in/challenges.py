"""Signing in without a password: a 6-digit code by SMS, or a link by e-mail.

The rules, as plain functions over plain data (the shell stores `Challenge`s as Sign-in
Challenge documents and calls these):

- a code is 6 digits from `secrets` and lives 10 minutes; a link carries 32 random bytes
  (URL-safe, 43 characters) and lives 24 hours;
- only a keyed hash of either is stored (`SecretHasher`), never the secret itself;
- a challenge is used once; after `MAX_WRONG_TRIES` wrong codes it is locked;
- a destination (phone or e-mail) and an IP address may ask for only so many challenges in a
  window (`Limits`), counted from the challenges already issued;
- secrets are compared in constant time (`hmac.compare_digest`).

Each refusal is a typed `SignInError` carrying an untranslated message; a refusal that changes
the challenge (a wrong code counts a try, the fifth locks it) carries the challenge as it must
be saved, so the shell can record the try even though the attempt fails.
"""

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from gigafibre_fsm.errors import GigafibreError, InvalidInput, _
from gigafibre_fsm.messaging.sms.phone import normalise_phone

CODE_DIGITS = 6
TOKEN_BYTES = 32  # 256 bits: as unguessable as the job-offer links
CODE_TTL = timedelta(minutes=10)
LINK_TTL = timedelta(hours=24)
MAX_WRONG_TRIES = 5
MIN_KEY_BYTES = 16
MAX_EMAIL_LENGTH = 254  # RFC 5321's limit on a forward path


class Channel:
	"""How the secret travels (stored on the challenge; also the Select options of the doctype)."""

	SMS = "SMS"
	EMAIL = "E-mail"


class Kind:
	"""What the person holds: a code they type, or a link they follow."""

	CODE = "Code"
	LINK = "Link"


@dataclass(frozen=True)
class Limits:
	"""How many challenges one destination and one IP address may ask for in `window`.

	5 codes an hour per phone leaves room for a lost SMS or two, and with 5 tries each bounds a
	guesser to 25 guesses an hour against a million codes; 20 an hour per IP lets a household or
	an office sign in several people while stopping one machine from spraying SMS at many
	numbers (which costs the operator money: SMS pumping)."""

	per_destination: int = 5
	per_ip: int = 20
	window: timedelta = timedelta(hours=1)


@dataclass(frozen=True)
class Challenge:
	"""One code or link sent to `destination` (E.164 phone or lower-case e-mail).

	`secret_hash` is `SecretHasher.code_hash` / `token_hash` of the secret; `name` is the
	shell's identifier (None before it is stored)."""

	kind: str
	channel: str
	destination: str
	secret_hash: str
	created_at: datetime
	expires_at: datetime
	ip: str | None = None
	tries: int = 0
	used_at: datetime | None = None
	name: str | None = None

	@property
	def locked(self) -> bool:
		return self.tries >= MAX_WRONG_TRIES

	def expired(self, now: datetime) -> bool:
		return now >= self.expires_at


@dataclass(frozen=True)
class Issued:
	"""A new challenge to store, and the secret to send (never stored)."""

	challenge: Challenge
	secret: str


@dataclass(frozen=True)
class Identity:
	"""Who proved they hold a phone or an e-mail address, and when."""

	channel: str
	destination: str
	verified_at: datetime


# --- errors --------------------------------------------------------------------------------


class SignInError(GigafibreError):
	"""A sign-in attempt refused. `challenge`, when set, is the challenge as it must now be
	saved (a wrong code counts a try even though the attempt fails)."""

	def __init__(self, message: str, challenge: Challenge | None = None, **params):
		super().__init__(message, **params)
		self.challenge = challenge


class TooManyRequests(SignInError):
	"""The destination or the IP address asked for too many codes or links in the window."""


class NoChallenge(SignInError):
	"""Nothing was sent to this destination, or the link is not one we sent."""


class ChallengeExpired(SignInError):
	"""The code or link is past its expiry."""


class ChallengeUsed(SignInError):
	"""The code or link was already used to sign in (a replay)."""


class ChallengeLocked(SignInError):
	"""Too many wrong codes: this code can no longer be used."""


class WrongCode(SignInError):
	"""The code does not match; `params["tries_left"]` more tries before the lock."""


# --- secrets and their hashes ----------------------------------------------------------------


def new_code() -> str:
	"""A 6-digit code, uniformly drawn by `secrets` (leading zeros kept: "004217")."""
	return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def new_token() -> str:
	"""A link token: 32 random bytes from `secrets`, URL-safe base64 (43 characters)."""
	return secrets.token_urlsafe(TOKEN_BYTES)


class SecretHasher:
	"""HMAC-SHA-256 of codes and tokens under a key kept outside the database.

	Why keyed rather than a plain SHA-256: a code has only a million values, so the SHA-256 of
	one is reversed by trying them all in well under a second; anyone who read the table (a
	backup, a replica, a support dump) would read the live codes. With an HMAC whose key lives in
	the site's configuration, not in the database, the table alone reveals neither codes nor
	link tokens. A code's hash also binds its destination, so a hash copied onto another
	phone's challenge matches nothing. (A 256-bit link token would be safe under plain SHA-256;
	one keyed rule for both keeps it simple.)"""

	def __init__(self, key: bytes):
		if not isinstance(key, bytes) or len(key) < MIN_KEY_BYTES:
			raise InvalidInput(_("The sign-in key must be at least {bytes} bytes"), bytes=MIN_KEY_BYTES)
		self._key = key

	def _mac(self, *parts: str) -> str:
		message = "\x00".join(parts).encode("utf-8")
		return hmac.new(self._key, message, hashlib.sha256).hexdigest()

	def code_hash(self, destination: str, code: str) -> str:
		return self._mac("sign-in code", destination, code)

	def token_hash(self, token: str) -> str:
		return self._mac("sign-in link", token)

	def seal(self, text: str) -> str:
		"""The MAC that vouches for a verified identity carried in a cookie (see identity.py)."""
		return self._mac("verified identity", text)


def same_hash(a: str | None, b: str | None) -> bool:
	"""Constant-time comparison of two hex digests (False when either is missing)."""
	if not a or not b:
		return False
	return hmac.compare_digest(a.encode("ascii", "replace"), b.encode("ascii", "replace"))


# --- destinations --------------------------------------------------------------------------

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def normalise_email(email) -> str:
	"""`email` trimmed and in lower case (how it is compared with Contacts and Users).

	Raises InvalidInput when it is empty or not shaped like an address."""
	if not isinstance(email, str) or not email.strip():
		raise InvalidInput(_("An e-mail address is required"))
	text = email.strip().lower()
	if len(text) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(text):
		raise InvalidInput(_("{email} is not a valid e-mail address"), email=text[:MAX_EMAIL_LENGTH])
	return text


def normalise_destination(channel: str, value) -> str:
	"""A phone number in E.164 (SMS) or an e-mail address in lower case (E-mail)."""
	if channel == Channel.SMS:
		return normalise_phone(value)
	if channel == Channel.EMAIL:
		return normalise_email(value)
	raise InvalidInput(_("Unknown sign-in channel {channel}"), channel=str(channel))


def normalise_code(code) -> str:
	"""The code as typed, without spaces or dashes; InvalidInput unless it is 6 digits (such a
	typo cannot match, so it does not count as a try)."""
	text = re.sub(r"[\s-]", "", code) if isinstance(code, str) else ""
	if not re.fullmatch(rf"\d{{{CODE_DIGITS}}}", text):
		raise InvalidInput(_("The code has {digits} digits"), digits=CODE_DIGITS)
	return text


# --- asking for a code or a link -----------------------------------------------------------


def check_limits(
	now: datetime,
	destination_requests: Iterable[datetime],
	ip_requests: Iterable[datetime],
	limits: Limits = Limits(),
) -> None:
	"""Refuse (TooManyRequests) when the destination or the IP already asked `limits` times in
	the window ending `now`. The arguments are the creation times of earlier challenges."""
	since = now - limits.window
	if sum(1 for t in destination_requests if t > since) >= limits.per_destination:
		raise TooManyRequests(
			_("Too many codes were sent to this address. Please try again in {minutes} minutes."),
			minutes=int(limits.window.total_seconds() // 60),
		)
	if sum(1 for t in ip_requests if t > since) >= limits.per_ip:
		raise TooManyRequests(
			_("Too many sign-in requests from your network. Please try again in {minutes} minutes."),
			minutes=int(limits.window.total_seconds() // 60),
		)


def issue_code(
	channel: str,
	destination: str,
	now: datetime,
	hasher: SecretHasher,
	ip: str | None = None,
	destination_requests: Iterable[datetime] = (),
	ip_requests: Iterable[datetime] = (),
	limits: Limits = Limits(),
) -> Issued:
	"""A new 6-digit code for `destination` (already normalised), valid 10 minutes, unless the
	limits refuse it. The challenge holds only the code's hash."""
	check_limits(now, destination_requests, ip_requests, limits)
	code = new_code()
	challenge = Challenge(
		kind=Kind.CODE,
		channel=channel,
		destination=destination,
		secret_hash=hasher.code_hash(destination, code),
		created_at=now,
		expires_at=now + CODE_TTL,
		ip=ip,
	)
	return Issued(challenge, code)


def issue_link(
	destination: str,
	now: datetime,
	hasher: SecretHasher,
	ip: str | None = None,
	destination_requests: Iterable[datetime] = (),
	ip_requests: Iterable[datetime] = (),
	limits: Limits = Limits(),
) -> Issued:
	"""A new sign-in link token for an e-mail address (already normalised), valid 24 hours,
	unless the limits refuse it. The challenge holds only the token's hash."""
	check_limits(now, destination_requests, ip_requests, limits)
	token = new_token()
	challenge = Challenge(
		kind=Kind.LINK,
		channel=Channel.EMAIL,
		destination=destination,
		secret_hash=hasher.token_hash(token),
		created_at=now,
		expires_at=now + LINK_TTL,
		ip=ip,
	)
	return Issued(challenge, token)


# --- proving it ----------------------------------------------------------------------------


def current(challenges: Iterable[Challenge]) -> Challenge | None:
	"""The challenge a typed code is checked against: the latest sent (a new code replaces the
	previous ones, so an intercepted older code is worth nothing)."""
	latest = None
	for c in challenges:
		if latest is None or c.created_at > latest.created_at:
			latest = c
	return latest


def _check_usable(challenge: Challenge | None, now: datetime, what: str) -> Challenge:
	if challenge is None:
		if what == Kind.LINK:
			raise NoChallenge(_("This sign-in link is not valid. Please ask for a new one."))
		raise NoChallenge(_("No code was sent to this address, or it has expired. Please ask for a new one."))
	if challenge.used_at is not None:
		if what == Kind.LINK:
			raise ChallengeUsed(_("This sign-in link has already been used. Please ask for a new one."))
		raise ChallengeUsed(_("This code has already been used. Please ask for a new one."))
	if challenge.locked:
		raise ChallengeLocked(_("Too many wrong codes. Please ask for a new code."))
	if challenge.expired(now):
		if what == Kind.LINK:
			raise ChallengeExpired(_("This sign-in link has expired. Please ask for a new one."))
		raise ChallengeExpired(_("This code has expired. Please ask for a new one."))
	return challenge


def verify_code(challenge: Challenge | None, code, now: datetime, hasher: SecretHasher) -> Challenge:
	"""Check a typed code against the current challenge of its destination; return the challenge
	marked used (save it: it cannot be used again).

	Raises InvalidInput for a code that is not 6 digits (not counted), NoChallenge,
	ChallengeUsed, ChallengeLocked, ChallengeExpired (nothing to save), or WrongCode with the
	challenge carrying one more try — ChallengeLocked instead on the fifth wrong try."""
	typed = normalise_code(code)
	challenge = _check_usable(challenge, now, Kind.CODE)
	if challenge.kind != Kind.CODE:
		raise NoChallenge(_("No code was sent to this address, or it has expired. Please ask for a new one."))
	if same_hash(hasher.code_hash(challenge.destination, typed), challenge.secret_hash):
		return replace(challenge, used_at=now)
	tried = replace(challenge, tries=challenge.tries + 1)
	if tried.locked:
		raise ChallengeLocked(_("Too many wrong codes. Please ask for a new code."), challenge=tried)
	raise WrongCode(
		_("This code is not the one we sent. {tries_left} tries left."),
		challenge=tried,
		tries_left=MAX_WRONG_TRIES - tried.tries,
	)


def consume_link(challenge: Challenge | None, token, now: datetime, hasher: SecretHasher) -> Challenge:
	"""Check a link's token against the challenge the shell found by its hash; return the
	challenge marked used (save it). Raises NoChallenge, ChallengeUsed or ChallengeExpired."""
	if not isinstance(token, str) or not token:
		raise NoChallenge(_("This sign-in link is not valid. Please ask for a new one."))
	challenge = _check_usable(challenge, now, Kind.LINK)
	if challenge.kind != Kind.LINK or not same_hash(hasher.token_hash(token), challenge.secret_hash):
		raise NoChallenge(_("This sign-in link is not valid. Please ask for a new one."))
	return replace(challenge, used_at=now)


def identity_of(challenge: Challenge) -> Identity:
	"""The identity a used challenge proves."""
	if challenge.used_at is None:
		raise InvalidInput(_("This sign-in was not completed"))
	return Identity(challenge.channel, challenge.destination, challenge.used_at)


# --- what is sent ----------------------------------------------------------------------------

# The SMS, translated by the shell into the customer's language. Its last line is the WebOTP
# format (https://wicg.github.io/web-otp/#message-format): a phone's browser offers the code on
# our sign-in page only, never on a look-alike site.
CODE_SMS = _("Your Gigafibre sign-in code is {code}. It expires in {minutes} minutes. Never share it.")
LINK_PATH = "/portal-sign-in"


def code_sms_text(template: str, code: str, host: str | None = None) -> str:
	"""The SMS carrying `code`, from the (translated) `template`, with the WebOTP line for `host`."""
	text = template.format(code=code, minutes=int(CODE_TTL.total_seconds() // 60))
	return f"{text}\n\n@{host} #{code}" if host else text


def sign_in_link(base_url: str, token: str) -> str:
	"""The URL of the sign-in page carrying `token` (the page asks before using it: mail
	scanners open links, and opening must not spend it)."""
	return f"{base_url.rstrip('/')}{LINK_PATH}?token={token}"
