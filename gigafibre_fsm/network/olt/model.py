"""Plain data of the OLT side: ONUs as an OLT reports them, snapshots of a walk, state changes.

Identifiers are strings built once here so that the outage correlator, the shell and the
doctypes all speak of the same ONU, PON port, card and OLT:
`olt/frame/slot/port:onu` for an ONU, `olt/frame/slot/port` for its PON port,
`olt/frame/slot` for its card (line board) and `olt` for the OLT.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

ONLINE = "online"
OFFLINE = "offline"
UNKNOWN = "unknown"

ENABLED = "enabled"
DISABLED = "disabled"


def pon_id(olt: str, frame: int, slot: int, port: int) -> str:
	"""The PON port's identifier: `olt/frame/slot/port`."""
	return f"{olt}/{frame}/{slot}/{port}"


def card_id(olt: str, frame: int, slot: int) -> str:
	"""The card's (line board's) identifier: `olt/frame/slot`."""
	return f"{olt}/{frame}/{slot}"


def onu_id_string(olt: str, frame: int, slot: int, port: int, onu: int) -> str:
	"""The ONU's identifier: `olt/frame/slot/port:onu`."""
	return f"{olt}/{frame}/{slot}/{port}:{onu}"


@dataclass(frozen=True, slots=True)
class PonPort:
	"""A PON port of an OLT, in the frame/slot/port numbering of its CLI."""

	olt: str
	frame: int
	slot: int
	port: int

	@property
	def id(self) -> str:
		return pon_id(self.olt, self.frame, self.slot, self.port)

	@property
	def card(self) -> str:
		return card_id(self.olt, self.frame, self.slot)


@dataclass(frozen=True, slots=True)
class OnuStatus:
	"""One registered ONU as the OLT reports it in one walk.

	Fields the OLT did not answer (a column the firmware lacks, an offline ONU's optical
	power) are None rather than guessed.
	"""

	olt: str
	frame: int
	slot: int
	port: int
	onu: int
	serial: str | None = None
	description: str | None = None
	admin_state: str | None = None
	oper_state: str = UNKNOWN
	rx_power_dbm: float | None = None
	distance_m: int | None = None
	last_down_cause: str | None = None

	@property
	def id(self) -> str:
		return onu_id_string(self.olt, self.frame, self.slot, self.port, self.onu)

	@property
	def pon(self) -> str:
		return pon_id(self.olt, self.frame, self.slot, self.port)

	@property
	def card(self) -> str:
		return card_id(self.olt, self.frame, self.slot)


@dataclass(frozen=True, slots=True)
class UnregisteredOnu:
	"""An ONU that the OLT discovered on a PON port but that is not configured (autofind)."""

	olt: str
	frame: int
	slot: int
	port: int
	serial: str
	equipment_id: str | None = None

	@property
	def pon(self) -> str:
		return pon_id(self.olt, self.frame, self.slot, self.port)


@dataclass(slots=True)
class OltSnapshot:
	"""What one walk of one OLT found, and when."""

	olt: str
	taken_at: datetime
	onus: dict[str, OnuStatus] = field(default_factory=dict)
	unregistered: list[UnregisteredOnu] = field(default_factory=list)

	def onus_on(self, frame: int, slot: int, port: int) -> list[OnuStatus]:
		"""The registered ONUs of one PON port, by ONU id."""
		return sorted(
			(o for o in self.onus.values() if (o.frame, o.slot, o.port) == (frame, slot, port)),
			key=lambda o: o.onu,
		)


# Kinds of OnuStateChange
WENT_DOWN = "down"
CAME_UP = "up"
ADMIN_DISABLED = "admin_disabled"
ADMIN_ENABLED = "admin_enabled"
ADDED = "added"
REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class OnuStateChange:
	"""An ONU's state changed between two walks (`at` is when the later walk saw it)."""

	onu: str
	kind: str
	at: datetime
	previous: str | None = None
	current: str | None = None
	cause: str | None = None
	serial: str | None = None
