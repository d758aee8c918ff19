"""Fleet summary over the NBI and the poller's core decisions."""

import math
import random
from datetime import timedelta

import pytest

from gigafibre_fsm.errors import InvalidInput
from gigafibre_fsm.network.acs import (
	BackoffPolicy,
	NbiClient,
	OpticalThresholds,
	PollerHealth,
	after_failure,
	after_success,
	cached_state,
	fetch_fleet_summary,
	plan_batches,
	poll_batch,
	should_poll,
	staleness,
	summarize,
	summarize_fleet,
)
from simulators.genieacs_nbi import NbiSimulator, generate_fleet
from tests.network.acs.conftest import NOW, XX230V, csv_doc


@pytest.fixture(scope="module")
def fleet_sim():
	docs = generate_fleet(1200, seed=21, now=NOW, filler=0)
	s = NbiSimulator(docs, clock=lambda: NOW)
	s.start()
	yield s, docs
	s.stop()


def test_fleet_summary_over_the_nbi_equals_the_direct_count(fleet_sim):
	sim, docs = fleet_sim
	c = NbiClient(sim.base_url)
	summary = fetch_fleet_summary(c, now=NOW, online_minutes=5, page_size=500)
	direct = summarize_fleet(docs, now=NOW, online_minutes=5)
	assert summary.requests == math.ceil(len(docs) / 500) == 3
	assert (summary.total, summary.online, summary.by_firmware) == (
		direct.total,
		direct.online,
		direct.by_firmware,
	)
	assert {k: (v.total, v.online) for k, v in summary.by_model.items()} == {
		k: (v.total, v.online) for k, v in direct.by_model.items()
	}
	assert set(summary.by_model) == {"XX230v", "EX220", "HT803G", "EG8145V5", "EC220-G5"}
	assert summary.by_data_model["TR-098"] + summary.by_data_model["TR-181"] == len(docs)
	assert 0.7 < summary.online / summary.total < 0.9
	wider = fetch_fleet_summary(c, now=NOW, online_minutes=24 * 60, page_size=5000)
	assert wider.requests == 1 and wider.online > summary.online


def test_fleet_summary_counts_unknowns():
	s = summarize_fleet(
		[{"_id": "a"}, {"_id": "b", "Device": {"DeviceInfo": {"ModelName": {"_value": "X"}}}}], now=NOW
	)
	assert s.by_model["unknown"].total == 1 and s.by_firmware == {"unknown": 2} and s.online == 0
	with pytest.raises(InvalidInput):
		summarize_fleet([], online_minutes=0)


def test_plan_batches():
	assert plan_batches(["a", "b", "a", "", "c", "d", "e"], 2) == [["a", "b"], ["c", "d"], ["e"]]
	assert plan_batches([], 10) == []
	with pytest.raises(InvalidInput):
		plan_batches(["a"], 0)


def test_poll_batch_one_request_per_batch_and_cached_state(fleet_sim):
	sim, docs = fleet_sim
	c = NbiClient(sim.base_url)
	ids = [d["_id"] for d in docs[:50]] + ["000000-GONE-1"]
	result = poll_batch(c, ids, now=NOW)
	assert result.requests == 1 and not result.failed
	assert [s.device_id for s in result.states] == ids
	gone = result.states[-1]
	assert gone.stale and gone.error == "Not found in the ACS" and not gone.online
	ont = next(s for s in result.states if s.model == "XX230v")
	assert ont.rx_dbm is not None and ont.optical_status in ("ok", "warning", "critical")
	assert ont.firmware and ont.wan_ip and ont.polled_at == NOW.isoformat()
	assert not staleness(ont, NOW + timedelta(minutes=10), max_age_minutes=30)
	assert staleness(ont, NOW + timedelta(minutes=31), max_age_minutes=30)


def test_poll_batch_when_the_acs_is_down_marks_stale_and_backs_off(fleet_sim, dead_url):
	sim, docs = fleet_sim
	ids = [d["_id"] for d in docs[:5]]
	good = poll_batch(NbiClient(sim.base_url), ids, now=NOW)
	previous = {s.device_id: s for s in good.states}
	down = NbiClient(dead_url, timeout=0.3, retries=0)
	result = poll_batch(down, ids, now=NOW + timedelta(minutes=5), previous=previous)
	assert result.failed and "unreachable" in result.error
	assert all(s.stale and s.error == result.error for s in result.states)
	assert [s.firmware for s in result.states] == [previous[i].firmware for i in ids]  # last known kept
	assert all(staleness(s, NOW) for s in result.states)

	policy = BackoffPolicy(base_seconds=60, factor=2, max_seconds=600, jitter=0)
	health = PollerHealth()
	delays = []
	t = NOW
	for _ in range(6):
		health = after_failure(health, t, result.error, policy)
		delays.append((health.next_attempt_at - t).total_seconds())
	assert delays == [60, 120, 240, 480, 600, 600]
	assert not should_poll(health, t + timedelta(seconds=599)) and should_poll(
		health, t + timedelta(seconds=600)
	)
	assert after_success(health) == PollerHealth()


def test_backoff_jitter_stays_within_bounds():
	policy = BackoffPolicy(base_seconds=10, jitter=0.2, max_seconds=100)
	rng = random.Random(1)
	for failures in range(1, 10):
		d = policy.delay(failures, rng)
		assert 0 <= d <= 100
		assert d >= min(100, 10 * 2 ** (failures - 1)) * 0.8 - 1e-9


def test_the_poller_judges_with_the_configured_thresholds():
	"""The cached state follows the operator's thresholds, as the live summary does."""
	doc = csv_doc("1C61B4-XX230v")  # RX -2.50 dBm, TX +1.73 dBm
	sim = NbiSimulator([doc], clock=lambda: NOW)
	sim.start()
	try:
		c = NbiClient(sim.base_url)
		default = poll_batch(c, [XX230V], now=NOW).states[0]
		assert (default.rx_dbm, default.tx_dbm, default.optical_status) == (-2.5, 1.73, "critical")
		close_to_the_olt = OpticalThresholds(rx_warning=-25, rx_critical=-27, rx_max=-1)
		relaxed = poll_batch(c, [XX230V], now=NOW, thresholds=close_to_the_olt).states[0]
		assert relaxed.optical_status == "ok"
		strict = OpticalThresholds(rx_warning=-2, rx_critical=-2.4, rx_max=5)
		assert poll_batch(c, [XX230V], now=NOW, thresholds=strict).states[0].optical_status == "critical"
		for t in (None, close_to_the_olt, strict):  # cached and live agree, threshold for threshold
			live = summarize(doc, now=NOW, thresholds=t).optical.status
			assert cached_state(doc, NOW, thresholds=t).optical_status == live
	finally:
		sim.stop()
