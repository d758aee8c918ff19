"""Synchronous facade for background jobs: `run_bridge_operation(settings, op, **kwargs)`.

Two modes (`settings.job_mode`), because of how Frappe runs jobs:
- "per_job" (default): each call launches Chromium, logs in, reads, and closes the browser in a
  `finally`. Frappe's RQ workers fork a fresh work-horse process per job, so nothing launched in a job
  outlives it anyway; per-job is the only mode that cannot leak a browser there. Cost: a browser launch
  and a login per job (see benchmarks/modem_bridge.py).
- "persistent": one bridge per process, on its own event loop in a daemon thread; sessions are reused
  across calls and expire after `session_ttl_s`, the browser closes after `browser_idle_close_s` with
  no session, and at process exit. For long-lived processes only (a non-forking worker, a bench
  command polling many modems). After a fork the child starts its own bridge and never touches the
  parent's browser.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import os
import threading
from dataclasses import asdict

from gigafibre_fsm.errors import InvalidInput, _

from .bridge import ModemBridge
from .errors import SessionNotOpen
from .settings import BridgeSettings

OPERATIONS = ("login", "list_sessions", "close", "status", "dm_get", "screenshot")


async def _perform(bridge: ModemBridge, op, ip, user, password, oid, attrs):
	if op == "list_sessions":
		return [asdict(s) for s in await bridge.list_sessions()]
	if op == "close":
		return await bridge.close(ip)
	if op == "login":
		return asdict(await bridge.login(ip, user, password))
	with_credentials = user is not None or password is not None
	for attempt in (1, 2):
		if with_credentials:
			await bridge.login(ip, user, password)
		try:
			if op == "status":
				return (await bridge.status(ip)).to_dict()
			if op == "dm_get":
				return await bridge.dm_get(ip, oid, attrs)
			return await bridge.screenshot(ip)
		except SessionNotOpen:
			# a reused session the modem had dropped (reboot, its own timeout): log in once more
			if not with_credentials or attempt == 2:
				raise


def run_bridge_operation(
	settings: BridgeSettings,
	op: str,
	*,
	ip: str | None = None,
	user: str | None = None,
	password: str | None = None,
	oid: str | None = None,
	attrs: list[str] | None = None,
):
	"""Run one bridge operation and return plain data (dicts/lists/bool, PNG bytes for screenshot).

	status, dm_get and screenshot log in first when `user`/`password` are given (reusing a live
	session with the same credentials in persistent mode). Errors are the bridge's typed errors.
	"""
	if op not in OPERATIONS:
		raise InvalidInput(_("Unknown modem bridge operation {operation}"), operation=str(op)[:40])
	args = (op, ip, user, password, oid, attrs)
	if settings.job_mode == "per_job":
		return asyncio.run(_one_shot(settings, *args))
	if settings.job_mode == "persistent":
		return _runner(settings).call(lambda bridge: _perform(bridge, *args))
	raise InvalidInput(_("Unknown modem bridge job mode {mode}"), mode=str(settings.job_mode)[:40])


async def _one_shot(settings, *args):
	async with ModemBridge(settings) as bridge:  # closes the browser on every path
		return await _perform(bridge, *args)


class _Runner:
	"""A bridge living on its own event loop thread, for the persistent mode."""

	def __init__(self, settings: BridgeSettings):
		self.pid = os.getpid()
		self.settings = settings
		self.loop = asyncio.new_event_loop()
		self.thread = threading.Thread(target=self.loop.run_forever, name="modem-bridge", daemon=True)
		self.thread.start()
		self.bridge: ModemBridge = self._submit(self._make(), 10)

	async def _make(self):
		return ModemBridge(self.settings)

	def _submit(self, coro, timeout):
		future = asyncio.run_coroutine_threadsafe(coro, self.loop)
		try:
			return future.result(timeout)
		except concurrent.futures.TimeoutError:  # not the builtin TimeoutError before 3.11
			future.cancel()
			raise

	def call(self, make_coro):
		s = self.settings
		# the bridge enforces its own timeouts; this one only guards against a wedged loop
		limit = s.launch_timeout_s + 2 * s.operation_timeout_s + 10
		return self._submit(make_coro(self.bridge), limit)

	def stop(self):
		try:
			if self.loop.is_running():
				self._submit(self.bridge.shutdown(), 30)
		except Exception:
			pass
		finally:
			self.loop.call_soon_threadsafe(self.loop.stop)
			self.thread.join(5)
			if not self.thread.is_alive():
				self.loop.close()


_RUNNERS: dict[str, _Runner] = {}
_RUNNERS_LOCK = threading.Lock()


def _runner(settings: BridgeSettings) -> _Runner:
	key = repr(settings)
	with _RUNNERS_LOCK:
		runner = _RUNNERS.get(key)
		if runner is not None and runner.pid != os.getpid():
			runner = None  # inherited through fork: the parent's browser is not ours to drive
		if runner is None:
			runner = _Runner(settings)
			_RUNNERS[key] = runner
		return runner


@atexit.register
def shutdown_persistent_bridges():
	"""Close the persistent bridges of this process (also run at exit)."""
	with _RUNNERS_LOCK:
		runners = [r for r in _RUNNERS.values() if r.pid == os.getpid()]
		_RUNNERS.clear()
	for runner in runners:
		runner.stop()
