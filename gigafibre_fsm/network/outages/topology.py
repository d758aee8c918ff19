"""Where each ONU hangs in the network (PON port, card, OLT) and whom it serves."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class OnuPlace:
	"""One ONU's place: its PON port, card and OLT ids, and the service location and customer it serves."""

	pon: str
	card: str
	olt: str
	location: str | None = None
	customer: str | None = None


@dataclass
class Topology:
	"""ONU -> PON port -> card -> OLT, and ONU -> service location / customer.

	Sizes (ONUs per PON port, PON ports per card, cards per OLT) are what the outage thresholds
	are fractions of; they are counted once here.
	"""

	onus: dict[str, OnuPlace]
	pon_size: dict[str, int] = field(init=False)
	card_pons: dict[str, int] = field(init=False)
	olt_cards: dict[str, int] = field(init=False)
	_members: dict[str, list[str]] | None = field(init=False, default=None, repr=False)

	def __post_init__(self):
		pon_size: dict[str, int] = {}
		card_pons: dict[str, set[str]] = {}
		olt_cards: dict[str, set[str]] = {}
		for place in self.onus.values():
			pon_size[place.pon] = pon_size.get(place.pon, 0) + 1
			card_pons.setdefault(place.card, set()).add(place.pon)
			olt_cards.setdefault(place.olt, set()).add(place.card)
		self.pon_size = pon_size
		self.card_pons = {k: len(v) for k, v in card_pons.items()}
		self.olt_cards = {k: len(v) for k, v in olt_cards.items()}

	@classmethod
	def from_snapshots(
		cls, snapshots: Iterable, served: Mapping[str, tuple[str | None, str | None]] | None = None
	) -> Topology:
		"""Build from OLT walks (OltSnapshot) and ONU id -> (service location, customer)."""
		served = served or {}
		onus = {}
		for snapshot in snapshots:
			for onu in snapshot.onus.values():
				location, customer = served.get(onu.id, (None, None))
				onus[onu.id] = OnuPlace(onu.pon, onu.card, onu.olt, location, customer)
		return cls(onus)

	def members(self, node: str) -> list[str]:
		"""The ONU ids under a node (a PON port, card or OLT id, or an ONU id itself)."""
		if self._members is None:
			members: dict[str, list[str]] = {}
			for onu, place in self.onus.items():
				for key in (place.pon, place.card, place.olt):
					members.setdefault(key, []).append(onu)
			self._members = members
		if node in self.onus:
			return [node]
		return self._members.get(node, [])

	def scope_of(self, node: str) -> str | None:
		"""'onu', 'pon', 'card' or 'olt' for a known node id, None otherwise."""
		if node in self.onus:
			return "onu"
		if node in self.pon_size:
			return "pon"
		if node in self.card_pons:
			return "card"
		if node in self.olt_cards:
			return "olt"
		return None
