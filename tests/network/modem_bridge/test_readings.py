import pytest

from gigafibre_fsm.errors import InvalidInput
from gigafibre_fsm.network.modem_bridge import READABLE_OIDS, check_read, normalise_status, redact


def test_only_whitelisted_objects_and_sane_attributes_are_readable():
	assert check_read("DEV_INFO", ["modelName"], READABLE_OIDS) == ("DEV_INFO", "GET", ["modelName"])
	assert check_read("LAN_WLAN", None, READABLE_OIDS) == ("LAN_WLAN", "GL", [])
	for oid in ("USER_CFG", "dev_info", "DEV_INFO;", "", None, "A" * 80):
		with pytest.raises(InvalidInput):
			check_read(oid, None, READABLE_OIDS)
	for attrs in (["a b"], ["x'); alert(1); //"], [3], ["ok"] * 65):
		with pytest.raises(InvalidInput):
			check_read("DEV_INFO", attrs, READABLE_OIDS)


def test_credentials_are_redacted():
	out = redact({"SSID": "home", "X_TP_PreSharedKey": "k", "adminPwd": "p", "WEPKey": "w", "channel": "6"})
	assert out == {
		"SSID": "home",
		"X_TP_PreSharedKey": "***",
		"adminPwd": "***",
		"WEPKey": "***",
		"channel": "6",
	}


def test_status_is_normalised_and_tolerates_missing_parts():
	status = normalise_status(
		{
			"DEV_INFO": {"modelName": "XX230v", "softwareVersion": "1.2.7", "upTime": "42"},
			"GPON_INTF_INFO": {"status": "O5", "rxPower": "-21.3", "txPower": "n/a"},
			"WAN_IP_CONN": [{"name": "w", "connectionStatus": "Connected", "DNSServers": "1.1.1.1, 9.9.9.9"}],
			"LAN_WLAN": [{"name": "wlan0", "enable": "0", "channel": "auto"}],
		}
	)
	assert (status.model, status.firmware, status.uptime_s) == ("XX230v", "1.2.7", 42)
	assert status.optical.rx_power_dbm == -21.3 and status.optical.tx_power_dbm is None
	assert status.wan[0].dns_servers == ["1.1.1.1", "9.9.9.9"]
	assert status.wifi[0].enabled is False and status.wifi[0].channel is None
	empty = normalise_status({})
	assert empty.model is None and empty.optical is None and empty.wan == [] and empty.wifi == []
	assert empty.to_dict()["optical"] is None
