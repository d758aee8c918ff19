import asyncio
import os

import pytest

from gigafibre_fsm.network.modem_bridge import BridgeSettings
from gigafibre_fsm.network.modem_bridge.memory import process_tree
from simulators.modem_gui import start_fleet, stop_fleet

MARKER_PREFIX = b"--gigafibre-modem-bridge="


def run(coro):
	return asyncio.run(coro)


def our_browser_pids() -> list[int]:
	"""Processes below this test process whose command line holds a bridge marker."""
	found = []
	for pid in process_tree([os.getpid()]):
		try:
			with open(f"/proc/{pid}/cmdline", "rb") as f:
				if MARKER_PREFIX in f.read():
					found.append(pid)
		except OSError:
			pass
	return found


def alive(pid: int) -> bool:
	try:
		with open(f"/proc/{pid}/stat") as f:
			stat = f.read()
	except OSError:
		return False
	return stat[stat.rfind(")") + 2 :].split()[0] != "Z"


@pytest.fixture
def fleet(request):
	"""Three simulated modems on 127.0.0.2-4, same port."""
	modems = start_fleet(3)
	yield modems
	stop_fleet(modems)


@pytest.fixture
def modem(fleet):
	return fleet[0]


def settings_for(sim, **overrides) -> BridgeSettings:
	values = dict(scheme="http", port=sim.port, allow_loopback=True, operation_timeout_s=5.0)
	values.update(overrides)
	return BridgeSettings(**values)


@pytest.fixture(autouse=True)
def no_browser_left_behind():
	yield
	assert our_browser_pids() == [], "a test left a bridge browser running"
