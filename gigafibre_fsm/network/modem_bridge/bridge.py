"""ModemBridge: reads modem web GUIs by driving their own pages in headless Chromium (Playwright).

One browser per bridge, one browser context (cookies, storage, one page) per modem session. The
modem's JavaScript does the key exchange and encrypts every request; the bridge only fills the login
form and calls the page's read functions with fixed scripts, so it never re-implements the crypto.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import hashlib
import hmac
import os
import secrets
import shutil
import tempfile
import time
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import urlsplit

from gigafibre_fsm.errors import ExternalServiceError, InvalidInput, _

from . import memory
from .address import check_management_address, modem_base_url
from .errors import BridgeBusy, ModemLoginRefused, ModemTimeout, SessionNotOpen
from .readings import STATUS_READS, ModemStatus, check_read, normalise_status, shape_result
from .settings import BridgeSettings

# Markers of browsers launched by this process, killed at exit if a shutdown never ran.
_LIVE_MARKERS: set[str] = set()


@atexit.register
def _kill_leftover_browsers():
	for marker in list(_LIVE_MARKERS):
		memory.kill_tree(marker)
	_LIVE_MARKERS.clear()


@dataclass(frozen=True)
class SessionInfo:
	"""What `list_sessions` shows (no credentials)."""

	ip: str
	user: str
	created_at: float  # wall-clock epoch seconds
	last_used_at: float
	expires_at: float
	operations: int
	blocked_requests: int


class _Session:
	def __init__(self, ip, user, digest, salt, context, page, base_url, counters, now_mono):
		self.ip, self.user, self.digest, self.salt = ip, user, digest, salt
		self.context, self.page = context, page
		self.base_url, self.counters = base_url, counters
		self.created_wall = time.time()
		self.created_mono = now_mono
		self.last_used_mono = now_mono
		self.lock = asyncio.Lock()
		self.operations = 0
		self.closed = False


def _is_playwright_timeout(exc: BaseException) -> bool:
	from playwright.async_api import TimeoutError as PlaywrightTimeout

	return isinstance(exc, PlaywrightTimeout)


def _credential_digest(salt: bytes, user: str, password: str) -> bytes:
	# Kept only to recognise a repeated login for the same session; the password itself is not kept.
	return hashlib.sha256(salt + user.encode() + b"\0" + password.encode()).digest()


def _valid_credential(value) -> bool:
	return isinstance(value, str) and 0 < len(value) <= 128 and not any(ord(c) < 32 for c in value)


class ModemBridge:
	"""Async bridge to modem GUIs. Use `async with ModemBridge(settings) as bridge:` so that the
	browser is always closed; `shutdown()` is also safe to call twice."""

	def __init__(self, settings: BridgeSettings | None = None):
		self.settings = settings or BridgeSettings()
		self._marker = "--gigafibre-modem-bridge=" + secrets.token_hex(8)
		self._pw = None
		self._browser = None
		self._tmpdir: str | None = None
		self._sessions: OrderedDict[str, _Session] = OrderedDict()  # least recently used first
		self._state_lock = asyncio.Lock()
		self._login_locks: dict[str, asyncio.Lock] = {}
		self._ops = asyncio.Semaphore(max(1, self.settings.max_concurrent_operations))
		self._pending_logins = 0
		self._reaper: asyncio.Task | None = None
		self._no_session_since: float | None = None
		self._closed = False
		self.browser_launches = 0

	async def __aenter__(self):
		return self

	async def __aexit__(self, *exc):
		await self.shutdown()

	# -- public API -------------------------------------------------------------------------------
	async def start(self):
		"""Launch the browser now (a warm-up); otherwise the first login does it."""
		async with self._state_lock:
			self._ensure_open()
			await self._ensure_browser()

	async def login(self, ip: str, user: str, password: str) -> SessionInfo:
		"""Open (or reuse) a session on the modem at `ip`. Reuse needs the same user and password;
		other credentials close the old session and log in afresh."""
		ip = self._check_ip(ip)
		if not _valid_credential(user):
			raise InvalidInput(_("The modem user name is empty or not valid"))
		if not _valid_credential(password):
			raise InvalidInput(_("The modem password is empty or not valid"))
		self._ensure_open()
		lock = self._login_locks.setdefault(ip, asyncio.Lock())
		async with lock:
			await self.expire_idle()
			existing = self._sessions.get(ip)
			if existing is not None:
				if hmac.compare_digest(existing.digest, _credential_digest(existing.salt, user, password)):
					self._touch(existing)
					return self._info(existing)
				await self._drop(existing)
			return self._info(await self._open_session(ip, user, password))

	async def list_sessions(self) -> list[SessionInfo]:
		"""Live sessions, least recently used first (expired ones are closed first)."""
		await self.expire_idle()
		return [self._info(s) for s in self._sessions.values()]

	async def close(self, ip: str) -> bool:
		"""Close the session of `ip`; False if there was none."""
		ip = self._check_ip(ip)
		session = self._sessions.get(ip)
		if session is None:
			return False
		await self._drop(session)
		return True

	async def status(self, ip: str) -> ModemStatus:
		"""Normalised summary (model, firmware, uptime, optical levels, WAN, Wi-Fi) in one request."""
		reads = [{"type": kind, "oid": oid, "stack": None, "attrs": []} for oid, kind in STATUS_READS]
		results = await self._read(ip, reads)
		raw = {oid: shape_result(kind, res) for (oid, kind), res in zip(STATUS_READS, results, strict=False)}
		return normalise_status(raw)

	async def dm_get(self, ip: str, oid: str, attrs: list[str] | None = None):
		"""Read one whitelisted data-manager object: a dict (GET objects) or a list of dicts (GL)."""
		oid, kind, attrs = check_read(oid, attrs, self.settings.readable_oids)
		results = await self._read(ip, [{"type": kind, "oid": oid, "stack": None, "attrs": attrs}])
		return shape_result(kind, results[0])

	async def screenshot(self, ip: str) -> bytes:
		"""PNG of the session's page, for debugging (the shell restricts it to NOC staff)."""
		return await self._run(ip, lambda s: s.page.screenshot(type="png", full_page=True))

	async def memory_usage(self) -> memory.MemoryUsage:
		"""PSS/RSS of this bridge's browser process tree (zero when no browser is running)."""
		if self._browser is None:
			return memory.MemoryUsage(0.0, 0.0, 0)
		return await asyncio.to_thread(memory.tree_memory, self._marker)

	async def expire_idle(self):
		"""Close sessions idle longer than the TTL, and the browser once idle long enough."""
		now = time.monotonic()
		ttl = self.settings.session_ttl_s
		for session in [s for s in self._sessions.values() if now - s.last_used_mono >= ttl]:
			if not session.lock.locked():
				await self._drop(session)
		quiet = not self._sessions and not self._pending_logins and not self._state_lock.locked()
		if self._browser is not None and quiet:
			if self._no_session_since is None:
				self._no_session_since = now
			elif now - self._no_session_since >= self.settings.browser_idle_close_s:
				await self._close_browser()

	async def shutdown(self):
		"""Close every session and the browser, whatever state they are in."""
		self._closed = True
		if self._reaper is not None:
			self._reaper.cancel()
			self._reaper = None
		for session in list(self._sessions.values()):
			await self._drop(session)
		await self._close_browser()

	@property
	def browser_running(self) -> bool:
		return self._browser is not None

	@property
	def marker(self) -> str:
		"""Command-line switch that identifies this bridge's browser in /proc."""
		return self._marker

	# -- sessions ---------------------------------------------------------------------------------
	def _check_ip(self, ip) -> str:
		return check_management_address(
			ip,
			allow_loopback=self.settings.allow_loopback,
			allow_shared_address_space=self.settings.allow_shared_address_space,
		)

	def _ensure_open(self):
		if self._closed:
			raise BridgeBusy(_("The modem bridge is shut down"))

	def _touch(self, session: _Session):
		session.last_used_mono = time.monotonic()
		if session.ip in self._sessions:
			self._sessions.move_to_end(session.ip)

	def _info(self, s: _Session) -> SessionInfo:
		offset = time.time() - time.monotonic()
		return SessionInfo(
			ip=s.ip,
			user=s.user,
			created_at=s.created_wall,
			last_used_at=s.last_used_mono + offset,
			expires_at=s.last_used_mono + self.settings.session_ttl_s + offset,
			operations=s.operations,
			blocked_requests=s.counters["blocked"],
		)

	async def _reserve_slot(self):
		"""Under the state lock: make room for one more session or refuse."""
		async with self._state_lock:
			self._ensure_open()
			await self._ensure_browser()
			while len(self._sessions) + self._pending_logins >= self.settings.max_sessions:
				idle = [s for s in self._sessions.values() if not s.lock.locked()]
				if not idle:
					raise BridgeBusy(
						_("The modem bridge already has {count} busy sessions; retry later"),
						count=len(self._sessions) + self._pending_logins,
					)
				await self._drop(idle[0])  # least recently used
			usage = await asyncio.to_thread(memory.tree_memory, self._marker)
			if usage.pss_mb >= self.settings.max_memory_mb:
				raise BridgeBusy(
					_("The modem bridge uses {used} MB, over its cap of {cap} MB; retry later"),
					used=round(usage.pss_mb),
					cap=round(self.settings.max_memory_mb),
				)
			self._pending_logins += 1
			self._no_session_since = None

	async def _open_session(self, ip: str, user: str, password: str) -> _Session:
		await self._reserve_slot()
		context = None
		try:
			base_url = modem_base_url(ip, self.settings.scheme, self.settings.port)
			counters = {"blocked": 0}
			context = await self._new_context(base_url, counters)
			page = await context.new_page()
			salt = secrets.token_bytes(16)
			digest = _credential_digest(salt, user, password)
			session = _Session(ip, user, digest, salt, context, page, base_url, counters, time.monotonic())
			await self._limited(ip, lambda: self._do_login(session, password))
			session.last_used_mono = time.monotonic()  # the idle clock starts when the login is done
			self._sessions[ip] = session
			return session
		except BaseException:
			if context is not None:
				await self._quiet_close(context)
			raise
		finally:
			self._pending_logins -= 1

	async def _new_context(self, base_url: str, counters: dict):
		s = self.settings
		origin = urlsplit(base_url)
		context = await self._browser.new_context(
			ignore_https_errors=s.ignore_https_errors,
			viewport={"width": s.viewport[0], "height": s.viewport[1]},
			service_workers="block",
			accept_downloads=False,
		)
		# a little over the bridge's own deadline, so that the bridge's timeout (which closes the
		# session) is the one that fires
		context.set_default_timeout((s.operation_timeout_s + 1) * 1000)

		async def only_the_modem(route):
			# The page runs the modem's JavaScript; it must not reach anything but the modem itself
			# (a compromised modem would otherwise make our server fetch internal URLs).
			url = urlsplit(route.request.url)
			if (url.scheme, url.hostname, url.port) == (origin.scheme, origin.hostname, origin.port):
				await route.continue_()
			else:
				counters["blocked"] += 1
				await route.abort("blockedbyclient")

		await context.route("**/*", only_the_modem)
		return context

	async def _do_login(self, session: _Session, password: str):
		profile = self.settings.profile
		page = session.page
		page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.dismiss()))
		await page.goto(session.base_url + profile.login_path, wait_until="domcontentloaded")
		if profile.user_selector:
			await page.fill(profile.user_selector, session.user)
		await page.fill(profile.password_selector, password)
		await page.click(profile.submit_selector)
		handle = await page.wait_for_function(profile.login_state_js, polling=100)
		state = await handle.json_value()
		if state == "ok":
			return
		detail = await page.evaluate(profile.login_error_js)
		if state == "denied":
			raise ModemLoginRefused(_("The modem at {ip} refused the user name or password"), ip=session.ip)
		if state == "locked":
			raise ExternalServiceError(
				_("The modem at {ip} locked its login after too many attempts; retry later"), ip=session.ip
			)
		raise ExternalServiceError(
			_("Login to the modem at {ip} failed: {detail}"), ip=session.ip, detail=detail
		)

	async def _drop(self, session: _Session):
		if self._sessions.get(session.ip) is session:
			del self._sessions[session.ip]
		if not session.closed:
			session.closed = True
			await self._quiet_close(session.context)
		if not self._sessions and self._no_session_since is None:
			self._no_session_since = time.monotonic()

	@staticmethod
	async def _quiet_close(context):
		try:
			await asyncio.wait_for(context.close(), 5)
		except BaseException:
			pass  # the browser may be gone already; shutdown kills what is left

	# -- operations -------------------------------------------------------------------------------
	async def _read(self, ip: str, reads: list[dict]) -> list[dict]:
		profile = self.settings.profile

		async def run(session: _Session):
			reply = await session.page.evaluate(profile.read_js, reads)
			if not reply.get("ok"):
				if reply.get("code") in profile.expired_codes:
					await self._drop(session)
					raise SessionNotOpen(
						_("The modem at {ip} ended the session; log in again"), ip=session.ip
					)
				raise ExternalServiceError(
					_("The modem at {ip} refused the read: {detail}"),
					ip=session.ip,
					detail=str(reply.get("message"))[:200],
				)
			return reply["results"]

		return await self._run(ip, run)

	async def _run(self, ip: str, operation):
		ip = self._check_ip(ip)
		self._ensure_open()
		await self.expire_idle()
		session = self._sessions.get(ip)
		if session is None:
			raise SessionNotOpen(_("No open session with the modem at {ip}; log in first"), ip=ip)
		result = await self._limited(ip, lambda: operation(session), session)
		session.operations += 1
		self._touch(session)
		return result

	async def _limited(self, ip: str, work, session: _Session | None = None):
		"""Run `work()` one at a time per session, under the operations cap and the timeout.

		A page that hangs or breaks is not trusted again: its session is closed. Time spent waiting
		for a free slot is not the modem's fault: it gives BridgeBusy instead.
		"""
		stage = {"running": False}

		async def limited():
			async with session.lock if session is not None else contextlib.nullcontext():
				if session is not None and session.closed:
					raise SessionNotOpen(_("No open session with the modem at {ip}; log in first"), ip=ip)
				async with self._ops:
					stage["running"] = True
					return await work()

		try:
			return await asyncio.wait_for(limited(), self.settings.operation_timeout_s)
		except asyncio.TimeoutError:
			if not stage["running"]:
				raise BridgeBusy(_("The modem bridge is busy; retry later"))
		except (SessionNotOpen, ExternalServiceError, InvalidInput):
			raise
		except Exception as exc:
			if not _is_playwright_timeout(exc):
				if session is not None:
					await self._drop(session)
				raise ExternalServiceError(
					_("The browser failed while reading the modem at {ip}: {detail}"),
					ip=ip,
					detail=str(exc)[:200],
				)
		# only timeouts of a running operation get here
		if session is not None:
			await self._drop(session)
		raise ModemTimeout(
			_("The modem at {ip} did not answer within {seconds} s; its session was closed"),
			ip=ip,
			seconds=self.settings.operation_timeout_s,
		)

	# -- browser ----------------------------------------------------------------------------------
	async def _ensure_browser(self):
		if self._browser is not None and self._browser.is_connected():
			return
		if self._browser is not None:
			await self._close_browser()
		from playwright.async_api import async_playwright  # heavy import, only when needed

		s = self.settings
		if not os.path.exists(s.executable_path):
			raise ExternalServiceError(
				_("Chromium is not installed at {path}; install the chromium package"), path=s.executable_path
			)
		self._tmpdir = tempfile.mkdtemp(prefix="modem-bridge-")
		env = dict(os.environ)
		# Chromium writes its config, cache and NSS database under these; keep them private and temporary.
		env.update(HOME=self._tmpdir, XDG_CONFIG_HOME=self._tmpdir, XDG_CACHE_HOME=self._tmpdir)
		_LIVE_MARKERS.add(self._marker)
		try:
			self._pw = await async_playwright().start()
			self._browser = await self._pw.chromium.launch(
				executable_path=s.executable_path,
				headless=True,
				args=[*s.chromium_args, self._marker],
				env=env,
				timeout=s.launch_timeout_s * 1000,
			)
		except Exception as exc:
			await self._close_browser()
			raise ExternalServiceError(_("Chromium did not start: {detail}"), detail=str(exc)[:200])
		self.browser_launches += 1
		self._no_session_since = time.monotonic()
		if self._reaper is None:
			self._reaper = asyncio.get_running_loop().create_task(self._reap())

	async def _reap(self):
		interval = max(0.2, min(self.settings.session_ttl_s / 4, 15.0))
		try:
			while not self._closed:
				await asyncio.sleep(interval)
				try:
					await self.expire_idle()
				except Exception:
					pass  # the reaper must survive a bad page; operations report their own errors
		except asyncio.CancelledError:
			pass

	async def _close_browser(self):
		browser, pw = self._browser, self._pw
		self._browser = self._pw = None
		self._no_session_since = None
		try:
			if browser is not None:
				await asyncio.wait_for(browser.close(), 10)
		except BaseException:
			pass
		try:
			if pw is not None:
				await asyncio.wait_for(pw.stop(), 10)
		except BaseException:
			pass
		# Whatever happened above, no process of ours may survive.
		await asyncio.to_thread(memory.kill_tree, self._marker)
		_LIVE_MARKERS.discard(self._marker)
		if self._tmpdir:
			shutil.rmtree(self._tmpdir, ignore_errors=True)
			self._tmpdir = None
