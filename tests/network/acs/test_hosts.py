"""Hosts grouped by mesh node, for both data models."""

from gigafibre_fsm.network.acs import hosts_by_node, summarize
from gigafibre_fsm.network.acs.hosts import rcpi_to_dbm
from simulators.genieacs_nbi import generate_fleet
from tests.network.acs.conftest import NOW, csv_doc


def test_tr181_easymesh_hosts_ex220():
	(group,) = hosts_by_node(csv_doc("1C61B4-EX220"))
	assert group.node.name == "EX220_9E1E"
	hosts = {h.mac: h for h in group.hosts}
	mac = hosts["5c:f9:38:99:45:38"]
	assert (mac.name, mac.band, mac.signal_dbm, mac.speed_mbps) == ("cassios-mac", "2.4GHz", -34, 57.0)
	assert hosts["04:b1:67:52:3b:72"].band == "5GHz"
	assert "88:36:cf:b9:24:a5" not in hosts  # inactive wired host: an old lease


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


def test_tr098_huawei_mesh_satellites_are_nodes_and_their_clients_theirs():
	"""EG8145X6 with a K562 satellite (online) and a WA8021V5 (offline), from a real export."""
	doc = csv_doc("eg8145x6-has-mesh")
	nodes = summarize(doc, now=NOW).mesh_nodes
	assert [(n.name, n.controller, n.active) for n in nodes] == [
		("EG8145X6", True, True),
		("K562", False, True),
		("WA8021V5", False, False),
	]
	assert nodes[1].mac == "3c:a3:7e:bb:fe:87" and nodes[1].serial == "48575443B9F08AAA"
	groups = {g.node.name: g for g in hosts_by_node(doc)}
	satellite = {h.mac: h for h in groups["K562"].hosts}
	mbp = satellite["3c:06:30:2d:42:fb"]  # associated to the K562's 5 GHz radio
	assert (mbp.name, mbp.band, mbp.signal_dbm, mbp.speed_mbps, mbp.active) == (
		"MBP-de-Gaspare",
		"5GHz",
		-58,
		735.0,
		True,
	)
	gateway = {h.mac for h in groups["EG8145X6"].hosts}
	assert gateway == {"ee:07:8a:86:43:23"}
	# the K562 is in the gateway's host table and its backhaul station on the gateway's 5 GHz
	# radio (3E:A3:7E:BB:FE:90): neither is a client
	everyone = {h.mac for g in groups.values() for h in g.hosts}
	assert not everyone & {"3c:a3:7e:bb:fe:87", "3e:a3:7e:bb:fe:90"}
	assert groups["WA8021V5"].hosts == []


def test_tr098_without_satellites_is_the_gateway_alone():
	doc = csv_doc("00259E-EG8145V5")  # has an empty X_HW_APDevice object
	assert summarize(doc, now=NOW).mesh_nodes == []
	(group,) = hosts_by_node(doc)
	assert group.node.controller and group.node.name == "EG8145V5"


def test_tr098_zte_easymesh_agents_are_nodes():
	doc = csv_doc("C0B101-ZXHN%20H199A")  # controller, no agent in the export
	assert summarize(doc, now=NOW).mesh_nodes == []
	topo = doc["InternetGatewayDevice"]["X_ZTE-COM_EasyMesh"]["NetworkTopology"]
	topo["Agent"] = {"1": {"SerialNumber": {"_value": "ZTEYH86LCN20206", "_type": "xsd:string"}}}
	nodes = summarize(doc, now=NOW).mesh_nodes
	assert [(n.serial, n.controller) for n in nodes] == [
		("ZTEYH86LCN10105", True),
		("ZTEYH86LCN20206", False),
	]
	assert [g.node.serial for g in hosts_by_node(doc)] == ["ZTEYH86LCN10105", "ZTEYH86LCN20206"]
