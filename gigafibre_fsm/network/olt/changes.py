"""Compare two walks of one OLT and say which ONUs changed state, and when."""

from __future__ import annotations

from gigafibre_fsm.errors import ImplausibleAnswer, _

from .model import (
	ADDED,
	ADMIN_DISABLED,
	ADMIN_ENABLED,
	CAME_UP,
	DISABLED,
	ENABLED,
	OFFLINE,
	ONLINE,
	REMOVED,
	UNKNOWN,
	WENT_DOWN,
	OltSnapshot,
	OnuStateChange,
)


def diff_snapshots(before: OltSnapshot | None, after: OltSnapshot) -> list[OnuStateChange]:
	"""The state changes between two walks, stamped with the later walk's time.

	- online -> offline is `down` (with the OLT's last down cause), offline -> online is `up`;
	  `unknown` on either side is no change (a column that failed to answer is not an outage);
	- admin enabled <-> disabled gives `admin_disabled` / `admin_enabled`;
	- an ONU present only after is `added` (and `down` if it is already offline), one present
	  only before is `removed`.
	With no previous walk every offline ONU is reported `down`, so a restart does not hide an
	ongoing outage. Changes come sorted by ONU id, for stable output.

	An OLT that had ONUs and now answers with none is an anomaly (a wiped or swapped OLT, an
	agent answering from the wrong tree), never a mass removal: ImplausibleAnswer, and no change.
	"""
	if before is not None and before.onus and not after.onus:
		raise ImplausibleAnswer(
			_(
				"OLT {olt} answered with no ONUs where its previous walk found {count}; "
				"the previous walk is kept and no change was recorded"
			),
			olt=after.olt,
			count=len(before.onus),
		)
	at = after.taken_at
	old = before.onus if before is not None else {}
	changes: list[OnuStateChange] = []
	for onu_id in sorted(after.onus):
		now = after.onus[onu_id]
		prev = old.get(onu_id)
		if prev is None:
			if before is not None:
				changes.append(OnuStateChange(onu_id, ADDED, at, None, now.oper_state, serial=now.serial))
			if now.oper_state == OFFLINE:
				changes.append(
					OnuStateChange(onu_id, WENT_DOWN, at, None, OFFLINE, now.last_down_cause, now.serial)
				)
			continue
		if prev.oper_state != now.oper_state and UNKNOWN not in (prev.oper_state, now.oper_state):
			if now.oper_state == OFFLINE:
				changes.append(
					OnuStateChange(
						onu_id, WENT_DOWN, at, prev.oper_state, OFFLINE, now.last_down_cause, now.serial
					)
				)
			elif now.oper_state == ONLINE:
				changes.append(
					OnuStateChange(onu_id, CAME_UP, at, prev.oper_state, ONLINE, serial=now.serial)
				)
		if prev.admin_state != now.admin_state and None not in (prev.admin_state, now.admin_state):
			kind = ADMIN_DISABLED if now.admin_state == DISABLED else ADMIN_ENABLED
			if now.admin_state in (DISABLED, ENABLED):
				changes.append(
					OnuStateChange(onu_id, kind, at, prev.admin_state, now.admin_state, serial=now.serial)
				)
	if before is not None:
		for onu_id in sorted(set(old) - set(after.onus)):
			prev = old[onu_id]
			changes.append(OnuStateChange(onu_id, REMOVED, at, prev.oper_state, None, serial=prev.serial))
	return changes
