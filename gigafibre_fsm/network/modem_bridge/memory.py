"""Memory of a browser process tree, read from /proc (Linux).

PSS (proportional set size) is the honest figure for a multi-process browser: pages shared between
the browser, zygote and renderers are divided among them instead of being counted once per process
as RSS does. Read from /proc/PID/smaps_rollup (kernel >= 4.14); RSS from /proc/PID/status.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass


@dataclass(frozen=True)
class MemoryUsage:
	pss_mb: float
	rss_mb: float
	processes: int
	pids: tuple = ()


def _read(path: str) -> str | None:
	try:
		with open(path, "rb") as f:
			return f.read().decode(errors="replace")
	except OSError:
		return None


def _children_map() -> dict[int, list[int]]:
	children: dict[int, list[int]] = {}
	for name in os.listdir("/proc"):
		if not name.isdigit():
			continue
		stat = _read(f"/proc/{name}/stat")
		if not stat:
			continue
		# the command name may hold spaces or parentheses: fields start after the last ')'
		fields = stat[stat.rfind(")") + 2 :].split()
		if len(fields) > 1 and fields[0] != "Z":
			children.setdefault(int(fields[1]), []).append(int(name))
	return children


def pids_with_marker(marker: str) -> list[int]:
	"""Live processes whose command line contains `marker` (the browser main process)."""
	found = []
	needle = marker.encode()
	for name in os.listdir("/proc"):
		if not name.isdigit():
			continue
		try:
			with open(f"/proc/{name}/cmdline", "rb") as f:
				cmdline = f.read()
		except OSError:
			continue
		if needle in cmdline and _state(int(name)) not in (None, "Z"):
			found.append(int(name))
	return found


def _state(pid: int) -> str | None:
	stat = _read(f"/proc/{pid}/stat")
	if not stat:
		return None
	return stat[stat.rfind(")") + 2 :].split()[0]


def process_tree(roots: list[int]) -> list[int]:
	"""The roots and all their live descendants."""
	children = _children_map()
	seen, stack = [], list(roots)
	while stack:
		pid = stack.pop()
		if pid in seen:
			continue
		seen.append(pid)
		stack.extend(children.get(pid, []))
	return seen


def _kib(text: str | None, key: str) -> int:
	for line in (text or "").splitlines():
		if line.startswith(key):
			return int(line.split()[1])
	return 0


def tree_memory(marker: str) -> MemoryUsage:
	"""PSS and RSS of the browser whose command line holds `marker`, with all its descendants."""
	pids = process_tree(pids_with_marker(marker))
	pss = rss = 0
	for pid in pids:
		rss_kib = _kib(_read(f"/proc/{pid}/status"), "VmRSS:")
		pss_kib = _kib(_read(f"/proc/{pid}/smaps_rollup"), "Pss:")
		rss += rss_kib
		pss += pss_kib or rss_kib  # no smaps_rollup: fall back to RSS (over-counts, stays safe)
	return MemoryUsage(round(pss / 1024, 1), round(rss / 1024, 1), len(pids), tuple(pids))


def kill_tree(marker: str) -> int:
	"""SIGKILL the marked browser and its descendants (last-resort cleanup). Returns how many."""
	pids = process_tree(pids_with_marker(marker))
	for pid in pids:
		try:
			os.kill(pid, signal.SIGKILL)
		except OSError:
			pass
	return len(pids)
