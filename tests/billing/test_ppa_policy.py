from datetime import date, datetime

import pytest

from gigafibre_fsm.billing.preauthorised_payments import (
	DECLINED,
	NOT_CHARGED,
	REQUIRES_ACTION,
	STARTED,
	SUCCEEDED,
	Attempt,
	Charge,
	DueInvoice,
	RetryPolicy,
	Skip,
	decide,
	idempotency_key,
	outcome_status,
)
from gigafibre_fsm.errors import InvalidInput

DUE = DueInvoice("ACC-SINV-2026-00001", "CUST-1", 5749, "CAD", "cus_1", "pm_1")
POLICY = RetryPolicy(days_between=3, max_attempts=3)


def attempt(number, status, day):
	return Attempt(
		DUE.invoice, number, idempotency_key(DUE.invoice, number), status, datetime(2026, 12, day, 6)
	)


def test_first_try_has_number_one_and_a_key_from_invoice_and_number():
	decision = decide(DUE, [], POLICY, date(2026, 12, 1))
	assert decision == Charge(1, "ppa:ACC-SINV-2026-00001:1", is_retry=False)
	assert idempotency_key("X", 2) != idempotency_key("X", 1)
	with pytest.raises(InvalidInput):
		idempotency_key("X", 0)


def test_retry_waits_the_days_between_tries():
	log = [attempt(1, DECLINED, 1)]
	assert isinstance(decide(DUE, log, POLICY, date(2026, 12, 3)), Skip)
	assert decide(DUE, log, POLICY, date(2026, 12, 4)) == Charge(
		2, "ppa:ACC-SINV-2026-00001:2", is_retry=True
	)


def test_no_try_after_the_last_failure():
	log = [attempt(1, DECLINED, 1), attempt(2, REQUIRES_ACTION, 4), attempt(3, DECLINED, 7)]
	skip = decide(DUE, log, POLICY, date(2026, 12, 30))
	assert isinstance(skip, Skip) and skip.reason == "No tries left"


def test_an_unknown_outcome_that_was_not_charged_does_not_count_as_a_failure():
	log = [attempt(1, NOT_CHARGED, 1)]
	assert decide(DUE, log, POLICY, date(2026, 12, 1)) == Charge(
		2, "ppa:ACC-SINV-2026-00001:2", is_retry=False
	)


@pytest.mark.parametrize("status", [STARTED, SUCCEEDED])
def test_never_charges_while_a_try_is_open_or_paid(status):
	assert isinstance(decide(DUE, [attempt(1, status, 1)], POLICY, date(2026, 12, 9)), Skip)


def test_without_saved_method_or_amount_nothing_is_charged():
	no_card = DueInvoice("I", "C", 100, "CAD", "cus_1", None)
	nothing = DueInvoice("I", "C", 0, "CAD", "cus_1", "pm_1")
	assert isinstance(decide(no_card, [], POLICY, date(2026, 12, 1)), Skip)
	assert isinstance(decide(nothing, [], POLICY, date(2026, 12, 1)), Skip)


def test_policy_is_validated():
	with pytest.raises(InvalidInput):
		RetryPolicy(days_between=1, max_attempts=0)


def test_outcome_statuses():
	assert outcome_status("succeeded", None) == SUCCEEDED
	assert outcome_status("requires_payment_method", "card_declined") == DECLINED
	assert outcome_status("requires_payment_method", "authentication_required") == REQUIRES_ACTION
	assert outcome_status("requires_action", None) == REQUIRES_ACTION
