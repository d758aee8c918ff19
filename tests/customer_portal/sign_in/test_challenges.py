"""The sign-in rules: codes and links, their hashes, expiry, single use, lockout, limits."""

import re
from dataclasses import asdict
from datetime import datetime, timedelta

import pytest

from gigafibre_fsm.customer_portal.sign_in import (
	CODE_TTL,
	LINK_TTL,
	MAX_WRONG_TRIES,
	ChallengeExpired,
	ChallengeLocked,
	ChallengeUsed,
	Channel,
	Kind,
	Limits,
	NoChallenge,
	SecretHasher,
	TooManyRequests,
	WrongCode,
	check_limits,
	code_sms_text,
	consume_link,
	current,
	identity_of,
	issue_code,
	issue_link,
	new_code,
	normalise_code,
	normalise_destination,
	normalise_email,
	open_identity,
	seal_identity,
	sign_in_link,
	verify_code,
)
from gigafibre_fsm.customer_portal.sign_in.challenges import CODE_SMS
from gigafibre_fsm.errors import InvalidInput

NOW = datetime(2026, 12, 8, 9, 0)
KEY = b"k" * 32
HASHER = SecretHasher(KEY)
PHONE = "+15145550142"


def code_for(phone=PHONE, now=NOW, **kw):
	return issue_code(Channel.SMS, phone, now, HASHER, ip="203.0.113.7", **kw)


def other(code: str) -> str:
	return f"{(int(code) + 1) % 10**6:06d}"


# --- secrets -------------------------------------------------------------------------------


def test_codes_are_six_digits_and_spread_over_the_whole_range():
	codes = [new_code() for _ in range(4000)]
	assert all(re.fullmatch(r"\d{6}", c) for c in codes)
	assert len(set(codes)) > 3900  # a million values: few collisions in 4,000 draws
	assert any(c.startswith("0") for c in codes)  # leading zeros are kept, not dropped
	assert {c[0] for c in codes} == set("0123456789")


def test_link_tokens_are_256_bits_url_safe():
	issued = issue_link("a@example.com", NOW, HASHER)
	assert re.fullmatch(r"[A-Za-z0-9_-]{43}", issued.secret)
	assert issue_link("a@example.com", NOW, HASHER).secret != issued.secret


# --- only hashes are stored ------------------------------------------------------------------


def test_a_challenge_holds_the_hash_never_the_secret():
	for issued in (code_for(), issue_link("a@example.com", NOW, HASHER)):
		stored = repr(asdict(issued.challenge))
		assert issued.secret not in stored
		assert re.fullmatch(r"[0-9a-f]{64}", issued.challenge.secret_hash)


def test_the_hash_is_keyed_and_bound_to_the_destination():
	issued = code_for()
	# a plain SHA-256 of the code would be reversed by trying the million codes; not this
	import hashlib

	assert issued.challenge.secret_hash != hashlib.sha256(issued.secret.encode()).hexdigest()
	assert SecretHasher(b"x" * 32).code_hash(PHONE, issued.secret) != issued.challenge.secret_hash
	assert HASHER.code_hash("+15145550143", issued.secret) != issued.challenge.secret_hash
	assert HASHER.code_hash(PHONE, issued.secret) == issued.challenge.secret_hash


def test_a_short_key_is_refused():
	with pytest.raises(InvalidInput):
		SecretHasher(b"short")


# --- codes -----------------------------------------------------------------------------------


def test_the_right_code_signs_in_once():
	issued = code_for()
	used = verify_code(issued.challenge, issued.secret, NOW + timedelta(minutes=3), HASHER)
	assert used.used_at == NOW + timedelta(minutes=3)
	assert identity_of(used).destination == PHONE
	with pytest.raises(ChallengeUsed) as e:
		verify_code(used, issued.secret, NOW + timedelta(minutes=4), HASHER)
	assert e.value.challenge is None  # nothing to save


def test_a_code_typed_with_spaces_or_a_dash_still_matches():
	issued = code_for()
	spaced = f"{issued.secret[:3]} {issued.secret[3:]}"
	assert verify_code(issued.challenge, spaced, NOW, HASHER).used_at == NOW
	assert verify_code(issued.challenge, f"{issued.secret[:3]}-{issued.secret[3:]}", NOW, HASHER)


def test_a_code_expires_after_ten_minutes():
	issued = code_for()
	assert CODE_TTL == timedelta(minutes=10)
	verify_code(issued.challenge, issued.secret, NOW + CODE_TTL - timedelta(seconds=1), HASHER)
	with pytest.raises(ChallengeExpired):
		verify_code(issued.challenge, issued.secret, NOW + CODE_TTL, HASHER)


def test_five_wrong_codes_lock_the_challenge_even_for_the_right_code():
	issued = code_for()
	challenge = issued.challenge
	for attempt in range(1, MAX_WRONG_TRIES):
		with pytest.raises(WrongCode) as e:
			verify_code(challenge, other(issued.secret), NOW, HASHER)
		challenge = e.value.challenge
		assert challenge.tries == attempt
		assert e.value.params["tries_left"] == MAX_WRONG_TRIES - attempt
	with pytest.raises(ChallengeLocked) as e:
		verify_code(challenge, other(issued.secret), NOW, HASHER)
	challenge = e.value.challenge
	assert challenge.tries == MAX_WRONG_TRIES and challenge.locked
	with pytest.raises(ChallengeLocked) as e:
		verify_code(challenge, issued.secret, NOW, HASHER)
	assert e.value.challenge is None  # a locked challenge counts no more tries


def test_a_malformed_code_is_refused_without_counting_a_try():
	issued = code_for()
	for typed in ("", "12345", "1234567", "abcdef", None, 123456):
		with pytest.raises(InvalidInput):
			verify_code(issued.challenge, typed, NOW, HASHER)
	assert normalise_code(" 012 345 ") == "012345"


def test_no_challenge_and_a_link_are_not_a_code():
	with pytest.raises(NoChallenge):
		verify_code(None, "123456", NOW, HASHER)
	link = issue_link("a@example.com", NOW, HASHER).challenge
	with pytest.raises(NoChallenge):
		verify_code(link, "123456", NOW, HASHER)


def test_the_latest_code_replaces_the_earlier_ones():
	first = code_for(now=NOW)
	second = code_for(now=NOW + timedelta(minutes=1))
	while second.secret == first.secret:  # one chance in a million
		second = code_for(now=NOW + timedelta(minutes=1))
	latest = current([second.challenge, first.challenge])
	assert latest == second.challenge
	with pytest.raises(WrongCode):
		verify_code(latest, first.secret, NOW, HASHER)
	assert current([]) is None


# --- links -----------------------------------------------------------------------------------


def test_a_link_signs_in_once_within_24_hours():
	issued = issue_link("a@example.com", NOW, HASHER)
	assert LINK_TTL == timedelta(hours=24)
	used = consume_link(issued.challenge, issued.secret, NOW + timedelta(hours=23), HASHER)
	assert used.used_at == NOW + timedelta(hours=23)
	assert (used.kind, used.channel) == (Kind.LINK, Channel.EMAIL)
	with pytest.raises(ChallengeUsed):  # a replayed link
		consume_link(used, issued.secret, NOW + timedelta(hours=23, minutes=1), HASHER)
	with pytest.raises(ChallengeExpired):
		consume_link(issued.challenge, issued.secret, NOW + LINK_TTL, HASHER)


def test_a_link_with_another_token_or_none_is_not_valid():
	issued = issue_link("a@example.com", NOW, HASHER)
	for token in ("", None, issued.secret[:-1] + ("A" if issued.secret[-1] != "A" else "B")):
		with pytest.raises(NoChallenge):
			consume_link(issued.challenge, token, NOW, HASHER)
	with pytest.raises(NoChallenge):
		consume_link(None, issued.secret, NOW, HASHER)
	with pytest.raises(NoChallenge):  # a code's challenge is not a link's
		consume_link(code_for().challenge, issued.secret, NOW, HASHER)


# --- limits ----------------------------------------------------------------------------------


def test_five_codes_per_phone_per_hour():
	earlier = [NOW - timedelta(minutes=m) for m in (1, 10, 20, 30)]
	code_for(destination_requests=earlier)  # the fifth is fine
	with pytest.raises(TooManyRequests) as e:
		code_for(destination_requests=[*earlier, NOW - timedelta(minutes=59)])
	assert e.value.params == {"minutes": 60}
	# an hour later the oldest fall out of the window
	code_for(destination_requests=[*earlier, NOW - timedelta(minutes=60)])


def test_twenty_requests_per_ip_per_hour_whatever_the_destination():
	earlier = [NOW - timedelta(minutes=2 * m) for m in range(20)]
	with pytest.raises(TooManyRequests):
		code_for(ip_requests=earlier)
	code_for(ip_requests=earlier[:19])
	with pytest.raises(TooManyRequests):
		issue_link("b@example.com", NOW, HASHER, ip_requests=earlier)


def test_limits_are_configurable():
	limits = Limits(per_destination=1, per_ip=100, window=timedelta(minutes=15))
	check_limits(NOW, [NOW - timedelta(minutes=15)], [], limits)
	with pytest.raises(TooManyRequests):
		check_limits(NOW, [NOW - timedelta(minutes=14)], [], limits)


# --- destinations and what is sent ------------------------------------------------------------


def test_destinations_are_normalised():
	assert normalise_destination(Channel.SMS, "(514) 555-0142") == PHONE
	assert normalise_destination(Channel.EMAIL, "  Marie.Tremblay@Example.CA ") == "marie.tremblay@example.ca"
	for bad in ("", "marie", "marie@", "a b@example.com", "@example.com", "x@y", None):
		with pytest.raises(InvalidInput):
			normalise_email(bad)
	with pytest.raises(InvalidInput):
		normalise_destination(Channel.SMS, "call me")
	with pytest.raises(InvalidInput):
		normalise_destination("Pigeon", "x")


def test_the_sms_and_the_link():
	text = code_sms_text(CODE_SMS, "004217", "portail.gigafibre.ca")
	assert "004217" in text and "10 minutes" in text
	assert text.endswith("\n\n@portail.gigafibre.ca #004217")
	assert code_sms_text(CODE_SMS, "004217") == CODE_SMS.format(code="004217", minutes=10)
	assert (
		sign_in_link("https://portail.gigafibre.ca/", "abc")
		== "https://portail.gigafibre.ca/portal-sign-in?token=abc"
	)


# --- a verified identity carried in a cookie ------------------------------------------------


def test_a_sealed_identity_reads_back_until_it_expires():
	issued = code_for()
	identity = identity_of(verify_code(issued.challenge, issued.secret, NOW, HASHER))
	sealed = seal_identity(identity, HASHER, ttl=timedelta(hours=2))
	assert open_identity(sealed.value, HASHER, NOW + timedelta(hours=1)) == identity
	assert open_identity(sealed.value, HASHER, NOW + timedelta(hours=2)) is None
	assert sealed.expires_at == NOW + timedelta(hours=2)


def test_a_tampered_or_foreign_identity_reads_as_none():
	issued = issue_link("marie@example.ca", NOW, HASHER)
	identity = identity_of(consume_link(issued.challenge, issued.secret, NOW, HASHER))
	sealed = seal_identity(identity, HASHER).value
	body, mac = sealed.split(".")
	forged = seal_identity(
		identity.__class__(identity.channel, "mallory@example.com", NOW), SecretHasher(b"m" * 32)
	)
	for value in (
		None,
		"",
		"garbage",
		f"{body}.{'0' * 64}",
		f"{body}x.{mac}",
		forged.value,
		f"{body}.{mac}.x",
	):
		assert open_identity(value, HASHER, NOW) is None, value
	assert open_identity(sealed, HASHER, NOW) == identity
