"""Modem bridge: login/status time and browser memory per session, against the replaced service's budget.

The replaced modem-bridge (Node + Playwright in Docker) stated "~80 MB idle + 150 MB per session"
in a 512 MB container. This run measures, on simulated XX230v-style GUIs (simulators/modem_gui):
- time: first login (with browser launch), further logins, status and dm_get on a reused session,
  a whole per-job call (launch + login + status + close) vs a persistent-mode call (reused session);
- memory: PSS and RSS of the browser process tree (from /proc), idle (no session) and per session.

Run: .venv/bin/python -m benchmarks.modem_bridge [--quick] [--sessions N] [--repeat N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from gigafibre_fsm.network.modem_bridge import (
	BridgeSettings,
	ModemBridge,
	run_bridge_operation,
	shutdown_persistent_bridges,
)
from simulators.modem_gui import start_fleet, stop_fleet

BUDGET_IDLE_MB = 80.0
BUDGET_PER_SESSION_MB = 150.0
BUDGET_CONTAINER_MB = 512.0


def _settings(port: int, **kw) -> BridgeSettings:
	return BridgeSettings(
		scheme="http", port=port, allow_loopback=True, max_sessions=64, max_memory_mb=1e9, **kw
	)


async def _bridge_figures(fleet, repeat: int) -> dict:
	ips = [sim.host for sim in fleet]
	out: dict = {}
	async with ModemBridge(_settings(fleet[0].port)) as bridge:
		t = time.perf_counter()
		await bridge.start()
		out["launch_s"] = time.perf_counter() - t
		await asyncio.sleep(0.5)
		out["fresh"] = await bridge.memory_usage()
	async with ModemBridge(_settings(fleet[0].port)) as bridge:
		t = time.perf_counter()
		await bridge.login(ips[0], "admin", "admin")
		out["first_login_s"] = time.perf_counter() - t  # includes the browser launch
		await bridge.close(ips[0])
		await asyncio.sleep(0.5)
		out["idle"] = await bridge.memory_usage()
		logins, samples = [], [(0, out["idle"])]
		for n, ip in enumerate(ips, start=1):
			t = time.perf_counter()
			await bridge.login(ip, "admin", "admin")
			logins.append(time.perf_counter() - t)
			await bridge.status(ip)  # a rendered, used page, as in production
			samples.append((n, await bridge.memory_usage()))
		out["login_s"] = statistics.median(logins)
		out["samples"] = samples
		status_t, dm_t, reuse_t = [], [], []
		for _ in range(repeat):
			for ip in ips:
				t = time.perf_counter()
				await bridge.status(ip)
				status_t.append(time.perf_counter() - t)
				t = time.perf_counter()
				await bridge.dm_get(ip, "LAN_WLAN")
				dm_t.append(time.perf_counter() - t)
				t = time.perf_counter()
				await bridge.login(ip, "admin", "admin")  # reuse: no new login
				reuse_t.append(time.perf_counter() - t)
		out["status_s"] = statistics.median(status_t)
		out["dm_get_s"] = statistics.median(dm_t)
		out["login_reuse_s"] = statistics.median(reuse_t)
	return out


def _job_figures(fleet, repeat: int) -> dict:
	ip, port = fleet[0].host, fleet[0].port
	per_job, persistent = [], []
	for _ in range(repeat):
		t = time.perf_counter()
		run_bridge_operation(_settings(port), "status", ip=ip, user="admin", password="admin")
		per_job.append(time.perf_counter() - t)
	settings = _settings(port, job_mode="persistent")
	try:
		run_bridge_operation(
			settings, "status", ip=ip, user="admin", password="admin"
		)  # warm: launch + login
		for _ in range(repeat):
			t = time.perf_counter()
			run_bridge_operation(settings, "status", ip=ip, user="admin", password="admin")
			persistent.append(time.perf_counter() - t)
	finally:
		shutdown_persistent_bridges()
	return {"per_job_s": statistics.median(per_job), "persistent_s": statistics.median(persistent)}


def main(argv=None):
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--quick", action="store_true", help="small run for CI smoke (< 60 s)")
	parser.add_argument("--sessions", type=int, default=None)
	parser.add_argument("--repeat", type=int, default=None)
	args = parser.parse_args(argv)
	sessions = args.sessions or (2 if args.quick else 8)
	repeat = args.repeat or (3 if args.quick else 10)

	fleet = start_fleet(sessions)
	try:
		figures = asyncio.run(_bridge_figures(fleet, repeat))
		jobs = _job_figures(fleet, max(2, repeat // 2))
	finally:
		stop_fleet(fleet)

	idle = figures["idle"]
	n, last = figures["samples"][-1]
	per_pss = (last.pss_mb - idle.pss_mb) / n
	per_rss = (last.rss_mb - idle.rss_mb) / n
	budget_n = BUDGET_IDLE_MB + BUDGET_PER_SESSION_MB * n
	fits = int((BUDGET_CONTAINER_MB - idle.pss_mb) // per_pss) if per_pss > 0 else 0

	print(f"Modem bridge benchmark: {n} simulated modems, {repeat} repetitions (medians)\n")
	print(f"{'figure':<44}{'measured':>12}{'reference':>12}{'ratio':>8}")
	print("-" * 76)

	def row(name, measured, reference=None, unit=""):
		ref = f"{reference:.0f}{unit}" if reference is not None else ""
		ratio = f"{measured / reference:.2f}" if reference else ""
		print(f"{name:<44}{measured:>10.1f}{unit:<2}{ref:>12}{ratio:>8}")

	fresh = figures["fresh"]
	row("fresh browser PSS (MB) vs budget 80", fresh.pss_mb, BUDGET_IDLE_MB)
	row("browser after a session closed PSS (MB)", idle.pss_mb, BUDGET_IDLE_MB)
	row("browser after a session closed RSS sum (MB)", idle.rss_mb, BUDGET_IDLE_MB)
	row("PSS per session (MB) vs budget 150", per_pss, BUDGET_PER_SESSION_MB)
	row("RSS sum per session (MB) vs budget 150", per_rss, BUDGET_PER_SESSION_MB)
	row(f"PSS with {n} sessions (MB) vs 80+150x{n}", last.pss_mb, budget_n)
	print(f"{'sessions fitting a 512 MB container (PSS)':<44}{fits:>10}")
	print("(an idle bridge closes its browser after browser_idle_close_s: 0 MB of browser)")
	print()
	print(f"{'time':<44}{'ms':>12}")
	print("-" * 56)
	for name, key in (
		("browser launch (Playwright driver + Chromium)", "launch_s"),
		("first login, with browser launch", "first_login_s"),
		("login (browser running)", "login_s"),
		("login reusing a live session", "login_reuse_s"),
		("status on a live session", "status_s"),
		("dm_get LAN_WLAN on a live session", "dm_get_s"),
	):
		print(f"{name:<44}{figures[key] * 1000:>12.0f}")
	print(f"{'job, per_job mode (launch+login+status)':<44}{jobs['per_job_s'] * 1000:>12.0f}")
	print(f"{'job, persistent mode (reused session)':<44}{jobs['persistent_s'] * 1000:>12.0f}")
	print(f"{'ratio per_job / persistent':<44}{jobs['per_job_s'] / jobs['persistent_s']:>12.1f}")
	print()
	print("PSS by number of sessions:", ", ".join(f"{k}: {u.pss_mb:.0f} MB" for k, u in figures["samples"]))


if __name__ == "__main__":
	main()
