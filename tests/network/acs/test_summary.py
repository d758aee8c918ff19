"""Device summary for both data models, from the sample exports and from odd documents."""

from datetime import timedelta

import pytest

from gigafibre_fsm.errors import InvalidInput
from gigafibre_fsm.network.acs import TR098, TR181, OpticalThresholds, display, summarize
from gigafibre_fsm.network.acs.optical import judge
from gigafibre_fsm.network.acs.vendors import power_dbm as to_dbm
from simulators.genieacs_nbi import generate_fleet
from tests.network.acs.conftest import NOW, csv_doc


def test_tr181_router_ex220():
	doc = csv_doc("1C61B4-EX220")
	s = summarize(doc, now=NOW)
	assert s.data_model == TR181
	assert (s.manufacturer, s.model, s.serial) == ("TP-Link", "EX220", "2226469000523")
	assert s.firmware.startswith("0.14.0") and s.uptime_seconds == 2480
	assert s.online is False  # last inform in 2023
	assert s.wan_ip == "192.168.88.38"
	assert {w.kind for w in s.wan} == {"PPPoE", "DHCP"}
	assert [(r.band, r.channel) for r in s.radios] == [("2.4GHz", 2), ("5GHz", 44)]
	main = next(x for x in s.ssids if x.ssid == "TP-Link_9E1E_5G")
	assert (main.band, main.clients, main.backhaul) == ("5GHz", 1, False)
	assert sum(x.backhaul for x in s.ssids) == 4  # the hashed EasyMesh backhaul SSIDs
	assert s.ethernet[0].speed_mbps == 1000 and s.ethernet[0].status == "Up"
	assert [n.name for n in s.mesh_nodes] == ["EX220_9E1E"] and s.mesh_nodes[0].controller
	assert s.optical.status == "unknown"  # a router: no optical interface


def test_tr098_huawei_ont_optical_and_gpon_serial():
	s = summarize(csv_doc("00259E-EG8145V5"), now=NOW)
	assert s.data_model == TR098 and s.model == "EG8145V5"
	assert s.serial == "48575443A94196A5" and s.gpon_serial == "HWTCA94196A5"
	assert (s.optical.rx_dbm, s.optical.tx_dbm, s.optical.temperature_c) == (-3.0, 2.0, 45.0)
	assert s.optical.status == "critical"  # -3 dBm is above the -8 dBm overload limit
	kinds = [(w.kind, w.connected) for w in s.wan]
	assert ("PPPoE", True) in kinds and ("DHCP", True) in kinds
	assert [r.band for r in s.radios] == ["2.4GHz", "5GHz"]


def test_tr098_router_ec220():
	s = summarize(csv_doc("9CA2F4-EC220"), now=NOW)
	assert s.wan_ip == "192.168.88.187" and s.wan[0].kind == "DHCP"
	assert [(e.name, e.speed_mbps) for e in s.ethernet if e.status == "Up"] == [
		("LAN2", 1000),
		("LAN3", 1000),
	]
	assert [(x.ssid, x.clients) for x in s.ssids] == [
		("Anlix_TPLink-EC220_V2", 1),
		("Anlix_TPLink-EC220_V2_5G", 1),
	]


def test_online_window():
	doc = generate_fleet(1, seed=3, now=NOW, filler=0)[0]
	doc["_lastInform"] = (NOW - timedelta(minutes=4)).isoformat()
	assert summarize(doc, now=NOW, online_minutes=5).online
	assert not summarize(doc, now=NOW, online_minutes=3).online


@pytest.mark.parametrize(
	"doc",
	[
		{},
		{"_id": "X"},
		{"_id": "X", "Device": {}},
		{"_id": "X", "Device": "not an object"},
		{
			"_id": "X",
			"InternetGatewayDevice": {
				"DeviceInfo": {"UpTime": {"_value": "soon"}, "SoftwareVersion": {"_value": ""}}
			},
		},
		{
			"_id": "X",
			"InternetGatewayDevice": {
				"WANDevice": {"1": {"WANConnectionDevice": {"1": {"WANPPPConnection": {"1": "oops"}}}}}
			},
		},
		{
			"_id": "X",
			"Device": {
				"WiFi": {
					"Radio": {"1": {"Channel": {"_value": None}, "OperatingFrequencyBand": {"_value": 5}}}
				}
			},
		},
		{"_id": "X", "Device": {"Optical": {"Interface": {"1": {"OpticalSignalLevel": {"_value": "n/a"}}}}}},
		{"_id": "X", "_lastInform": "yesterday", "_deviceId": "garbage"},
	],
)
def test_missing_or_odd_parameters_read_unknown_not_a_traceback(doc):
	s = summarize(doc, now=NOW)
	assert display(s.firmware) == "unknown"
	assert display(s.uptime_seconds) == "unknown"
	assert s.optical.status == "unknown"
	assert s.to_dict()["device_id"] in ("X", "unknown")


def test_optical_thresholds_and_units():
	t = OpticalThresholds()
	assert judge(-20.0, 2.0, 40, t).status == "ok"
	assert judge(-26.0, 2.0, 40, t).status == "warning"
	assert judge(-27.5, 2.0, 40, t).status == "critical"
	assert judge(-7.0, 2.0, 40, t).status == "critical"
	assert judge(-20.0, 7.0, 40, t).status == "warning"
	assert judge(-20.0, 2.0, 90, t).status == "critical"
	assert judge(None, 2.0, 40, t).status == "unknown"
	strict = OpticalThresholds(rx_warning=-22, rx_critical=-24)
	assert judge(-23.0, None, None, strict).status == "warning"
	assert to_dbm(-21500, "0.001dBm") == -21.5 and to_dbm("-19.6", "dBm") == -19.6
	assert to_dbm(5624, "0.1uW") == -2.5 and to_dbm(10, "uW") == -20.0
	assert to_dbm(0, "dBm") is None and to_dbm("", "0.1uW") is None and to_dbm(-5, "0.1uW") is None
	assert to_dbm(250, "dBm") is None  # not a level an ONT can see
	with pytest.raises(InvalidInput):
		OpticalThresholds(rx_warning=-30, rx_critical=-27)


def test_synthetic_fleet_documents_summarize_for_every_model():
	for doc in generate_fleet(60, seed=11, now=NOW, filler=0):
		s = summarize(doc, now=NOW)
		assert s.model and s.firmware and s.serial and s.data_model in (TR098, TR181)
		assert s.radios and s.ssids
		if s.model in ("XX230v", "EG8145V5"):
			assert s.optical.rx_dbm is not None and s.optical.status != "unknown"
		if s.model == "HT803G":  # Raisecom's X_CT-COM paths in 0.1 uW
			assert s.optical.source == "Raisecom" and s.optical.rx_dbm is not None
		if s.model in ("EX220", "EC220-G5"):  # routers: no optics, no alarm
			assert s.optical.status == "unknown" and s.optical.reasons == ["No optical reading"]
