"""The NBI client and the operations against the simulator: lookup, tasks, failures."""

import pytest

from gigafibre_fsm.errors import ExternalServiceError, InvalidInput
from gigafibre_fsm.network.acs import (
	DONE,
	FAULTED,
	QUEUED,
	AcsUnavailable,
	NbiClient,
	UnknownDevice,
	factory_reset,
	list_hosts,
	lookup_device,
	reboot,
	refresh,
	serial_variants,
	summarize,
)
from gigafibre_fsm.network.acs.lookup import BY_DATA_MODEL, BY_DEVICE_ID, BY_MAC
from tests.network.acs.conftest import EC220, EX220, HUAWEI, HUAWEI_MESH, NOKIA, NOW, XX230V


def test_lookup_by_device_id_serial_is_one_round_trip_with_the_summary(client):
	before = client.request_count
	found = lookup_device(client, "2226469000523")
	assert found.strategy == BY_DEVICE_ID and found.requests == 1
	assert client.request_count - before == 1
	assert summarize(found.device, now=NOW).model == "EX220"  # the projection carried the summary


def test_lookup_by_gpon_label_serial(client, sim):
	found = lookup_device(client, "hwtca94196a5")  # as printed on the ONT, in lower case
	assert found.device["_id"] == HUAWEI and found.strategy == BY_DEVICE_ID  # hex form of the label
	# a device whose id serial differs from the data model's serial
	doc = sim.devices[EX220]
	doc["_deviceId"] = dict(doc["_deviceId"], _SerialNumber="INTERNAL-0001")
	sim._by_serial.setdefault("INTERNAL-0001", set()).add(EX220)
	found = lookup_device(client, "2226469000523")
	assert found.device["_id"] == EX220 and found.strategy == BY_DATA_MODEL and found.requests == 2


def test_lookup_by_wan_or_lan_mac(client):
	found = lookup_device(client, "NOT-A-KNOWN-SERIAL", mac="9c-a2-f4-5d-19-09")
	assert found.strategy == BY_MAC and found.device["_id"].startswith("9CA2F4") and found.requests == 3
	assert lookup_device(client, "1c:61:b4:37:9e:1e").device["_id"] == EX220
	assert lookup_device(client, "NOPE12345") is None


def test_lookup_rejects_nonsense(client):
	with pytest.raises(InvalidInput):
		lookup_device(client)
	with pytest.raises(InvalidInput):
		lookup_device(client, "a b c; drop")


def test_serial_variants():
	assert "48575443A94196A5" in serial_variants("HWTCA94196A5")
	assert "HWTCA94196A5" in serial_variants("48575443a94196a5")


def test_reboot_refresh_done_queued_faulted(client, sim):
	assert reboot(client, EX220).status == DONE
	assert sim.devices[EX220]["_lastBoot"] == NOW
	assert refresh(client, EX220, "Device.WiFi.").status == DONE
	sim.unreachable.add(EX220)
	out = reboot(client, EX220)
	assert out.status == QUEUED and "next contact" in out.text and out.task_id
	assert [t["_id"] for t in client.tasks({"device": EX220})] == [out.task_id]
	sim.unreachable.clear()
	sim.fail_task(EX220, "reboot", code="cwmp.9001", message="Request denied")
	out = reboot(client, EX220)
	assert out.status == FAULTED and out.fault_code == "cwmp.9001" and "Request denied" in out.text
	assert client.delete_fault(f"{EX220}:task_{out.task_id}")
	with pytest.raises(UnknownDevice):
		reboot(client, "000000-NOPE-0")


def test_factory_reset_asks_for_confirmation(client, sim):
	with pytest.raises(InvalidInput):
		factory_reset(client, EX220, None)
	with pytest.raises(InvalidInput):
		factory_reset(client, EX220, "wrong")
	assert sim.requests == []  # nothing was sent before confirmation
	assert factory_reset(client, EX220, "2226469000523").status == DONE
	assert sim.devices[EX220]["_lastBootstrap"] == NOW


def test_hosts_after_refresh_see_what_the_device_now_holds(client, sim):
	sim.set_live(
		EX220,
		{
			"Device.Hosts.Host.9.PhysAddress": "AA:BB:CC:00:11:22",
			"Device.Hosts.Host.9.HostName": "new-laptop",
			"Device.Hosts.Host.9.Active": True,
			"Device.Hosts.Host.9.InterfaceType": "Ethernet",
		},
	)
	before = client.request_count
	listing = list_hosts(client, EX220, data_model="TR-181")
	assert client.request_count - before == 3  # two refresh tasks, one read
	assert [o.status for o in listing.refresh] == [DONE, DONE]
	names = {h.name for g in listing.groups for h in g.hosts}
	assert "new-laptop" in names
	sim.unreachable.add(EX220)
	listing = list_hosts(client, EX220)
	assert listing.refresh[-1].status == QUEUED and listing.groups  # still the ACS's last copy


def test_acs_down_is_a_clear_external_service_error(dead_url):
	c = NbiClient(dead_url, timeout=0.5, retries=1, backoff=0.01)
	with pytest.raises(AcsUnavailable) as err:
		c.find_devices({}, ["_id"])
	assert isinstance(err.value, ExternalServiceError)
	assert "unreachable" in err.value.message and err.value.params["path"] == "/devices/"
	assert c.request_count == 2  # one try, one retry


def test_acs_slow_times_out(sim):
	sim.latency = 0.6
	c = NbiClient(sim.base_url, timeout=(1, 0.2), retries=0)
	with pytest.raises(AcsUnavailable):
		c.find_devices({}, ["_id"])


def test_5xx_is_retried_with_backoff_then_reported(sim):
	slept = []
	c = NbiClient(sim.base_url, timeout=2, retries=2, backoff=0.1, sleep=slept.append)
	sim.fail_requests(503, count=2)
	assert c.find_devices({}, ["_id"], limit=1)  # third attempt succeeds
	assert len(slept) == 2 and slept[1] > slept[0] * 0.5
	sim.fail_requests(500, count=1)
	with pytest.raises(AcsUnavailable) as err:
		c.find_devices({}, ["_id"], limit=1)  # 500 is not retried: GenieACS failed on this request
	assert err.value.params["status"] == 500


def test_bad_base_url():
	with pytest.raises(InvalidInput):
		NbiClient("10.5.2.115:7557")


@pytest.mark.parametrize(
	"olt_serial", ["TPLGB4FB2AC8", "tplgb4fb2ac8", "54504C47B4FB2AC8", "54504c47b4fb2ac8"]
)
def test_xx230v_found_by_the_serial_its_olt_reports_in_both_forms(client, olt_serial):
	"""The XX230v's id carries its label serial; its GPON serial is only in GponAuth.GponSn (hex)."""
	found = lookup_device(client, olt_serial)
	assert found is not None and found.device["_id"] == XX230V
	assert found.strategy == BY_DATA_MODEL and found.requests == 2
	assert summarize(found.device, now=NOW).gpon_serial == "TPLGB4FB2AC8"


def test_gpon_forms_are_the_same_conversion_as_the_equipment_records():
	from gigafibre_fsm.network.acs.lookup import gpon_hex_form
	from gigafibre_fsm.subscribers.equipment_identity import normalise_serial

	for printed in ("TPLGB4FB2AC8", "HWTCA94196A5", "ALCLFC265D6F", "ZTEG1234ABCD"):
		assert normalise_serial(gpon_hex_form(printed)) == printed
		assert set(serial_variants(printed)) >= {printed, gpon_hex_form(printed)}
	assert gpon_hex_form("22275A7000395") is None
	assert serial_variants("22275A7000395") == ["22275A7000395"]


def test_nokia_and_huawei_mesh_exports_found_by_gpon_serial(client):
	assert lookup_device(client, "ALCLFC265D6F").device["_id"] == NOKIA
	assert lookup_device(client, "414C434CFC265D6F").device["_id"] == NOKIA
	assert lookup_device(client, "HWTCA97D7DAA").device["_id"] == HUAWEI_MESH


def test_hosts_refresh_a_huawei_gateways_satellites_only_when_it_has_them(client):
	before = client.request_count
	mesh = list_hosts(client, HUAWEI_MESH)
	assert client.request_count - before == 5  # probe, hosts, Wi-Fi, satellites, read
	assert [o.status for o in mesh.refresh] == [DONE, DONE, DONE]
	assert [g.node.name for g in mesh.groups] == ["EG8145X6", "K562", "WA8021V5"]
	before = client.request_count
	router = list_hosts(client, EC220)  # TR-098 without the object: two refreshes, no fault
	assert client.request_count - before == 4
	assert [o.status for o in router.refresh] == [DONE, DONE]
