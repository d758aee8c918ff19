"""Outage correlation: from a stream of ONU state changes to incidents to open, extend, escalate and resolve.

The rules (numbers in OutagePolicy):
- an ONU that went down `flap_count` times within `flap_window_s` is flapping: flagged once,
  and its downs are not counted towards an outage;
- a PON port has an outage when, within `window_s`, at least `min_onus` of its ONUs went down
  and are still down, and they are at least `min_fraction` of the port's ONUs;
- a card's outage replaces its ports' incidents when more than `card_fraction` of its PON ports
  (at least two) are in outage; an OLT's likewise when more than `olt_fraction` of its cards are;
  the narrower incidents are merged into the broader one, so there is one incident per outage;
- while an incident covers a node, more downs under it extend it;
- an incident is resolved when at least `resolve_fraction` of its affected ONUs are back up.

Complexity: changes are sorted once (O(n log n)); each change then costs O(1) amortised, with
per-node sliding windows (deques) and counters; the only per-node scans happen once when an
incident opens or escalates. `NaiveOutageCorrelator` (naive.py) recomputes the windows by
scanning, as a reference for tests and the benchmark.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from gigafibre_fsm.errors import InvalidInput, _

from .topology import Topology

DOWN = "down"
UP = "up"

PON, CARD, OLT = "pon", "card", "olt"


@dataclass(frozen=True)
class OutagePolicy:
	"""The thresholds of correlation (seconds and fractions)."""

	window_s: float = 300.0
	min_onus: int = 3
	min_fraction: float = 0.5
	card_fraction: float = 0.5
	olt_fraction: float = 0.5
	flap_count: int = 3
	flap_window_s: float = 900.0
	resolve_fraction: float = 0.9

	def __post_init__(self):
		if self.window_s <= 0 or self.flap_window_s <= 0 or self.min_onus < 1 or self.flap_count < 2:
			raise InvalidInput(_("Outage policy windows and counts must be positive"))
		for value in (self.min_fraction, self.card_fraction, self.olt_fraction, self.resolve_fraction):
			if not 0.0 < value <= 1.0:
				raise InvalidInput(_("Outage policy fractions must be between 0 and 1"))


@dataclass(frozen=True)
class Change:
	"""One ONU going `down` or `up` at `at` (epoch seconds or an aware datetime)."""

	onu: str
	kind: str
	at: float | datetime
	cause: str | None = None


# Decisions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class IncidentOpened:
	incident: str
	scope: str
	node: str
	at: float
	onus: tuple[str, ...]
	locations: tuple[str, ...]
	customers: tuple[str, ...]
	source: str = "onu"


@dataclass(frozen=True)
class IncidentExtended:
	incident: str
	at: float
	onus: tuple[str, ...]
	locations: tuple[str, ...]
	customers: tuple[str, ...]


@dataclass(frozen=True)
class IncidentMerged:
	"""`incident` is superseded by the broader `into` (its customers and tickets move there)."""

	incident: str
	into: str
	at: float


@dataclass(frozen=True)
class IncidentResolved:
	incident: str
	at: float
	back: int
	affected: int


@dataclass(frozen=True)
class OnuFlapping:
	onu: str
	at: float
	downs: int


# State -----------------------------------------------------------------------------------


class _Onu:
	__slots__ = ("counted", "down", "down_since", "downs", "flapping", "incident", "place")

	def __init__(self, place):
		self.place = place
		self.down = False
		self.down_since = 0.0
		self.counted = False
		self.downs: deque = deque()
		self.flapping = False
		self.incident = None


class _Pon:
	__slots__ = ("down", "incident", "recent", "recent_count", "size")

	def __init__(self, size: int):
		self.size = size
		self.recent: deque = deque()
		self.recent_count = 0
		self.down: set = set()
		self.incident = None


class _Group:
	"""A card (members are PON ids) or an OLT (members are card ids)."""

	__slots__ = ("in_outage", "incident", "size")

	def __init__(self, size: int):
		self.size = size
		self.in_outage: set = set()
		self.incident = None


@dataclass
class Incident:
	id: str
	scope: str
	node: str
	opened_at: float
	affected: set = field(default_factory=set)
	back: set = field(default_factory=set)
	open: bool = True
	source: str = "onu"


def _seconds(at) -> float:
	if isinstance(at, datetime):
		if at.tzinfo is None:
			at = at.replace(tzinfo=timezone.utc)
		return at.timestamp()
	return float(at)


class OutageCorrelator:
	"""Streaming correlation over one topology; feed it changes in any order within a batch.

	`feed` returns the decisions the batch caused; state carries over between batches (the
	shell keeps one correlator per worker and rebuilds it after a restart from open incidents).
	"""

	def __init__(self, topology: Topology, policy: OutagePolicy | None = None):
		self.topology = topology
		self.policy = policy or OutagePolicy()
		self._onus: dict[str, _Onu] = {}
		self._pons = {pon: _Pon(size) for pon, size in topology.pon_size.items()}
		self._cards = {card: _Group(size) for card, size in topology.card_pons.items()}
		self._olts = {olt: _Group(size) for olt, size in topology.olt_cards.items()}
		self.incidents: dict[str, Incident] = {}
		self._kuma_open: dict[str, str] = {}
		self._seen_keys: set[str] = set()
		self.unknown_onus = 0

	# public ----------------------------------------------------------------------------

	def feed(self, changes: Iterable) -> list:
		"""Apply a batch of changes (Change, OnuStateChange or (onu, kind, at) tuples) in time order."""
		batch = []
		for change in changes:
			if isinstance(change, tuple):
				onu, kind, at = change[0], change[1], change[2]
			else:
				onu, kind, at = change.onu, change.kind, change.at
			if kind == DOWN or kind == UP:
				batch.append((at if type(at) is float else _seconds(at), kind == DOWN, onu))
		batch.sort(key=lambda item: item[0])
		out: list = []
		places = self.topology.onus
		onus = self._onus
		for at, is_down, onu_id in batch:
			onu = onus.get(onu_id)
			if onu is None:
				place = places.get(onu_id)
				if place is None:
					self.unknown_onus += 1
					continue
				onu = onus[onu_id] = _Onu(place)
			if is_down:
				if not onu.down:
					self._down(onu_id, onu, at, out)
			elif onu.down:
				self._up(onu_id, onu, at, out)
		return out

	def apply_kuma(self, event, node: str | None = None) -> list:
		"""Apply one Uptime-Kuma event (kuma.KumaEvent); a repeated delivery (same key) does nothing.

		`node` is the topology node the monitor watches (an OLT, card or PON port id), as the
		shell maps it; without it a monitor named after a node is matched by name. A down opens
		one incident per monitor (with that node's ONUs, locations and customers, none for an
		unmapped monitor); the next up resolves it. Pending, maintenance and test do nothing.
		"""
		if event.key in self._seen_keys:
			return []
		self._seen_keys.add(event.key)
		monitor = str(event.monitor_id if event.monitor_id is not None else event.monitor_name)
		out: list = []
		if event.status == "down" and monitor not in self._kuma_open:
			if node is None and self.topology.scope_of(event.monitor_name):
				node = event.monitor_name
			scope = self.topology.scope_of(node) if node else None
			affected = self.topology.members(node) if node else []
			inc = self._open(
				f"kuma-{scope or 'monitor'}", node or event.monitor_name, event.at, affected, out, "kuma"
			)
			self._kuma_open[monitor] = inc.id
		elif event.status == "up" and monitor in self._kuma_open:
			inc = self.incidents[self._kuma_open.pop(monitor)]
			inc.open = False
			out.append(IncidentResolved(inc.id, event.at, len(inc.affected), len(inc.affected)))
		return out

	def open_incidents(self) -> list[Incident]:
		return [i for i in self.incidents.values() if i.open]

	# windows (overridden by the naive reference) ----------------------------------------

	def _flap_downs(self, onu: _Onu, at: float) -> int:
		downs = onu.downs
		downs.append(at)
		limit = at - self.policy.flap_window_s
		while downs[0] < limit:
			downs.popleft()
		return len(downs)

	def _count_recent(self, pon: _Pon, onu_id: str, onu: _Onu, at: float) -> int:
		pon.recent.append((at, onu_id, onu))
		pon.recent_count += 1
		onu.counted = True
		limit = at - self.policy.window_s
		recent = pon.recent
		while recent[0][0] < limit:
			t, _id, old = recent.popleft()
			if old.counted and old.down_since == t:
				old.counted = False
				pon.recent_count -= 1
		return pon.recent_count

	def _recent_down(self, pon: _Pon, at: float) -> list[str]:
		return sorted(
			{oid for t, oid, o in pon.recent if o.counted and o.down and o.down_since == t and not o.flapping}
		)

	def _uncount(self, pon: _Pon, onu: _Onu) -> None:
		if onu.counted:
			onu.counted = False
			pon.recent_count -= 1

	# transitions -----------------------------------------------------------------------

	def _down(self, onu_id: str, onu: _Onu, at: float, out: list) -> None:
		policy = self.policy
		onu.down = True
		onu.down_since = at
		downs = self._flap_downs(onu, at)
		if downs >= policy.flap_count:
			if not onu.flapping:
				onu.flapping = True
				out.append(OnuFlapping(onu_id, at, downs))
			inc = onu.incident
			if inc is not None and inc.open:
				inc.back.discard(onu_id)
			return
		onu.flapping = False
		place = onu.place
		pon = self._pons[place.pon]
		pon.down.add(onu_id)
		count = self._count_recent(pon, onu_id, onu, at)
		covering = self._covering(place)
		if covering is not None:
			if onu_id in covering.affected:
				covering.back.discard(onu_id)
			else:
				covering.affected.add(onu_id)
				onu.incident = covering
				out.append(self._extended(covering, at, [onu_id]))
			return
		if count >= policy.min_onus and count >= policy.min_fraction * pon.size:
			affected = self._recent_down(pon, at)
			inc = self._open(PON, place.pon, at, affected, out)
			pon.incident = inc
			self._escalate_card(place.card, place.pon, place.olt, at, out)

	def _up(self, onu_id: str, onu: _Onu, at: float, out: list) -> None:
		onu.down = False
		place = onu.place
		pon = self._pons[place.pon]
		pon.down.discard(onu_id)
		self._uncount(pon, onu)
		inc = onu.incident
		if inc is None or not inc.open:
			return
		inc.back.add(onu_id)
		if len(inc.back) >= self.policy.resolve_fraction * len(inc.affected):
			self._resolve(inc, at, out)

	# incidents -------------------------------------------------------------------------

	def _covering(self, place) -> Incident | None:
		olt = self._olts[place.olt].incident
		if olt is not None:
			return olt
		card = self._cards[place.card].incident
		if card is not None:
			return card
		return self._pons[place.pon].incident

	def _open(self, scope: str, node: str, at: float, affected, out: list, source="onu") -> Incident:
		inc = Incident(id=f"{scope}:{node}@{int(at)}", scope=scope, node=node, opened_at=at, source=source)
		inc.affected.update(affected)
		self.incidents[inc.id] = inc
		# A monitor's incident follows the monitor, not the ONUs' own ups and downs.
		for onu_id in affected if source == "onu" else ():
			onu = self._onus.get(onu_id)
			if onu is not None:
				onu.incident = inc
		locations, customers = self._served(inc.affected)
		out.append(
			IncidentOpened(inc.id, scope, node, at, tuple(sorted(inc.affected)), locations, customers, source)
		)
		return inc

	def _extended(self, inc: Incident, at: float, onus: list[str]) -> IncidentExtended:
		locations, customers = self._served(onus)
		return IncidentExtended(inc.id, at, tuple(onus), locations, customers)

	def _served(self, onus) -> tuple[tuple[str, ...], tuple[str, ...]]:
		places = self.topology.onus
		locations = {places[o].location for o in onus if o in places and places[o].location}
		customers = {places[o].customer for o in onus if o in places and places[o].customer}
		return tuple(sorted(locations)), tuple(sorted(customers))

	def _merge_into(self, parent: Incident, children: list[Incident], at: float, out: list) -> None:
		for child in children:
			if child is None or not child.open:
				continue
			child.open = False
			parent.back.update(child.back)
			for onu_id in child.affected:
				onu = self._onus.get(onu_id)
				if onu is not None:
					onu.incident = parent
			out.append(IncidentMerged(child.id, parent.id, at))

	def _escalate_card(self, card_id: str, pon_id: str, olt_id: str, at: float, out: list) -> None:
		card = self._cards[card_id]
		card.in_outage.add(pon_id)
		count = len(card.in_outage)
		if card.incident is None and count >= 2 and count > self.policy.card_fraction * card.size:
			pons = [self._pons[p] for p in sorted(card.in_outage)]
			affected = set().union(*(p.incident.affected for p in pons if p.incident is not None))
			inc = self._open(CARD, card_id, at, affected, out)
			card.incident = inc
			self._merge_into(inc, [p.incident for p in pons], at, out)
			for p in pons:
				p.incident = None
			self._escalate_olt(olt_id, card_id, at, out)

	def _escalate_olt(self, olt_id: str, card_id: str, at: float, out: list) -> None:
		olt = self._olts[olt_id]
		olt.in_outage.add(card_id)
		count = len(olt.in_outage)
		if olt.incident is None and count >= 2 and count > self.policy.olt_fraction * olt.size:
			cards = [self._cards[c] for c in sorted(olt.in_outage)]
			affected = set().union(*(c.incident.affected for c in cards if c.incident is not None))
			inc = self._open(OLT, olt_id, at, affected, out)
			olt.incident = inc
			self._merge_into(inc, [c.incident for c in cards], at, out)
			for c in cards:
				c.incident = None

	def _resolve(self, inc: Incident, at: float, out: list) -> None:
		inc.open = False
		out.append(IncidentResolved(inc.id, at, len(inc.back), len(inc.affected)))
		for onu_id in inc.affected:
			onu = self._onus.get(onu_id)
			if onu is not None and onu.incident is inc:
				onu.incident = None
		if inc.scope == PON:
			pon = self._pons[inc.node]
			pon.incident = None
			card_id = self.topology.onus[next(iter(inc.affected))].card if inc.affected else None
			if card_id:
				self._cards[card_id].in_outage.discard(inc.node)
		elif inc.scope == CARD:
			card = self._cards[inc.node]
			card.incident = None
			card.in_outage.clear()
			for olt in self._olts.values():
				olt.in_outage.discard(inc.node)
		elif inc.scope == OLT:
			olt = self._olts[inc.node]
			olt.incident = None
			for card_id in olt.in_outage:
				self._cards[card_id].in_outage.clear()
			olt.in_outage.clear()


def correlate(changes: Iterable, topology: Topology, policy: OutagePolicy | None = None) -> list:
	"""One-shot correlation of a batch of changes (see OutageCorrelator)."""
	return OutageCorrelator(topology, policy).feed(changes)
