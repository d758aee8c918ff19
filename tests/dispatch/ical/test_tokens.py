import re

from gigafibre_fsm.dispatch.ical import hash_feed_token, new_feed_token, verify_feed_token


def test_token_is_random_url_safe_and_only_its_hash_is_stored():
	token = new_feed_token()
	assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
	assert token != new_feed_token()
	stored = hash_feed_token(token)
	assert re.fullmatch(r"[0-9a-f]{64}", stored) and token not in stored
	assert hash_feed_token(token) == stored  # deterministic, so the shell can look it up


def test_verify():
	token = new_feed_token()
	stored = hash_feed_token(token)
	assert verify_feed_token(token, stored)
	assert not verify_feed_token(token[:-1] + ("A" if token[-1] != "A" else "B"), stored)
	assert not verify_feed_token(stored, stored)  # the hash itself is not a token
	assert not verify_feed_token("", stored)
	assert not verify_feed_token(None, stored)
	assert not verify_feed_token(token, None)


def test_revoke_is_replace():
	old = new_feed_token()
	new = new_feed_token()
	stored = hash_feed_token(new)
	assert not verify_feed_token(old, stored) and verify_feed_token(new, stored)
