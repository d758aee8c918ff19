"""The synchronous facade used by background jobs."""

import pytest

from gigafibre_fsm.errors import InvalidInput
from gigafibre_fsm.network.modem_bridge import (
	ModemLoginRefused,
	SessionNotOpen,
	run_bridge_operation,
	shutdown_persistent_bridges,
)

from .conftest import our_browser_pids, settings_for


def test_per_job_mode_launches_reads_and_always_closes_the_browser(modem):
	settings = settings_for(modem)
	status = run_bridge_operation(settings, "status", ip="127.0.0.2", user="admin", password="admin")
	assert status["model"] == "XX230v" and status["optical"]["rx_power_dbm"] == -18.52
	assert our_browser_pids() == []
	with pytest.raises(ModemLoginRefused):
		run_bridge_operation(settings, "screenshot", ip="127.0.0.2", user="admin", password="bad")
	assert our_browser_pids() == []
	# nothing survives a job in this mode: no session to reuse
	assert run_bridge_operation(settings, "list_sessions") == []
	with pytest.raises(SessionNotOpen):
		run_bridge_operation(settings, "status", ip="127.0.0.2")
	assert modem.stats.logins_ok == 1 and modem.stats.logins_failed == 1


def test_persistent_mode_reuses_sessions_across_calls_and_closes_at_shutdown(modem):
	settings = settings_for(modem, job_mode="persistent")
	try:
		first = run_bridge_operation(settings, "status", ip="127.0.0.2", user="admin", password="admin")
		png = run_bridge_operation(settings, "screenshot", ip="127.0.0.2", user="admin", password="admin")
		dev = run_bridge_operation(settings, "dm_get", ip="127.0.0.2", oid="DEV_INFO", attrs=["modelName"])
		assert (
			first["firmware"].startswith("1.2.7") and png[:4] == b"\x89PNG" and dev == {"modelName": "XX230v"}
		)
		assert modem.stats.logins_ok == 1
		sessions = run_bridge_operation(settings, "list_sessions")
		assert [(s["ip"], s["operations"]) for s in sessions] == [("127.0.0.2", 3)]
		# the modem dropped the session (e.g. rebooted): a job with credentials logs in again
		modem.expire_sessions()
		again = run_bridge_operation(settings, "status", ip="127.0.0.2", user="admin", password="admin")
		assert again == first and modem.stats.logins_ok == 2
		assert len(our_browser_pids()) == 1
		assert run_bridge_operation(settings, "close", ip="127.0.0.2") is True
		assert run_bridge_operation(settings, "list_sessions") == []
	finally:
		shutdown_persistent_bridges()
	assert our_browser_pids() == []


def test_unknown_operations_and_modes_are_refused():
	settings = settings_for(type("S", (), {"port": 1})())
	for op in ("dm_set", "reboot", "", None):
		with pytest.raises(InvalidInput):
			run_bridge_operation(settings, op, ip="127.0.0.2")
	with pytest.raises(InvalidInput):
		run_bridge_operation(settings_for(type("S", (), {"port": 1})(), job_mode="threads"), "list_sessions")
	assert our_browser_pids() == []
