"""Hosts grouped by mesh node, for both data models."""

from gigafibre_fsm.network.acs import hosts_by_node
from gigafibre_fsm.network.acs.hosts import rcpi_to_dbm
from simulators.genieacs_nbi import generate_fleet
from tests.network.acs.conftest import NOW, needs_csv
from tests.network.acs.test_summary import csv_doc


@needs_csv
def test_tr181_easymesh_hosts_ex220():
	(group,) = hosts_by_node(csv_doc("1C61B4-EX220"))
	assert group.node.name == "EX220_9E1E"
	hosts = {h.mac: h for h in group.hosts}
	mac = hosts["5c:f9:38:99:45:38"]
	assert (mac.name, mac.band, mac.signal_dbm, mac.speed_mbps) == ("cassios-mac", "2.4GHz", -34, 57.0)
	assert hosts["04:b1:67:52:3b:72"].band == "5GHz"
	assert "88:36:cf:b9:24:a5" not in hosts  # inactive wired host: an old lease


@needs_csv
def test_tr098_hosts_ec220_on_the_gateway():
	(group,) = hosts_by_node(csv_doc("9CA2F4-EC220"))
	hosts = {h.mac: h for h in group.hosts}
	assert (hosts["5c:f9:38:99:45:38"].signal_dbm, hosts["5c:f9:38:99:45:38"].speed_mbps) == (-41, 130.0)
	assert hosts["04:b1:67:52:3b:72"].band == "5GHz" and hosts["04:b1:67:52:3b:72"].name is None


def test_synthetic_mesh_groups_hosts_by_node():
	docs = [d for d in generate_fleet(80, seed=5, now=NOW, filler=0) if d["_id"].startswith("5C628B")]
	multi = [d for d in docs if len(d["Device"]["WiFi"]["MultiAP"]["APDevice"]) > 2 - 1]
	assert multi
	for doc in multi:
		groups = hosts_by_node(doc)
		assert len(groups) == len([k for k in doc["Device"]["WiFi"]["MultiAP"]["APDevice"] if k.isdigit()])
		assert groups[0].node.controller and groups[0].node.name == "Gateway"
		total = sum(len(g.hosts) for g in groups)
		assert total == doc["Device"]["Hosts"]["HostNumberOfEntries"]["_value"]
		for g in groups:
			for h in g.hosts:
				assert h.band in ("2.4GHz", "5GHz", "Ethernet")
				assert h.name is not None or h.band is not None


def test_rcpi():
	assert rcpi_to_dbm(152) == -34 and rcpi_to_dbm(255) is None and rcpi_to_dbm("x") is None
