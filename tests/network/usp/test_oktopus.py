"""USP devices through a local double of Oktopus's controller API, into the same summary."""

from datetime import datetime, timezone

import pytest

from gigafibre_fsm.errors import ExternalServiceError, InvalidInput
from gigafibre_fsm.network.usp import (
	ControllerUnavailable,
	DeviceOffline,
	OktopusClient,
	flatten_get_response,
	usp_summary,
)
from simulators.oktopus_controller import OktopusDouble, usp_device_params

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc)
SN = "0022000001234"


@pytest.fixture
def double():
	d = OktopusDouble()
	d.add_device(SN, usp_device_params(SN, seed=3))
	d.add_device("OFFLINE01", usp_device_params("OFFLINE01", seed=4), status=0)
	url = d.start()
	d.url = url
	yield d
	d.stop()


def test_summary_of_a_usp_device_matches_the_tr069_shape(double):
	c = OktopusClient(double.url, "noc@gigafibre.ca", "secret")
	s = usp_summary(c, SN, now=NOW)
	assert c.request_count == 3  # login, device, one Get for every summary path
	assert s.online and s.data_model == "TR-181"
	assert s.serial == SN and s.model == "XX230v" and s.firmware
	assert s.optical.rx_dbm is not None and s.optical.status in ("ok", "warning", "critical")
	assert [r.band for r in s.radios] == ["2.4GHz", "5GHz"]
	assert s.wan_ip and s.ethernet and s.mesh_nodes[0].controller
	assert s.uptime_seconds and s.uptime_seconds > 0


def test_offline_device_is_identity_only_not_an_error(double):
	c = OktopusClient(double.url, "noc@gigafibre.ca", "secret")
	s = usp_summary(c, "OFFLINE01", now=NOW)
	assert not s.online and s.model == "XX230v" and s.optical.status == "unknown"
	with pytest.raises(DeviceOffline):
		c.get_parameters("OFFLINE01", ["Device.DeviceInfo."])


def test_get_ignores_paths_the_agent_rejects(double):
	c = OktopusClient(double.url, "noc@gigafibre.ca", "secret")
	flat = c.get_parameters(SN, ["Device.DeviceInfo.", "Device.NoSuch.", "Bogus."])
	assert flat["Device.DeviceInfo.SerialNumber"] == SN
	assert not any(k.startswith("Device.NoSuch") for k in flat)


def test_reboot_and_confirmed_factory_reset(double):
	c = OktopusClient(double.url, "noc@gigafibre.ca", "secret")
	c.reboot(SN)
	with pytest.raises(InvalidInput):
		c.factory_reset(SN, "nope")
	c.factory_reset(SN, SN)
	assert [op[1] for op in double.operations] == ["Device.Reboot()", "Device.FactoryReset()"]


def test_bad_credentials_and_expired_token(double):
	with pytest.raises(ControllerUnavailable):
		OktopusClient(double.url, "noc@gigafibre.ca", "wrong").device(SN)
	c = OktopusClient(double.url, "noc@gigafibre.ca", "secret")
	c.device(SN)
	double.tokens.clear()  # the controller restarted / the token expired
	assert c.device(SN).online


def test_controller_down(double):
	url = double.url
	double.stop()
	c = OktopusClient(url, "noc@gigafibre.ca", "secret", timeout=0.5, retries=1, backoff=0.01)
	with pytest.raises(ExternalServiceError):
		usp_summary(c, SN)


def test_flatten_tolerates_junk():
	assert flatten_get_response(None) == {}
	assert (
		flatten_get_response(
			{"req_path_results": [None, {"err_code": 7026}, {"resolved_path_results": [None]}]}
		)
		== {}
	)
	resp = {
		"req_path_results": [
			{"resolved_path_results": [{"resolved_path": "Device.X", "result_params": {"A": "1"}}]}
		]
	}
	assert flatten_get_response(resp) == {"Device.X.A": "1"}
