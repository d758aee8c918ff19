"""The PPA run works per batch: all the batch's tries are written in one durable write before
Stripe is asked for any, and the succeeded charges are recorded in one write after. These tests
check that shape, and that it keeps the rule: never charged twice, every charge recorded."""

from datetime import date, datetime

from gigafibre_fsm.billing.preauthorised_payments import (
	NOT_CHARGED,
	STARTED,
	SUCCEEDED,
	Charge,
	RetryPolicy,
	run_batch,
)
from gigafibre_fsm.billing.preauthorised_payments.run import SEND_WINDOW
from gigafibre_fsm.billing.stripe_gateway import StripeGateway
from tests.billing.ppa_fakes import MemoryLedger
from tests.billing.test_ppa_kill_and_rerun import assert_never_twice_and_all_recorded, make_invoices

POLICY = RetryPolicy(days_between=3, max_attempts=3)
DAY0 = date(2026, 12, 1)
LATER = datetime(2026, 12, 1, 23, 0)  # a run long after the first: its tries are a dead run's


def gateway_for(api):
	return StripeGateway(api.secret_key, api.base_url, timeout=2)


class Watching:
	"""The real gateway, noting what the ledger held when each charge was sent."""

	def __init__(self, gateway, ledger, before_charge=None):
		self.gateway, self.ledger, self.before_charge = gateway, ledger, before_charge
		self.seen = []

	def find_payments(self, *args, **kwargs):
		return self.gateway.find_payments(*args, **kwargs)

	def charge_saved_method(self, *args, **kwargs):
		self.seen.append(
			{i: [a.status for a in attempts.values()] for i, attempts in self.ledger.log.items()}
		)
		if self.before_charge:
			self.before_charge(len(self.seen))
		return self.gateway.charge_saved_method(*args, **kwargs)


def test_every_try_is_written_in_one_write_before_stripe_is_asked(stripe_api):
	api = stripe_api
	invoices = make_invoices(api, gateway_for(api), ["pm_card_visa"] * 4 + ["pm_card_visa_chargeDeclined"])
	ledger = MemoryLedger(invoices, datetime(2026, 12, 1))
	watching = Watching(gateway_for(api), ledger)
	report = run_batch(ledger.due(), ledger, watching, POLICY, DAY0)
	assert watching.seen[0] == {d.invoice: [STARTED] for d in invoices}
	assert ledger.started_batches == [[f"ppa:{d.invoice}:1" for d in invoices]]
	# the four charges are recorded together, in one write; the decline on its own
	assert ledger.recorded_batches == [[d.invoice for d in invoices[:4]]]
	assert report.charged == [d.invoice for d in invoices[:4]] and report.declined == ["SINV-00005"]
	assert ledger.calls["record_payment"] == 0
	assert_never_twice_and_all_recorded(api, ledger)


def test_stripe_down_in_the_middle_of_the_batch(stripe_api):
	"""The first charge is made, Stripe fails on the second (the outcome unknown), the third is
	never sent: the first is recorded, the second stays STARTED, the third is closed unsent."""
	api = stripe_api
	invoices = make_invoices(api, gateway_for(api), ["pm_card_visa"] * 3)
	ledger = MemoryLedger(invoices, datetime(2026, 12, 1))

	def fail_second(n):
		if n == 2:
			api.fail_next(503)

	report = run_batch(ledger.due(), ledger, Watching(gateway_for(api), ledger, fail_second), POLICY, DAY0)
	assert report.charged == ["SINV-00001"] and report.stopped_at == "SINV-00002"
	assert [a.status for a in ledger.attempts("SINV-00002")] == [STARTED]
	assert [a.status for a in ledger.attempts("SINV-00003")] == [NOT_CHARGED]
	assert api.charges_for("SINV-00003") == 0 and len(api.posts("/v1/payment_intents")) == 2
	report = run_batch(ledger.due(), ledger, gateway_for(api), POLICY, DAY0, now=LATER)
	assert report.charged == ["SINV-00002", "SINV-00003"] and report.completed
	assert [a.status for a in ledger.attempts("SINV-00002")] == [NOT_CHARGED, SUCCEEDED]
	assert_never_twice_and_all_recorded(api, ledger)


def test_no_try_is_sent_once_the_send_window_has_passed(stripe_api):
	"""A try written with the batch ages while the others are sent; past SEND_WINDOW it could
	soon look like a dead run's to another run, so it is not sent but closed as not charged."""
	api = stripe_api
	invoices = make_invoices(api, gateway_for(api), ["pm_card_visa"] * 3)
	ledger = MemoryLedger(invoices, datetime(2026, 12, 1))
	ticks = iter([0.0, 1.0, SEND_WINDOW.total_seconds() + 1, SEND_WINDOW.total_seconds() + 2])
	report = run_batch(ledger.due(), ledger, gateway_for(api), POLICY, DAY0, clock=lambda: next(ticks))
	assert report.charged == ["SINV-00001"] and report.stopped_at == "SINV-00002"
	assert "longer than 5 minutes" in report.stop_reason
	assert [a.status for a in ledger.attempts("SINV-00002")] == [NOT_CHARGED]
	assert len(api.posts("/v1/payment_intents")) == 1
	report = run_batch(ledger.due(), ledger, gateway_for(api), POLICY, DAY0)  # the next run
	assert report.charged == ["SINV-00002", "SINV-00003"]
	assert_never_twice_and_all_recorded(api, ledger)


def test_a_try_another_run_wrote_meanwhile_is_left_to_it(stripe_api):
	api = stripe_api
	invoices = make_invoices(api, gateway_for(api), ["pm_card_visa"] * 3)
	ledger = MemoryLedger(invoices, datetime(2026, 12, 1))
	due = ledger.due()
	real_start = ledger.start_attempts

	def racing(tries):  # another run wrote invoice 2's first try between our look-up and write
		real_start([(invoices[1], Charge(1, "ppa:SINV-00002:1", False))])
		return real_start(tries)

	ledger.start_attempts = racing
	report = run_batch(due, ledger, gateway_for(api), POLICY, DAY0)
	assert report.charged == ["SINV-00001", "SINV-00003"]
	assert report.skipped == {"SINV-00002": "Another run is charging this invoice"}
	assert api.charges_for("SINV-00002") == 0


def test_a_succeeded_charge_in_another_currency_is_not_recorded_with_the_batch(stripe_api):
	"""Never CAD cents booked as USD: that charge stays STARTED (the next look-up finds it
	again, for review); the rest of the batch is recorded."""
	api = stripe_api
	invoices = make_invoices(api, gateway_for(api), ["pm_card_visa"] * 2)
	ledger = MemoryLedger(invoices, datetime(2026, 12, 1))
	gateway = gateway_for(api)

	class Usd:
		def find_payments(self, *a, **k):
			return gateway.find_payments(*a, **k)

		def charge_saved_method(self, customer, pm, amount, currency, key, metadata):
			result = gateway.charge_saved_method(customer, pm, amount, currency, key, metadata)
			if metadata["invoice"] == "SINV-00001":
				from dataclasses import replace

				return replace(result, currency="USD")
			return result

	report = run_batch(ledger.due(), ledger, Usd(), POLICY, DAY0)
	assert report.charged == ["SINV-00002"] and "SINV-00001" in report.errors
	assert [a.status for a in ledger.attempts("SINV-00001")] == [STARTED]


def test_a_batch_talks_to_stripe_over_one_connection(stripe_api, monkeypatch):
	"""The SDK's requests session keeps the connection open: one TCP connection for the whole
	batch of charges, not one per invoice."""
	import urllib3.util.connection as connection

	opened = []
	real = connection.create_connection

	def counting(*args, **kwargs):
		opened.append(args[0])
		return real(*args, **kwargs)

	monkeypatch.setattr(connection, "create_connection", counting)
	api = stripe_api
	gateway = gateway_for(api)
	invoices = make_invoices(api, gateway, ["pm_card_visa"] * 10)
	ledger = MemoryLedger(invoices, datetime(2026, 12, 1))
	opened.clear()
	assert len(run_batch(ledger.due(), ledger, gateway, POLICY, DAY0).charged) == 10
	assert len(api.posts("/v1/payment_intents")) == 10 and len(opened) <= 1


def test_a_charge_the_books_refuse_is_left_for_review_and_the_rest_recorded(stripe_api):
	api = stripe_api
	invoices = make_invoices(api, gateway_for(api), ["pm_card_visa"] * 3)
	ledger = MemoryLedger(invoices, datetime(2026, 12, 1))
	ledger.refuse = {"SINV-00002"}  # cancelled between the look-up and the booking, say
	report = run_batch(ledger.due(), ledger, gateway_for(api), POLICY, DAY0)
	assert report.charged == ["SINV-00001", "SINV-00003"]
	assert report.errors == {"SINV-00002": "refused by the books"}
	assert [a.status for a in ledger.attempts("SINV-00002")] == [STARTED]  # found again next run
	assert api.charges_for("SINV-00002") == 1
	ledger.refuse = set()
	report = run_batch(ledger.due(), ledger, gateway_for(api), POLICY, DAY0, now=LATER)
	assert report.recovered == ["SINV-00002"] and len(api.posts("/v1/payment_intents")) == 3
	assert_never_twice_and_all_recorded(api, ledger)
