"""Status lifecycles: which status may follow which.

A lifecycle is a table, not code, so that a reader sees every legal move at a glance and the
controllers only ask `check(old, new)`.
"""

from dataclasses import dataclass

from gigafibre_fsm.errors import IllegalTransition, InvalidInput, _


@dataclass(frozen=True)
class Lifecycle:
	"""The legal status changes of one kind of record.

	`transitions` maps each status to the statuses that may follow it; a status with no
	successors is final.
	"""

	record: str
	initial: str
	transitions: dict[str, frozenset[str]]
	# statuses a record may be created in besides `initial` (a job created with its technician)
	also_new: frozenset[str] = frozenset()

	@property
	def statuses(self) -> tuple[str, ...]:
		return tuple(self.transitions)

	def check(self, old: str | None, new: str) -> None:
		"""Raise unless a record may go from `old` to `new` (`old` None: a new record)."""
		if new not in self.transitions:
			raise InvalidInput(_("{status} is not a status of a {record}"), status=new, record=self.record)
		if old is None:
			if new != self.initial and new not in self.also_new:
				raise IllegalTransition(
					_("A new {record} starts as {initial}, not {status}"),
					record=self.record,
					initial=self.initial,
					status=new,
				)
			return
		if old == new:
			return
		if new not in self.transitions.get(old, frozenset()):
			allowed = sorted(self.transitions.get(old, frozenset()))
			if not allowed:
				raise IllegalTransition(
					_("A {record} that is {old} cannot change status any more"), record=self.record, old=old
				)
			raise IllegalTransition(
				_("A {record} cannot go from {old} to {new}; from {old} it can only go to {allowed}"),
				record=self.record,
				old=old,
				new=new,
				allowed=", ".join(allowed),
			)

	def is_final(self, status: str) -> bool:
		return not self.transitions.get(status)


def lifecycle(
	record: str, initial: str, table: dict[str, tuple[str, ...]], also_new: tuple[str, ...] = ()
) -> Lifecycle:
	"""Build a Lifecycle from a plain table of status → next statuses."""
	return Lifecycle(record, initial, {k: frozenset(v) for k, v in table.items()}, frozenset(also_new))
