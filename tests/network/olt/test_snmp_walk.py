import shutil
import subprocess
import tempfile

import pytest

from gigafibre_fsm.errors import ExternalServiceError
from gigafibre_fsm.network.olt import (
	OFFLINE,
	ONLINE,
	OltTarget,
	SnmpV2cCredentials,
	get_layout,
	walk_olts_blocking,
)
from simulators.olt_snmp import SilentUdpPeer, SnmpSimAgent, free_udp_port, generate_fleet, write_snmprec

from .conftest import LAYOUT_OF


def target(agent, community, layout, **kw):
	return OltTarget(
		name=f"OLT-{community}",
		host=agent.host,
		port=agent.port,
		layout_key=layout,
		credentials=SnmpV2cCredentials(community),
		**kw,
	)


@pytest.mark.parametrize(("community", "layout"), sorted(LAYOUT_OF.items()))
def test_walk_reads_every_onu_as_simulated(agent, fleets, community, layout):
	"""Each layout walks its own vendor's recording, identified first (sysObjectID/sysDescr)."""
	(result,) = walk_olts_blocking([target(agent, community, layout)])
	assert result.ok, result.error
	assert result.layout_key == layout and result.identity.enterprise in get_layout(layout).enterprises
	snap = result.snapshot
	sim = fleets[community]
	reads_cause = any(c.field == "last_down_cause" for c in get_layout(layout).onu_columns)
	assert len(snap.onus) == len(sim.onus)
	by_serial = {o.serial: o for o in snap.onus.values()}
	for expected in sim.onus:
		got = by_serial[expected.serial]
		assert (got.frame, got.slot, got.port, got.onu) == (
			expected.frame,
			expected.slot,
			expected.port,
			expected.onu,
		)
		assert got.description == expected.description
		if expected.online:
			assert got.oper_state == ONLINE
			assert got.rx_power_dbm == pytest.approx(expected.rx_dbm, abs=0.011)
			assert got.distance_m == expected.distance_m
		else:
			assert got.oper_state == OFFLINE
			assert got.rx_power_dbm is None
			assert (got.last_down_cause is not None) == reads_cause
	assert any(o.oper_state == OFFLINE for o in snap.onus.values())
	assert sorted(u.serial for u in snap.unregistered) == sorted(u.serial for u in sim.unregistered)
	assert {(u.slot, u.port) for u in snap.unregistered} == {(u.slot, u.port) for u in sim.unregistered}


def test_one_request_chain_gives_the_same_snapshot_as_parallel_chains(agent):
	serial = walk_olts_blocking([target(agent, "hw", "huawei_ma5800", parallel_columns=1, max_repetitions=7)])
	parallel = walk_olts_blocking([target(agent, "hw", "huawei_ma5800", parallel_columns=9)])
	assert serial[0].snapshot.onus == parallel[0].snapshot.onus


@pytest.mark.skipif(
	shutil.which("snmpbulkwalk") is None, reason="net-snmp tools (Debian 'snmp') not installed"
)
def test_pysnmp_walk_matches_net_snmp(agent):
	layout = get_layout("huawei_ma5800")
	column = next(c for c in layout.onu_columns if c.field == "oper_state")
	dotted = ".".join(map(str, column.oid))
	out = subprocess.run(
		["snmpbulkwalk", "-v2c", "-c", "hw", "-On", "-Oq", "-Cr25", f"{agent.host}:{agent.port}", dotted],
		capture_output=True,
		text=True,
		check=True,
	).stdout
	net_snmp = {}
	for line in out.splitlines():
		name, value = line.split(" ", 1)
		net_snmp[name.lstrip(".")[len(dotted) + 1 :]] = int(value)
	(result,) = walk_olts_blocking([target(agent, "hw", "huawei_ma5800")])
	ours = {}
	for onu in result.snapshot.onus.values():
		index = ".".join(map(str, layout.make_index(onu.frame, onu.slot, onu.port, onu.onu)))
		ours[index] = 1 if onu.oper_state == ONLINE else 2
	assert ours == net_snmp


def test_a_hung_olt_fails_clearly_without_delaying_the_others(agent):
	with SilentUdpPeer() as hung:
		dead_port = free_udp_port()
		targets = [
			OltTarget(
				"OLT-HUNG",
				hung.host,
				"huawei_ma5800",
				SnmpV2cCredentials("hw"),
				port=hung.port,
				timeout=1.0,
				retries=1,
			),
			target(agent, "hw", "huawei_ma5800"),
			OltTarget(
				"OLT-GONE",
				"127.0.0.1",
				"zte_c320",
				SnmpV2cCredentials("zte"),
				port=dead_port,
				timeout=0.5,
				retries=0,
			),
		]
		hung_result, healthy, gone = walk_olts_blocking(targets)
	assert healthy.ok and len(healthy.snapshot.onus) == 128
	for failed in (hung_result, gone):
		assert isinstance(failed.error, ExternalServiceError)
		assert failed.snapshot is None
		assert failed.olt in str(failed.error)
	assert "did not answer" in hung_result.error.message
	# The healthy OLT's walk ended before the hung one gave up: it did not wait for it.
	assert healthy.finished_at < hung_result.finished_at


def test_a_slow_olt_hits_its_deadline_with_a_clear_error():
	folder = tempfile.mkdtemp(prefix="olt-slow-")
	try:
		fleet = generate_fleet(
			"huawei_ma5800", onu_count=8, ports_per_card=2, onus_per_port=4, unregistered=0
		)
		write_snmprec(fleet, folder, "slow", slow_ms=400)
		with SnmpSimAgent(folder, "slow") as slow:
			(result,) = walk_olts_blocking(
				[target(slow, "slow", "huawei_ma5800", timeout=3.0, retries=0, deadline=1.0)]
			)
	finally:
		shutil.rmtree(folder, ignore_errors=True)
	assert isinstance(result.error, ExternalServiceError)
	assert result.error.params["olt"] == "OLT-slow"
	assert result.error.message == "OLT {olt} did not finish its SNMP walk within {seconds} s"
