import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from gigafibre_fsm.dispatch.job_offers import (
	OFFER_SMS,
	Accepted,
	JobState,
	JobStatus,
	RefusalReason,
	Refused,
	decide_acceptance,
	hash_offer_token,
	job_state_from,
	make_offers,
	offer_link,
	offer_sms_text,
	offers_to_withdraw,
	verify_offer_token,
)
from gigafibre_fsm.errors import InvalidInput

TZ = ZoneInfo("America/Toronto")
NOW = datetime(2026, 3, 3, 9, 0, tzinfo=TZ)
TTL = timedelta(minutes=15)


def offers(*techs):
	return make_offers("JOB-1", techs, NOW, TTL)


def test_make_offers_one_per_technician_with_unguessable_tokens():
	made = offers("alice", "bob", "alice", "", "carol")
	assert [o.technician for o in made] == ["alice", "bob", "carol"]
	assert all(o.expires_at == NOW + TTL and o.job == "JOB-1" and not o.withdrawn for o in made)
	tokens = [o.token for o in made]
	assert len(set(tokens)) == 3
	assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", t) for t in tokens)  # 256 bits, URL-safe
	# fresh tokens every time
	assert not set(tokens) & {o.token for o in offers("alice", "bob", "carol")}


def test_make_offers_refuses_bad_input():
	with pytest.raises(InvalidInput):
		make_offers("JOB-1", ["a"], NOW, timedelta(0))
	with pytest.raises(InvalidInput):
		make_offers("JOB-1", ["a"], datetime(2026, 3, 3, 9), TTL)
	with pytest.raises(InvalidInput):
		make_offers("", ["a"], NOW, TTL)


def test_accept_open_job():
	(offer,) = offers("alice")
	decision = decide_acceptance(offer, JobState("JOB-1"), NOW + timedelta(minutes=5))
	assert isinstance(decision, Accepted) and not decision.already
	assert decision.state == JobState("JOB-1", JobStatus.TAKEN, "alice", offer.token)


def test_two_acceptances_arriving_together_first_wins():
	alice, bob = offers("alice", "bob")
	state = JobState("JOB-1")
	# the shell serialises them with a row lock: each decision sees the state the previous saved
	first = decide_acceptance(bob, state, NOW + timedelta(seconds=30))
	assert isinstance(first, Accepted)
	state = first.state
	second = decide_acceptance(alice, state, NOW + timedelta(seconds=30))
	assert isinstance(second, Refused) and second.reason == RefusalReason.TAKEN
	assert second.text == "Job JOB-1 has already been taken by another technician"
	assert state.taken_by == "bob"
	# deciding against a stale state would accept both: this is why the shell must lock and re-read
	assert isinstance(decide_acceptance(alice, JobState("JOB-1"), NOW), Accepted)


def test_refused_acceptance_leaves_the_job_to_the_next_valid_one():
	alice, bob = offers("alice", "bob")
	state = JobState("JOB-1")
	late = decide_acceptance(alice, state, NOW + TTL)  # exactly at expiry: expired
	assert isinstance(late, Refused) and late.reason == RefusalReason.EXPIRED
	assert late.params == {"job": "JOB-1", "expires_at": "2026-03-03 09:15"}
	ok = decide_acceptance(bob, state, NOW + TTL - timedelta(seconds=1))
	assert isinstance(ok, Accepted) and ok.state.taken_by == "bob"


def test_double_tap_by_the_winner_is_idempotent():
	(alice,) = offers("alice")
	state = decide_acceptance(alice, JobState("JOB-1"), NOW).state
	again = decide_acceptance(alice, state, NOW + TTL + timedelta(hours=1))
	assert isinstance(again, Accepted) and again.already and again.state == state


def test_withdrawn_and_cancelled():
	alice, bob = offers("alice", "bob")
	accepted = decide_acceptance(alice, JobState("JOB-1"), NOW)
	(bob_withdrawn,) = offers_to_withdraw([alice, bob], accepted)
	assert bob_withdrawn.withdrawn and bob_withdrawn.token == bob.token
	# withdrawn offer on a job that was reopened (say alice gave it back)
	refused = decide_acceptance(bob_withdrawn, JobState("JOB-1"), NOW)
	assert refused.reason == RefusalReason.WITHDRAWN
	cancelled = decide_acceptance(bob, JobState("JOB-1", JobStatus.CANCELLED), NOW)
	assert cancelled.reason == RefusalReason.CANCELLED
	# cancelled beats everything, even for the technician who had it
	assert (
		decide_acceptance(alice, JobState("JOB-1", JobStatus.CANCELLED, "alice"), NOW).reason == "cancelled"
	)


def test_refusal_precedence_taken_before_withdrawn_before_expired():
	(alice,) = offers("alice")
	from dataclasses import replace

	stale = replace(alice, withdrawn=True)
	taken = JobState("JOB-1", JobStatus.TAKEN, "bob", "x")
	assert decide_acceptance(stale, taken, NOW + 2 * TTL).reason == RefusalReason.TAKEN
	assert decide_acceptance(stale, JobState("JOB-1"), NOW + 2 * TTL).reason == RefusalReason.WITHDRAWN


def test_decision_against_another_job_is_an_error():
	(alice,) = offers("alice")
	with pytest.raises(InvalidInput):
		decide_acceptance(alice, JobState("JOB-2"), NOW)
	with pytest.raises(InvalidInput):
		decide_acceptance(alice, JobState("JOB-1", "lost"), NOW)


def test_offer_sms_text():
	(offer,) = offers("alice")
	text = offer_sms_text(
		offer,
		"Fibre install",
		datetime(2026, 3, 3, 18, 30, tzinfo=timezone.utc),
		"123 rue Principale, Laval",
		"https://erp.gigafibre.ca/offer",
	)
	assert text == (
		"New job offered: Fibre install, 2026-03-03 at 18:30, 123 rue Principale, Laval. First to accept "
		f"gets it, before 14:15: https://erp.gigafibre.ca/offer/{offer.token}"
	)
	local = offer_sms_text(
		offer,
		"Fibre install",
		datetime(2026, 3, 3, 18, 30, tzinfo=timezone.utc),
		"x",
		"https://x/o?t={token}",
		tz=TZ,
	)
	assert "2026-03-03 at 13:30" in local and local.endswith(f"https://x/o?t={offer.token}")
	french = {
		OFFER_SMS: "Nouvelle tâche offerte : {summary}, le {date} à {time}, {address}. Premier arrivé, premier servi, "
		"avant {expires} : {link}"
	}
	translated = offer_sms_text(offer, "Installation", NOW, "x", "https://x/o", translate=french.get)
	assert translated.startswith("Nouvelle tâche offerte : Installation, le 2026-03-03 à 09:00")
	assert offer_link("https://x/o/", "abc") == "https://x/o/abc"


def test_declined_offer_cannot_be_accepted_and_is_not_withdrawn_again():
	from dataclasses import replace

	alice, bob = offers("alice", "bob")
	bob_declined = replace(bob, declined=True)
	refused = decide_acceptance(bob_declined, JobState("JOB-1"), NOW)
	assert refused.reason == RefusalReason.DECLINED
	accepted = decide_acceptance(alice, JobState("JOB-1"), NOW)
	assert offers_to_withdraw([alice, bob_declined], accepted) == []


def test_offer_token_hash_and_verify():
	(offer,) = offers("alice")
	stored = hash_offer_token(offer.token)
	assert re.fullmatch(r"[0-9a-f]{64}", stored)
	assert verify_offer_token(offer.token, stored)
	assert not verify_offer_token(offer.token + "x", stored)
	assert not verify_offer_token(None, stored) and not verify_offer_token(offer.token, "")


@pytest.mark.parametrize(
	"status, technician, expected",
	[
		("Open", None, JobState("JOB-1")),
		("Open", "", JobState("JOB-1")),
		("Assigned", "bob", JobState("JOB-1", JobStatus.TAKEN, "bob")),
		("In Progress", "bob", JobState("JOB-1", JobStatus.TAKEN, "bob")),
		("Completed", "bob", JobState("JOB-1", JobStatus.TAKEN, "bob")),
		("Cancelled", None, JobState("JOB-1", JobStatus.CANCELLED)),
	],
)
def test_job_state_from_dispatch_job(status, technician, expected):
	assert job_state_from("JOB-1", status, technician) == expected


def test_winner_double_tap_works_from_stored_job_state_without_token():
	(alice,) = offers("alice")
	again = decide_acceptance(alice, job_state_from("JOB-1", "Assigned", "alice"), NOW)
	assert isinstance(again, Accepted) and again.already
