"""The rule that matters most: no invoice is ever charged twice, and every charge is recorded,
however the run is killed and restarted. Real Stripe SDK against the local Stripe double;
the ledger is in memory and durable at each call, as the shell's commits are."""

from datetime import date, datetime, timedelta

import pytest

from gigafibre_fsm.billing.preauthorised_payments import (
	DECLINED,
	NOT_CHARGED,
	SUCCEEDED,
	Charge,
	DueInvoice,
	RetryPolicy,
	run_batch,
)
from gigafibre_fsm.billing.stripe_gateway import StripeGateway
from simulators.stripe_api import StripeApiDouble
from tests.billing.ppa_fakes import Killed, KillingGateway, MemoryLedger

POLICY = RetryPolicy(days_between=3, max_attempts=3)
DAY0 = date(2026, 12, 1)


def make_invoices(api, gateway, cards):
	"""One customer per card behaviour, each with one due invoice of a different amount."""
	invoices = []
	for i, card in enumerate(cards, start=1):
		customer = gateway.create_customer(f"CUST-{i}")
		pm = api.add_payment_method(customer, card)
		invoices.append(DueInvoice(f"SINV-{i:05d}", f"CUST-{i}", 5000 + i, "CAD", customer, pm))
	return invoices


def run(ledger, gateway, day):
	ledger.now = datetime.combine(day, datetime.min.time())
	return run_batch(ledger.due(), ledger, gateway, POLICY, day)


def assert_never_twice_and_all_recorded(api, ledger):
	for invoice in ledger.invoices:
		assert api.charges_for(invoice) <= 1, f"{invoice} charged twice"
	succeeded = {pi for pi, intent in api.payment_intents.items() if intent["status"] == "succeeded"}
	assert set(ledger.payments) == succeeded, "a charge at Stripe is not recorded, or the reverse"
	for pi, (invoice, cents) in ledger.payments.items():
		assert api.payment_intents[pi]["metadata"]["invoice"] == invoice
		assert api.payment_intents[pi]["amount"] == cents == ledger.invoices[invoice].amount


@pytest.fixture
def setup(stripe_api):
	gateway = StripeGateway(stripe_api.secret_key, stripe_api.base_url, timeout=2)
	return stripe_api, gateway


def test_clean_run_charges_each_good_card_once(setup):
	api, gateway = setup
	invoices = make_invoices(api, gateway, ["pm_card_visa"] * 3)
	ledger = MemoryLedger(invoices, datetime(2026, 12, 1))
	report = run(ledger, gateway, DAY0)
	assert report.charged == [d.invoice for d in invoices] and report.completed
	assert run(ledger, gateway, DAY0).charged == []  # a second run the same day: nothing due
	assert_never_twice_and_all_recorded(api, ledger)
	# the charge carried the idempotency key of invoice + try number
	keys = [r["idempotency_key"] for r in api.posts("/v1/payment_intents")]
	assert keys == [f"ppa:{d.invoice}:1" for d in invoices]


def test_killed_after_stripe_charged_before_the_payment_was_recorded(setup):
	api, gateway = setup
	invoices = make_invoices(api, gateway, ["pm_card_visa"] * 3)
	ledger = MemoryLedger(invoices, datetime(2026, 12, 1))
	with pytest.raises(Killed):
		run(ledger, KillingGateway(gateway, kill_after_charge=2), DAY0)
	# the batch records its charges after Stripe answered them all: 1 and 2 are charged, unrecorded
	assert api.charges_for("SINV-00002") == 1 and ledger.payments == {}
	report = run(ledger, gateway, DAY0)
	assert report.recovered == ["SINV-00001", "SINV-00002"] and report.charged == ["SINV-00003"]
	assert_never_twice_and_all_recorded(api, ledger)
	assert len(api.posts("/v1/payment_intents")) == 3  # the lookup, not a second charge
	assert ledger.log["SINV-00002"][1].status == SUCCEEDED


def test_killed_between_two_invoices(setup):
	api, gateway = setup
	invoices = make_invoices(api, gateway, ["pm_card_visa"] * 3)
	ledger = MemoryLedger(invoices, datetime(2026, 12, 1))
	ledger.kill_at = ("attempts", 2)  # invoice 1 looked at, invoice 2 not yet: nothing written
	with pytest.raises(Killed):
		run(ledger, gateway, DAY0)
	assert ledger.log == {} and api.posts("/v1/payment_intents") == []
	assert run(ledger, gateway, DAY0).charged == ["SINV-00001", "SINV-00002", "SINV-00003"]
	assert_never_twice_and_all_recorded(api, ledger)


def test_killed_between_two_charges_of_the_batch(setup):
	api, gateway = setup
	invoices = make_invoices(api, gateway, ["pm_card_visa", "pm_card_visa_chargeDeclined", "pm_card_visa"])
	ledger = MemoryLedger(invoices, datetime(2026, 12, 1))
	with pytest.raises(Killed):  # invoice 1 charged, 2 declined, then the worker dies
		run(ledger, KillingGateway(gateway, kill_after_charge=2), DAY0)
	assert [a.status for d in invoices for a in ledger.attempts(d.invoice)] == ["Started"] * 3
	report = run(ledger, gateway, DAY0)
	# 1's charge is found and recorded, 2's decline counts (no second try today), 3 is charged
	assert report.recovered == ["SINV-00001"] and report.charged == ["SINV-00003"]
	assert report.skipped["SINV-00002"].startswith("Next try on")
	assert [a.status for a in ledger.attempts("SINV-00002")] == [DECLINED]
	assert_never_twice_and_all_recorded(api, ledger)


def test_killed_after_the_tries_were_written_before_stripe_was_asked(setup):
	api, gateway = setup
	invoices = make_invoices(api, gateway, ["pm_card_visa"] * 3)
	ledger = MemoryLedger(invoices, datetime(2026, 12, 1))
	with pytest.raises(Killed):
		run(ledger, KillingGateway(gateway, kill_before_charge=1), DAY0)
	assert len(ledger.log) == 3 and api.posts("/v1/payment_intents") == []
	report = run(ledger, gateway, DAY0)  # looked up: never sent, so not charged; charged now
	assert report.charged == [d.invoice for d in invoices]
	assert [a.status for a in ledger.attempts("SINV-00001")] == [NOT_CHARGED, SUCCEEDED]
	assert_never_twice_and_all_recorded(api, ledger)


def test_killed_during_a_retry(setup):
	api, gateway = setup
	invoices = make_invoices(api, gateway, ["pm_card_visa_chargeDeclinedInsufficientFunds"])
	ledger = MemoryLedger(invoices, datetime(2026, 12, 1))
	assert run(ledger, gateway, DAY0).declined == ["SINV-00001"]
	api.payment_methods[invoices[0].payment_method]["_behaviour"] = "pm_card_visa"  # pay day came
	retry_day = DAY0 + timedelta(days=3)
	with pytest.raises(Killed):
		run(ledger, KillingGateway(gateway, kill_after_charge=1), retry_day)
	report = run(ledger, gateway, retry_day)
	assert report.recovered == ["SINV-00001"]
	assert_never_twice_and_all_recorded(api, ledger)
	assert [a.status for a in ledger.attempts("SINV-00001")] == [DECLINED, SUCCEEDED]


CARDS = ["pm_card_visa", "pm_card_visa_chargeDeclined", "pm_card_authenticationRequired", "pm_card_visa"]


def _scenario(ledger, gateway, api, invoices):
	"""Four days of runs: on day 3 the declined card works again."""
	for offset in (0, 3, 6, 9):
		if offset == 3:
			api.payment_methods[invoices[1].payment_method]["_behaviour"] = "pm_card_visa"
		run(ledger, gateway, DAY0 + timedelta(days=offset))


def _clean_outcome():
	with StripeApiDouble() as api:
		gateway = StripeGateway(api.secret_key, api.base_url, timeout=2)
		invoices = make_invoices(api, gateway, CARDS)
		ledger = MemoryLedger(invoices, datetime(2026, 12, 1))
		_scenario(ledger, gateway, api, invoices)
		paid = sorted(i for i, _ in ledger.payments.values())
		return paid, set(ledger.suspended), ledger.total_calls


def test_killed_at_every_ledger_call_then_rerun():
	"""Kill the worker at every single step of four days of runs, restart it at once, and
	compare with an uninterrupted run: same invoices paid, same suspensions, 0 double charges."""
	paid, suspended, total = _clean_outcome()
	assert paid == ["SINV-00001", "SINV-00002", "SINV-00004"] and suspended == {"CUST-3"}
	for k in range(1, total + 1):
		with StripeApiDouble() as api:
			gateway = StripeGateway(api.secret_key, api.base_url, timeout=2)
			invoices = make_invoices(api, gateway, CARDS)
			ledger = MemoryLedger(invoices, datetime(2026, 12, 1))
			ledger.kill_at = ("*", k)
			for offset in (0, 3, 6, 9):
				if offset == 3:
					api.payment_methods[invoices[1].payment_method]["_behaviour"] = "pm_card_visa"
				day = DAY0 + timedelta(days=offset)
				try:
					run(ledger, gateway, day)
				except Killed:
					run(ledger, gateway, day)  # the scheduler starts it again
			assert_never_twice_and_all_recorded(api, ledger)
			assert sorted(i for i, _ in ledger.payments.values()) == paid, f"killed at call {k}"
			assert ledger.suspended == suspended, f"killed at call {k}"


def test_stripe_answers_500_after_charging(setup):
	api, gateway = setup
	invoices = make_invoices(api, gateway, ["pm_card_visa"] * 2)
	ledger = MemoryLedger(invoices, datetime(2026, 12, 1))
	api.fail_next(500, after_effect=True)
	report = run(ledger, gateway, DAY0)
	assert report.stopped_at == "SINV-00001" and not report.completed and ledger.payments == {}
	report = run(ledger, gateway, DAY0)
	assert report.recovered == ["SINV-00001"] and report.charged == ["SINV-00002"]
	assert_never_twice_and_all_recorded(api, ledger)


def test_stripe_answers_500_without_charging(setup):
	api, gateway = setup
	invoices = make_invoices(api, gateway, ["pm_card_visa"])
	ledger = MemoryLedger(invoices, datetime(2026, 12, 1))
	api.fail_next(503)
	assert run(ledger, gateway, DAY0).stopped_at == "SINV-00001"
	assert run(ledger, gateway, DAY0).charged == ["SINV-00001"]
	assert [a.status for a in ledger.attempts("SINV-00001")] == [NOT_CHARGED, SUCCEEDED]
	assert_never_twice_and_all_recorded(api, ledger)


def test_stripe_slow_past_the_timeout(stripe_api):
	api = stripe_api
	gateway = StripeGateway(api.secret_key, api.base_url, timeout=0.3)
	invoices = make_invoices(api, gateway, ["pm_card_visa"] * 2)
	ledger = MemoryLedger(invoices, datetime(2026, 12, 1))
	api.delay_next(1.0)
	report = run(ledger, gateway, DAY0)
	assert report.stopped_at == "SINV-00001" and ledger.payments == {}
	assert api.charges_for("SINV-00001") == 1  # Stripe did it; we did not hear
	report = run(ledger, gateway, DAY0)
	assert report.recovered == ["SINV-00001"] and report.charged == ["SINV-00002"]
	assert_never_twice_and_all_recorded(api, ledger)


def test_stripe_down_stops_the_run_cleanly(setup):
	api, gateway = setup
	invoices = make_invoices(api, gateway, ["pm_card_visa"])
	ledger = MemoryLedger(invoices, datetime(2026, 12, 1))
	down = StripeGateway(api.secret_key, "http://127.0.0.1:9", timeout=0.5)  # nothing listens
	report = run(ledger, down, DAY0)
	assert report.stopped_at == "SINV-00001" and "Stripe did not answer" in report.stop_reason
	assert run(ledger, gateway, DAY0).charged == ["SINV-00001"]
	assert_never_twice_and_all_recorded(api, ledger)


def test_declines_retry_on_schedule_then_suspend(setup):
	api, gateway = setup
	invoices = make_invoices(api, gateway, ["pm_card_visa_chargeDeclinedInsufficientFunds"])
	ledger = MemoryLedger(invoices, datetime(2026, 12, 1))
	assert run(ledger, gateway, DAY0).declined == ["SINV-00001"]
	assert "SINV-00001" in run(ledger, gateway, DAY0 + timedelta(days=2)).skipped
	assert run(ledger, gateway, DAY0 + timedelta(days=3)).declined == ["SINV-00001"]
	report = run(ledger, gateway, DAY0 + timedelta(days=6))
	assert report.suspended == ["SINV-00001"] and ledger.suspended == {"CUST-1"}
	assert run(ledger, gateway, DAY0 + timedelta(days=30)).skipped == {"SINV-00001": "No tries left"}
	assert api.charges_for("SINV-00001") == 0 and len(api.posts("/v1/payment_intents")) == 3
	assert [k for _, k in ledger.notices] == ["declined", "declined", "declined", "suspended"]
	declines = [r for r in api.requests if r["path"] == "/v1/payment_intents" and r["method"] == "POST"]
	assert {r["status"] for r in declines} == {402}


def test_authentication_required_tells_the_customer(setup):
	api, gateway = setup
	invoices = make_invoices(api, gateway, ["pm_card_authenticationRequired"])
	ledger = MemoryLedger(invoices, datetime(2026, 12, 1))
	assert run(ledger, gateway, DAY0).requires_action == ["SINV-00001"]
	assert ledger.notices == [("SINV-00001", "requires_action")]


def test_wrong_key_stops_without_counting_a_failure(setup):
	api, _gateway = setup
	invoices = make_invoices(api, _gateway, ["pm_card_visa"])
	ledger = MemoryLedger(invoices, datetime(2026, 12, 1))
	report = run(ledger, StripeGateway("sk_test_wrong", api.base_url), DAY0)
	assert report.stopped_at == "SINV-00001" and ledger.notices == []


def test_what_the_double_was_sent(setup):
	api, gateway = setup
	invoices = make_invoices(api, gateway, ["pm_card_visa"])
	run(MemoryLedger(invoices, datetime(2026, 12, 1)), gateway, DAY0)
	sent = api.posts("/v1/payment_intents")[0]["params"]
	assert sent["amount"] == "5001" and sent["currency"] == "cad"
	assert sent["off_session"] == "true" and sent["confirm"] == "true"
	assert sent["metadata"] == {"invoice": "SINV-00001", "attempt": "1", "customer": "CUST-1"}


def test_a_try_under_way_in_another_run_is_left_alone(setup):
	"""Two runs over the same invoice: the second must not look up (and so not re-charge) a try
	the first has just sent; once that try is old, it is a dead run's and is looked up."""
	api, gateway = setup
	invoices = make_invoices(api, gateway, ["pm_card_visa"])
	ledger = MemoryLedger(invoices, datetime(2026, 12, 1, 10, 0))
	ledger.start_attempts([(invoices[0], Charge(1, "ppa:SINV-00001:1", False))])  # the first run, waiting
	report = run_batch(ledger.due(), ledger, gateway, POLICY, DAY0, now=datetime(2026, 12, 1, 10, 1))
	assert report.skipped == {"SINV-00001": "A payment is under way"}
	assert api.requests == [r for r in api.requests if r["path"] == "/v1/customers"]  # Stripe not asked
	report = run_batch(ledger.due(), ledger, gateway, POLICY, DAY0, now=datetime(2026, 12, 1, 11, 0))
	assert report.charged == ["SINV-00001"]
	assert [a.status for a in ledger.attempts("SINV-00001")] == [NOT_CHARGED, SUCCEEDED]


def test_a_decline_stripe_made_but_we_did_not_hear_counts_as_a_decline(setup):
	api, gateway = setup
	invoices = make_invoices(api, gateway, ["pm_card_visa_chargeDeclined"])
	ledger = MemoryLedger(invoices, datetime(2026, 12, 1))
	api.fail_next(500, after_effect=True)  # Stripe declined it, we heard a 500
	assert run(ledger, gateway, DAY0).stopped_at == "SINV-00001"
	report = run(ledger, gateway, DAY0)
	assert report.skipped["SINV-00001"].startswith("Next try on")  # not charged again today
	assert [a.status for a in ledger.attempts("SINV-00001")] == [DECLINED]
	assert len(api.posts("/v1/payment_intents")) == 1
