import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from gigafibre_fsm.errors import InvalidInput
from gigafibre_fsm.sales.contracts import (
	ExpiredLink,
	InvalidLink,
	check_link,
	expiry,
	hash_token,
	link,
	new_token,
	token_matches,
)

TZ = ZoneInfo("America/Toronto")
NOW = datetime(2026, 3, 3, 9, 0, tzinfo=TZ)


def test_tokens_are_256_bit_url_safe_and_never_repeat():
	tokens = {new_token() for _ in range(1000)}
	assert len(tokens) == 1000
	for token in list(tokens)[:20]:
		assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)


def test_only_the_hash_is_stored_and_it_matches_the_token_alone():
	token = new_token()
	stored = hash_token(token)
	assert re.fullmatch(r"[0-9a-f]{64}", stored) and token not in stored
	assert token_matches(token, stored)
	assert not token_matches(token[:-1], stored)
	assert not token_matches(new_token(), stored)
	assert not token_matches("", stored) and not token_matches(None, stored)
	assert not token_matches(token, None) and not token_matches(token, "")
	# the hash itself is not a token (a leaked table gives no working link)
	assert not token_matches(stored, stored)


def test_a_good_token_passes_until_its_expiry_exclusive():
	token = new_token()
	expires = expiry(NOW, timedelta(days=14))
	assert expires == NOW + timedelta(days=14)
	check_link(token, hash_token(token), expires, NOW)
	check_link(token, hash_token(token), expires, expires - timedelta(seconds=1))
	with pytest.raises(ExpiredLink):
		check_link(token, hash_token(token), expires, expires)
	with pytest.raises(ExpiredLink):
		check_link(token, hash_token(token), None, NOW)


def test_a_wrong_token_is_invalid_even_when_also_expired():
	"""A wrong token learns nothing, not even that the link it guessed has expired."""
	token = new_token()
	with pytest.raises(InvalidLink) as refused:
		check_link(new_token(), hash_token(token), NOW - timedelta(days=1), NOW)
	assert str(refused.value) == "This contract link is not valid"
	with pytest.raises(InvalidLink):
		check_link("", hash_token(""), NOW + timedelta(days=1), NOW)


def test_times_must_carry_their_zone_and_validity_be_positive():
	with pytest.raises(InvalidInput):
		expiry(datetime(2026, 3, 3, 9, 0))
	with pytest.raises(InvalidInput):
		expiry(NOW, timedelta(0))
	with pytest.raises(InvalidInput):
		check_link("x", hash_token("x"), datetime(2026, 3, 4), NOW)


def test_the_link_carries_the_token_in_its_placeholder():
	assert (
		link("https://isp.example/contract?token={token}", "abc") == "https://isp.example/contract?token=abc"
	)
	with pytest.raises(InvalidInput):
		link("https://isp.example/contract", "abc")
