"""The real bridge, in Debian's Chromium, against simulated encrypted modem GUIs.

Each ModemBridge launches its own browser, so related checks share one scenario to keep the
suite short.
"""

import asyncio
import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gigafibre_fsm.errors import InvalidInput
from gigafibre_fsm.network.modem_bridge import (
	BridgeBusy,
	ModemBridge,
	ModemLoginRefused,
	ModemTimeout,
	SessionNotOpen,
)
from gigafibre_fsm.network.modem_bridge.memory import pids_with_marker, process_tree
from simulators.modem_gui import ModemGuiSimulator, shared_test_key

from .conftest import alive, our_browser_pids, run, settings_for


def test_logs_in_and_reads_status_data_manager_values_and_screenshot(fleet):
	modem, other = fleet[0], fleet[1]
	# the modem's page also tries to reach another host: the bridge must stop it
	modem.extra_html = f'<img src="{other.base_url}/favicon.ico"><script>fetch("{other.base_url}/")</script>'

	async def scenario():
		async with ModemBridge(settings_for(modem)) as bridge:
			info = await bridge.login("127.0.0.2", "admin", "admin")
			status = await bridge.status("127.0.0.2")
			wlan = await bridge.dm_get("127.0.0.2", "LAN_WLAN", ["SSID", "X_TP_Band", "X_TP_PreSharedKey"])
			dev = await bridge.dm_get("127.0.0.2", "DEV_INFO")
			png = await bridge.screenshot("127.0.0.2")
			# reads outside the whitelist, or attribute names that try to smuggle code, never reach it
			before = modem.stats.data_requests
			for oid, attrs in (("USER_CFG", None), ("DEV_INFO", ["x');$.act(2,'USER_CFG')//"])):
				with pytest.raises(InvalidInput):
					await bridge.dm_get("127.0.0.2", oid, attrs)
			assert modem.stats.data_requests == before
			return info, status, wlan, dev, png, await bridge.list_sessions()

	info, status, wlan, dev, png, sessions = run(scenario())
	assert info.ip == "127.0.0.2" and info.user == "admin"
	assert (status.model, status.manufacturer, status.uptime_s) == ("XX230v", "TP-Link", 123456)
	assert status.firmware.startswith("1.2.7")
	assert status.optical.state == "O5" and status.optical.rx_power_dbm == -18.52
	assert status.wan[0].status == "Connected" and status.wan[0].ip_address == "100.64.12.34"
	assert [(w.band, w.clients) for w in status.wifi] == [("2.4GHz", 3), ("5GHz", 5)]
	assert [w["SSID"] for w in wlan] == ["Gigafibre-3456", "Gigafibre-3456-5G"]
	assert all(w["X_TP_PreSharedKey"] == "***" for w in wlan)  # the modem sent it; the bridge hides it
	assert dev["serialNumber"] == "22351Q7000123"
	assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000
	assert [s.operations for s in sessions] == [4]
	# everything went through the page's encrypted API, and nothing but reads
	assert modem.stats.logins_ok == 1 and modem.stats.data_requests >= 4
	assert modem.stats.non_read_actions == 0 and modem.stats.refused == {}
	assert modem.data_model["USER_CFG"]["adminPwd"] == "admin-secret"
	assert sessions[0].blocked_requests >= 1 and other.stats.requests == 0


def test_wrong_password_is_a_clear_error_and_sessions_are_reused_only_with_the_same_credentials(modem):
	async def scenario():
		async with ModemBridge(settings_for(modem)) as bridge:
			with pytest.raises(ModemLoginRefused) as err:
				await bridge.login("127.0.0.2", "admin", "guess")
			assert "refused the user name or password" in str(err.value)
			assert err.value.params == {"ip": "127.0.0.2"}
			assert await bridge.list_sessions() == []
			with pytest.raises(SessionNotOpen):
				await bridge.status("127.0.0.2")
			first = await bridge.login("127.0.0.2", "admin", "admin")
			await bridge.status("127.0.0.2")
			again = await bridge.login("127.0.0.2", "admin", "admin")
			await bridge.status("127.0.0.2")
			assert again.created_at == first.created_at
			assert modem.stats.logins_ok == 1 and modem.stats.page_loads == 2  # one per login attempt
			# other credentials never ride on the open session: it is closed and the modem decides
			with pytest.raises(ModemLoginRefused):
				await bridge.login("127.0.0.2", "admin", "not-the-password")
			assert await bridge.list_sessions() == []
			assert modem.stats.logins_failed == 2

	run(scenario())


def test_public_and_malformed_addresses_are_refused_before_any_browser_starts(modem):
	async def scenario():
		bridge = ModemBridge(settings_for(modem, allow_loopback=False))
		try:
			for address in ("8.8.8.8", "modem.example.com", "10.0.0.1:80", "127.0.0.2", "", "2001:db8::1"):
				with pytest.raises(InvalidInput):
					await bridge.login(address, "admin", "admin")
			for call in (bridge.status("1.1.1.1"), bridge.dm_get("::1", "DEV_INFO"), bridge.screenshot("x")):
				with pytest.raises(InvalidInput):
					await call
			with pytest.raises(InvalidInput):
				await bridge.login("10.1.1.1", "admin", "")
			assert not bridge.browser_running and bridge.browser_launches == 0
			assert pids_with_marker(bridge.marker) == []
		finally:
			await bridge.shutdown()

	run(scenario())
	assert modem.stats.requests == 0


def test_a_hung_page_times_out_and_its_session_is_closed(fleet):
	modem, other = fleet[0], fleet[1]

	async def scenario():
		async with ModemBridge(settings_for(modem, operation_timeout_s=1.5)) as bridge:
			await bridge.login(modem.host, "admin", "admin")
			await asyncio.sleep(0.3)  # let the page's own dashboard request finish
			# one modem hangs on its API, another never serves its login page
			modem.hang_paths.add("/cgi_gdpr")
			other.hang_paths.add("/")
			started = time.monotonic()
			hung_read, hung_login = await asyncio.gather(
				bridge.status(modem.host), bridge.login(other.host, "admin", "admin"), return_exceptions=True
			)
			waited = time.monotonic() - started
			assert await bridge.list_sessions() == []
			# the browser itself is fine: a fresh session works again
			modem.hang_paths = set()
			await bridge.login(modem.host, "admin", "admin")
			assert (await bridge.dm_get(modem.host, "DEV_INFO", ["modelName"])) == {"modelName": "XX230v"}
			return hung_read, hung_login, waited

	hung_read, hung_login, waited = run(scenario())
	assert isinstance(hung_read, ModemTimeout) and isinstance(hung_login, ModemTimeout)
	assert "did not answer within 1.5 s" in str(hung_read)
	assert hung_read.params == {"ip": "127.0.0.2", "seconds": 1.5}
	assert waited < 5  # bounded by the operation timeout, not by the hung modems (which wait 120 s)
	assert modem.stats.logins_ok == 2 and other.stats.logins_ok == 0


def test_sessions_expire_after_the_idle_ttl_or_when_the_modem_drops_them(modem):
	async def scenario():
		settings = settings_for(modem, session_ttl_s=0.6, browser_idle_close_s=0.3)
		async with ModemBridge(settings) as bridge:
			await bridge.login("127.0.0.2", "admin", "admin")
			await asyncio.sleep(0.3)
			await bridge.status("127.0.0.2")  # use keeps it alive
			await asyncio.sleep(0.4)
			assert [s.ip for s in await bridge.list_sessions()] == ["127.0.0.2"]
			await asyncio.sleep(0.8)
			assert await bridge.list_sessions() == []
			with pytest.raises(SessionNotOpen):
				await bridge.status("127.0.0.2")
			await bridge.login("127.0.0.2", "admin", "admin")
			modem.expire_sessions()  # the modem forgets it (e.g. it rebooted): reported and closed too
			with pytest.raises(SessionNotOpen) as err:
				await bridge.status("127.0.0.2")
			assert "ended the session" in str(err.value)
			assert await bridge.list_sessions() == []
			# with no session left, the browser itself is closed after a while (and relaunched on demand)
			marker = bridge.marker
			await asyncio.sleep(1.0)
			assert not bridge.browser_running and pids_with_marker(marker) == []

	run(scenario())
	assert modem.stats.logins_ok == 2


def test_https_gui_with_a_self_signed_certificate(modem):
	with ModemGuiSimulator("127.0.0.5", rsa_key=shared_test_key(), tls=True) as sim:

		async def scenario():
			async with ModemBridge(settings_for(sim, scheme="https")) as bridge:
				await bridge.login("127.0.0.5", "admin", "admin")
				return await bridge.dm_get("127.0.0.5", "DEV_INFO", ["modelName"])

		assert run(scenario()) == {"modelName": "XX230v"}
		assert sim.base_url.startswith("https://") and sim.stats.logins_ok == 1


def test_session_and_operation_caps(fleet):
	a, b, c = (sim.host for sim in fleet)

	async def scenario():
		settings = settings_for(
			fleet[0], max_sessions=2, max_concurrent_operations=1, operation_timeout_s=1.5
		)
		async with ModemBridge(settings) as bridge:
			await bridge.login(a, "admin", "admin")
			await bridge.login(b, "admin", "admin")
			await bridge.status(a)  # b is now the least recently used
			await bridge.login(c, "admin", "admin")
			assert [s.ip for s in await bridge.list_sessions()] == [a, c]  # b was evicted
			# one operation at a time across all sessions: slow modems' requests never overlap
			await asyncio.sleep(0.5)  # the pages' own dashboard requests
			for sim in fleet:
				sim.delay_s, sim.stats.intervals = 0.1, []
			await asyncio.gather(*(op(ip) for ip in (a, c) for op in (bridge.status, bridge.screenshot)))
			await asyncio.gather(bridge.dm_get(a, "DEV_INFO"), bridge.dm_get(c, "DEV_INFO"))
			intervals = sorted(fleet[0].stats.intervals + fleet[2].stats.intervals)
			assert len(intervals) == 4
			assert all(later[0] >= earlier[1] for earlier, later in itertools.pairwise(intervals))
			# both sessions busy on hung pages: a third modem is refused, not queued
			for sim in fleet:
				sim.delay_s = 0.0
			fleet[0].hang_paths.add("/cgi_gdpr")
			fleet[2].hang_paths.add("/cgi_gdpr")
			busy = [asyncio.ensure_future(bridge.status(ip)) for ip in (a, c)]
			await asyncio.sleep(0.3)
			with pytest.raises(BridgeBusy) as err:
				await bridge.login(b, "admin", "admin")
			outcomes = await asyncio.gather(*busy, return_exceptions=True)
			assert all(isinstance(o, (ModemTimeout, BridgeBusy)) for o in outcomes)
			assert isinstance(outcomes[0], ModemTimeout)  # a held the slot and hung
			return err.value

	err = run(scenario())
	assert err.params == {"count": 2}
	assert fleet[1].stats.logins_ok == 1  # the refused login never reached the modem


def test_memory_cap_refuses_new_sessions(modem):
	async def scenario():
		async with ModemBridge(settings_for(modem, max_memory_mb=20)) as bridge:
			assert (await bridge.memory_usage()).processes == 0  # no browser before it is needed
			await bridge.start()
			with pytest.raises(BridgeBusy) as err:
				await bridge.login("127.0.0.2", "admin", "admin")
			usage = await bridge.memory_usage()
			return err.value, usage

	err, usage = run(scenario())
	assert err.params["cap"] == 20 and err.params["used"] > 20
	assert usage.pss_mb > 20 and usage.processes >= 2
	assert modem.stats.requests == 0


def test_shutdown_closes_the_browser_even_when_the_caller_fails(modem):
	seen = {}

	async def scenario():
		async with ModemBridge(settings_for(modem)) as bridge:
			await bridge.login("127.0.0.2", "admin", "admin")
			seen["pids"] = process_tree(pids_with_marker(bridge.marker))
			seen["bridge"] = bridge
			raise RuntimeError("caller bug")

	with pytest.raises(RuntimeError):
		run(scenario())
	assert len(seen["pids"]) >= 3  # browser, zygote(s), renderer
	assert not any(alive(pid) for pid in seen["pids"])
	assert our_browser_pids() == []

	async def after():  # a shut-down bridge refuses work; a second shutdown is harmless
		bridge = seen["bridge"]
		await bridge.shutdown()
		assert not bridge.browser_running
		with pytest.raises(BridgeBusy):
			await bridge.login("127.0.0.2", "admin", "admin")

	run(after())


ORPHAN_SCRIPT = """
import asyncio, os, signal, sys
from gigafibre_fsm.network.modem_bridge import BridgeSettings, ModemBridge
from simulators.modem_gui import ModemGuiSimulator

sim = ModemGuiSimulator().start()

async def main():
	bridge = ModemBridge(BridgeSettings(scheme="http", port=sim.port, allow_loopback=True))
	await bridge.login("127.0.0.1", "admin", "admin")
	print(bridge.marker, flush=True)
	if sys.argv[1] == "kill":  # as RQ does to a work horse past its job timeout
		os.kill(os.getpid(), signal.SIGKILL)
	# "exit": the caller forgets shutdown() and the interpreter exits

asyncio.run(main())
"""


def test_no_browser_outlives_its_process_even_without_shutdown_or_when_killed():
	root = Path(__file__).resolve().parents[3]
	env = {**os.environ, "PYTHONPATH": str(root)}
	procs = {
		how: subprocess.Popen(
			[sys.executable, "-c", ORPHAN_SCRIPT, how], stdout=subprocess.PIPE, cwd=root, env=env, text=True
		)
		for how in ("exit", "kill")
	}
	markers = {}
	for how, proc in procs.items():
		out, _ = proc.communicate(timeout=60)
		markers[how] = out.split()[0]
	assert procs["exit"].returncode == 0 and procs["kill"].returncode == -signal.SIGKILL
	deadline = time.monotonic() + 10
	while any(pids_with_marker(m) for m in markers.values()) and time.monotonic() < deadline:
		time.sleep(0.2)
	assert {how: pids_with_marker(m) for how, m in markers.items()} == {"exit": [], "kill": []}
