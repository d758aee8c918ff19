import random

import pytest

from gigafibre_fsm.errors import InvalidInput
from gigafibre_fsm.network.outages import (
	IncidentExtended,
	IncidentMerged,
	IncidentOpened,
	IncidentResolved,
	NaiveOutageCorrelator,
	OnuFlapping,
	OnuPlace,
	OutageCorrelator,
	OutagePolicy,
	Topology,
	correlate,
)


def topology(olts=1, cards=2, pons=4, per=8):
	onus = {}
	for o in range(olts):
		for c in range(cards):
			for p in range(pons):
				for n in range(per):
					onus[f"O{o}/0/{c}/{p}:{n}"] = OnuPlace(
						f"O{o}/0/{c}/{p}", f"O{o}/0/{c}", f"O{o}", f"LOC-{o}{c}{p}{n}", f"CUST-{o}{c}{p}{n}"
					)
	return Topology(onus)


def pon_down(pon, at, per=8, kind="down", spread=1.0):
	return [(f"{pon}:{n}", kind, at + n * spread) for n in range(per)]


def kinds(decisions, cls):
	return [d for d in decisions if isinstance(d, cls)]


def test_a_pon_port_going_dark_opens_one_incident_with_its_customers():
	decisions = correlate(pon_down("O0/0/0/1", 1000), topology())
	(opened,) = kinds(decisions, IncidentOpened)
	assert (opened.scope, opened.node) == ("pon", "O0/0/0/1")
	assert set(opened.customers) | {c for d in kinds(decisions, IncidentExtended) for c in d.customers} == {
		f"CUST-001{n}" for n in range(8)
	}
	assert len(opened.onus) == 4  # opened at min_fraction (half of 8), the rest extend it


def test_scattered_downs_do_not_make_an_outage():
	changes = [("O0/0/0/1:1", "down", 0), ("O0/0/0/2:1", "down", 10), ("O0/0/1/1:1", "down", 20)]
	changes += [("O0/0/0/1:2", "down", 1000)]  # same port but far outside the window
	changes += [("O0/0/0/1:3", "down", 2000), ("O0/0/0/1:4", "down", 2001)]
	assert kinds(correlate(changes, topology()), IncidentOpened) == []


def test_a_flapping_onu_is_flagged_once_and_not_counted():
	bounces = []
	for k in range(6):
		bounces += [("O0/0/0/0:0", "down", k * 60), ("O0/0/0/0:0", "up", k * 60 + 30)]
	policy = OutagePolicy(min_onus=2, min_fraction=0.2)
	# one more real down: with the flapping ONU counted this would be 2 of 8 and open an outage
	decisions = correlate([*bounces, ("O0/0/0/0:5", "down", 250)], topology(), policy)
	assert [(d.onu, d.downs) for d in kinds(decisions, OnuFlapping)] == [("O0/0/0/0:0", 3)]
	assert kinds(decisions, IncidentOpened) == []


def test_most_pon_ports_of_a_card_down_escalate_to_one_card_incident():
	changes = []
	for p in range(3):  # 3 of the card's 4 ports
		changes += pon_down(f"O0/0/1/{p}", 100 + p * 5)
	decisions = correlate(changes, topology())
	opened = kinds(decisions, IncidentOpened)
	# "most" of 4 ports is 3: two ports down stay two port incidents
	assert [o.scope for o in opened] == ["pon", "pon", "pon", "card"]
	card = opened[-1]
	merged = kinds(decisions, IncidentMerged)
	assert {m.incident for m in merged} == {o.incident for o in opened[:3]}
	assert all(m.into == card.incident for m in merged)
	later = [d for d in decisions if isinstance(d, IncidentExtended) and d.at > card.at]
	assert all(d.incident == card.incident for d in later)


def test_most_cards_down_escalate_to_the_olt():
	changes = []
	for c in range(2):
		for p in range(3):
			changes += pon_down(f"O0/0/{c}/{p}", 100 + c * 20 + p * 5)
	opened = kinds(correlate(changes, topology(cards=3)), IncidentOpened)
	assert opened[-1].scope == "olt" and opened[-1].node == "O0"


def test_incident_resolves_when_enough_onus_are_back():
	down = pon_down("O0/0/0/2", 0)
	up = pon_down("O0/0/0/2", 600, kind="up")
	c = OutageCorrelator(topology())
	c.feed(down)
	assert kinds(c.feed(up[:6]), IncidentResolved) == []  # 6 of 8 back: 75 %
	assert kinds(c.feed(up[6:7]), IncidentResolved) == []  # 7 of 8: 87.5 % < 90 %
	(resolved,) = kinds(c.feed(up[7:]), IncidentResolved)
	assert (resolved.back, resolved.affected) == (8, 8)
	assert c.open_incidents() == []


def test_resolution_threshold_is_the_policy_fraction():
	c = OutageCorrelator(topology(), OutagePolicy(resolve_fraction=0.5))
	c.feed(pon_down("O0/0/0/2", 0))
	assert kinds(c.feed(pon_down("O0/0/0/2", 600, kind="up", per=3)), IncidentResolved) == []
	(resolved,) = kinds(c.feed([("O0/0/0/2:3", "up", 700)]), IncidentResolved)
	assert (resolved.back, resolved.affected) == (4, 8)


def test_changes_arriving_out_of_order_are_sorted_and_duplicates_ignored():
	changes = pon_down("O0/0/0/1", 1000)
	shuffled = list(reversed(changes)) + changes
	assert correlate(shuffled, topology()) == correlate(changes, topology())


def test_policy_rejects_nonsense():
	with pytest.raises(InvalidInput):
		OutagePolicy(min_fraction=0)
	with pytest.raises(InvalidInput):
		OutagePolicy(window_s=-1)


def random_stream(topo, n, seed):
	rng = random.Random(seed)
	ids = sorted(topo.onus)
	pons = sorted(topo.pon_size)
	changes, now = [], 0.0
	while len(changes) < n:
		now += rng.expovariate(1 / 20)
		r = rng.random()
		if r < 0.1:
			pon = rng.choice(pons)
			members = [o for o in ids if topo.onus[o].pon == pon]
			start, back = now, now + rng.uniform(100, 2000)
			for m in members:
				if rng.random() < 0.9:
					changes += [
						(m, "down", start + rng.uniform(0, 120)),
						(m, "up", back + rng.uniform(0, 300)),
					]
		elif r < 0.2:
			o = rng.choice(ids)
			for k in range(rng.randint(2, 6)):
				changes += [(o, "down", now + k * 100), (o, "up", now + k * 100 + 40)]
		else:
			o = rng.choice(ids)
			changes += [(o, "down", now), (o, "up", now + rng.uniform(5, 3000))]
	return changes


@pytest.mark.parametrize("seed", range(6))
def test_streaming_correlator_agrees_with_the_naive_reference(seed):
	topo = topology(olts=2, cards=3, pons=4, per=8)
	changes = random_stream(topo, 3000, seed)
	policy = OutagePolicy(window_s=180, min_onus=3, flap_count=3, flap_window_s=400)
	fast = OutageCorrelator(topo, policy).feed(changes)
	naive = NaiveOutageCorrelator(topo, policy).feed(changes)
	assert fast == naive
	assert kinds(fast, IncidentOpened)  # the stream does exercise outages
