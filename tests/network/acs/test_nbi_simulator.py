"""The simulator speaks the NBI as GenieACS's lib/nbi.ts and lib/query.ts do."""

import csv
import json

import pytest
import requests

from simulators.genieacs_nbi import NbiSimulator, load_device_csv
from simulators.genieacs_nbi.device_csv import generate_device_id
from tests.network.acs.conftest import EC220, EX220, HUAWEI, NOKIA, XX230V, ZTE, csv_path


def get(sim, path, **params):
	return requests.get(sim.base_url + path, params=params, timeout=5)


def test_query_by_serial_with_projection_returns_subtree_and_total(sim):
	r = get(
		sim,
		"/devices/",
		query=json.dumps({"_deviceId._SerialNumber": "2226469000523"}),
		projection="Device.DeviceInfo,_lastInform",
	)
	assert r.status_code == 200
	assert r.headers["total"] == "1"
	assert r.text.startswith("[\n") and r.text.endswith("\n]")
	(doc,) = r.json()
	assert doc["_id"] == EX220
	assert doc["Device"]["DeviceInfo"]["SoftwareVersion"]["_value"].startswith("0.14.0")
	assert doc["Device"]["DeviceInfo"]["UpTime"]["_type"] == "xsd:unsignedInt"
	assert "WiFi" not in doc["Device"]
	assert doc["_lastInform"] == "2023-05-25T21:06:45.524Z"


def test_string_operand_also_matches_numbers_as_genieacs_expands_it(sim):
	r = get(
		sim,
		"/devices/",
		query=json.dumps({"InternetGatewayDevice.WANDevice.1.X_GponInterafceConfig.RXPower": "-3"}),
		projection="_id",
	)
	assert [d["_id"] for d in r.json()] == [HUAWEI]


def test_date_strings_compare_with_stored_dates(sim):
	q = {"_lastInform": {"$gt": "2023-05-01T00:00:00Z", "$lt": "2023-06-01T00:00:00Z"}}
	r = get(sim, "/devices/", query=json.dumps(q), projection="_id")
	assert sorted(d["_id"] for d in r.json()) == sorted([EX220, EC220])


def test_or_regex_wildcard_and_in(sim):
	q = {"$or": [{"_deviceId._SerialNumber": "22282X5007025"}, {"_id": {"$in": [HUAWEI]}}]}
	assert sorted(
		d["_id"] for d in get(sim, "/devices/", query=json.dumps(q), projection="_id").json()
	) == sorted([EC220, HUAWEI])
	q = {"InternetGatewayDevice.DeviceInfo.Description": "AC1200*"}
	assert [d["_id"] for d in get(sim, "/devices/", query=json.dumps(q), projection="_id").json()] == [EC220]
	q = {"Device.DeviceInfo.Description": {"$regex": "wi-fi 6", "$options": "i"}}
	assert EX220 in [d["_id"] for d in get(sim, "/devices/", query=json.dumps(q), projection="_id").json()]


def test_head_gives_total_and_skip_limit_sort_page(sim):
	head = requests.head(sim.base_url + "/devices/", timeout=5)
	total = int(head.headers["total"])
	assert head.status_code == 200 and head.content == b""
	first = get(sim, "/devices/", projection="_id", sort=json.dumps({"_id": 1}), limit=10).json()
	second = get(sim, "/devices/", projection="_id", sort=json.dumps({"_id": 1}), limit=10, skip=10).json()
	ids = [d["_id"] for d in first + second]
	assert ids == sorted(ids) and len(set(ids)) == 20 and total >= 20


def test_bad_query_json_is_400(sim):
	assert get(sim, "/devices/", query="{nope").status_code == 400


def test_task_on_unknown_device_is_404(sim):
	r = requests.post(
		sim.base_url + "/devices/nope/tasks?connection_request", json={"name": "reboot"}, timeout=5
	)
	assert r.status_code == 404 and r.text == "No such device"


def test_task_lifecycle_done_queued_faulted(sim):
	url = sim.base_url + "/devices/" + EX220 + "/tasks"
	r = requests.post(url + "?connection_request", json={"name": "reboot"}, timeout=5)
	assert r.status_code == 200 and r.json()["name"] == "reboot" and r.json()["device"] == EX220
	assert requests.get(sim.base_url + "/tasks/", timeout=5).json() == []

	r = requests.post(url, json={"name": "reboot"}, timeout=5)  # no connection request: queued
	assert r.status_code == 202
	assert [t["_id"] for t in requests.get(sim.base_url + "/tasks/", timeout=5).json()] == [r.json()["_id"]]
	assert requests.delete(sim.base_url + "/tasks/" + r.json()["_id"], timeout=5).status_code == 200
	assert requests.delete(sim.base_url + "/tasks/" + r.json()["_id"], timeout=5).status_code == 404

	sim.unreachable.add(EX220)
	r = requests.post(url + "?connection_request", json={"name": "reboot"}, timeout=5)
	assert r.status_code == 202 and r.reason == "Task queued but not processed"
	sim.unreachable.clear()

	sim.fail_task(EX220, "factoryReset", code="cwmp.9001", message="Request denied")
	r = requests.post(url + "?connection_request", json={"name": "factoryReset"}, timeout=5)
	assert r.status_code == 202 and r.reason == "Task faulted"
	fault_id = f"{EX220}:task_{r.json()['_id']}"
	(fault,) = requests.get(
		sim.base_url + "/faults/", params={"query": json.dumps({"_id": fault_id})}, timeout=5
	).json()
	assert fault["code"] == "cwmp.9001" and fault["channel"] == "task_" + r.json()["_id"]
	assert requests.delete(sim.base_url + "/faults/" + fault_id, timeout=5).status_code == 200
	tasks = requests.get(sim.base_url + "/tasks/", timeout=5).json()
	assert all(t["_id"] != r.json()["_id"] for t in tasks)  # deleting a task's fault deletes the task


def test_invalid_task_is_rejected_like_genieacs(sim):
	r = requests.post(
		sim.base_url + f"/devices/{EX220}/tasks", json={"name": "getParameterValues"}, timeout=5
	)
	assert r.status_code == 500 and "parameterNames" in r.text


def test_refresh_copies_the_device_live_state_into_the_acs(sim):
	sim.set_live(
		EX220, {"Device.Hosts.Host.4.PhysAddress": "AA:BB:CC:00:11:22", "Device.Hosts.Host.4.Active": True}
	)
	q = {"Device.Hosts.Host.4.PhysAddress": "AA:BB:CC:00:11:22"}
	assert get(sim, "/devices/", query=json.dumps(q), projection="_id").json() == []
	r = requests.post(
		sim.base_url + f"/devices/{EX220}/tasks?connection_request",
		json={"name": "refreshObject", "objectName": "Device.Hosts."},
		timeout=5,
	)
	assert r.status_code == 200
	assert [d["_id"] for d in get(sim, "/devices/", query=json.dumps(q), projection="_id").json()] == [EX220]


def test_simulated_5xx(sim):
	sim.fail_requests(503, count=1)
	assert get(sim, "/devices/", projection="_id").status_code == 503
	assert get(sim, "/devices/", projection="_id").status_code == 200


def test_fleet_documents_do_not_share_changes(sim):
	ids = [
		d["_id"]
		for d in get(
			sim, "/devices/", query=json.dumps({"_id": {"$regex": "^5C628B"}}), projection="_id"
		).json()
	]
	a, b = ids[:2]
	requests.post(
		sim.base_url + f"/devices/{a}/tasks?connection_request",
		json={
			"name": "setParameterValues",
			"parameterValues": [["Device.WiFi.Radio.1.Channel", 13, "xsd:unsignedInt"]],
		},
		timeout=5,
	)
	docs = {
		d["_id"]: d
		for d in get(
			sim,
			"/devices/",
			query=json.dumps({"_id": {"$in": [a, b]}}),
			projection="Device.WiFi.Radio.1.Channel",
		).json()
	}
	assert docs[a]["Device"]["WiFi"]["Radio"]["1"]["Channel"]["_value"] == 13
	assert docs[b]["Device"]["WiFi"]["Radio"]["1"]["Channel"]["_value"] in (1, 6, 11)


def five_column_copy(source: str, target) -> None:
	"""An export as older GenieACS versions wrote it: Parameter, Object, Writable, Value,
	Value type, and no DeviceID.ID row."""
	with open(source, newline="", encoding="utf-8") as fh:
		rows = list(csv.reader(fh))
	keep = [rows[0].index(c) for c in ("Parameter", "Object", "Writable", "Value", "Value type")]
	with open(target, "w", newline="", encoding="utf-8") as fh:
		out = csv.writer(fh)
		for row in rows:
			if row and row[0] != "DeviceID.ID":
				out.writerow([row[i] if i < len(row) else "" for i in keep])


@pytest.mark.parametrize(
	"name, device_id",
	[("1C61B4-XX230v", XX230V), ("9075BC-G%2D1425G%2DA", NOKIA), ("C0B101-ZXHN%20H199A", ZTE)],
)
def test_five_column_export_gets_the_id_genieacs_would_give(tmp_path, name, device_id):
	five_column_copy(csv_path(name), tmp_path / "old-export.csv")
	with open(tmp_path / "old-export.csv", encoding="utf-8") as fh:
		header = fh.readline().strip()
		assert header == "Parameter,Object,Writable,Value,Value type" and "DeviceID.ID" not in fh.read()
	s = NbiSimulator()
	assert s.load_csv_dir(str(tmp_path)) == [device_id]  # the id the newer export spells out
	s.start()
	try:
		r = get(s, "/devices/", query=json.dumps({"_id": device_id}), projection="_id,_deviceId")
		(doc,) = r.json()
		assert doc["_deviceId"]["_SerialNumber"] in device_id
	finally:
		s.stop()


def test_device_id_escaping_follows_genieacs():
	assert generate_device_id("9075BC", "G-1425G-A", "ALCLFC265D6F") == NOKIA
	assert generate_device_id("C0B101", "ZXHN H199A", "ZTEYH86LCN10105") == ZTE
	assert generate_device_id("00259E", None, "X_1") == "00259E-X_1"
	assert generate_device_id("A", "é/\n", "1") == "A-%C3%A9%2F%A-1"  # UTF-8 bytes, unpadded hex


def test_a_five_column_export_with_no_device_id_rows_uses_device_info(tmp_path):
	source = csv_path("1C61B4-XX230v")
	with open(source, newline="", encoding="utf-8") as fh:
		rows = [r for r in csv.reader(fh) if r and not r[0].startswith("DeviceID")]
	with open(tmp_path / "x.csv", "w", newline="", encoding="utf-8") as fh:
		csv.writer(fh).writerows(rows)
	doc = load_device_csv(str(tmp_path / "x.csv"))  # DeviceInfo: 1C61B4, Device2, 22275A7000395
	assert doc["_id"] == XX230V and doc["_deviceId"]["_SerialNumber"] == "22275A7000395"
