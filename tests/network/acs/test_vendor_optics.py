"""Optical readings through the vendor table (vendor_paths.json), on the real exports."""

import copy
import csv
import json
import math

import pytest

from gigafibre_fsm.errors import InvalidInput
from gigafibre_fsm.network.acs import OpticalThresholds, summarize
from gigafibre_fsm.network.acs import vendors as V
from gigafibre_fsm.network.acs.optical import NO_READING, OPTICAL_SOURCES, UNIT_NOT_CONFIRMED, optical_status
from tests.network.acs.conftest import NOW, csv_doc, csv_path

XX230V_FILE = "1C61B4-XX230v"


def raw_cell(name: str, parameter: str) -> str:
	"""A parameter's Value as written in the export file, read independently of the simulator."""
	with open(csv_path(name), newline="", encoding="utf-8") as fh:
		for row in csv.DictReader(fh):
			if row["Parameter"] == parameter:
				return row["Value"]
	raise KeyError(parameter)


def test_every_row_of_the_vendor_table_cites_a_source_and_a_known_unit():
	with open(V.TABLE, encoding="utf-8") as fh:
		data = json.load(fh)
	assert len(data["optical"]) >= 10 and data["gpon_serial"]
	for row in data["optical"] + data["gpon_serial"]:
		assert row.get("source", "").strip(), row
	vendors = {row["vendor"] for row in data["optical"]}
	for needed in ("TP-Link", "Huawei", "ZTE", "Nokia / Alcatel-Lucent", "Intelbras", "Zyxel", "Sagemcom"):
		assert needed in vendors
	optical, serials = V.load_table()
	assert all(src.source for src in optical) and all(row.source for row in serials)
	for src in optical:
		assert src.power_unit in V.POWER_UNITS
		assert src.data_model in ("TR-098", "TR-181")


@pytest.mark.parametrize(
	"broken",
	[
		{"source": ""},
		{"power_unit": "furlongs"},
		{"temperature": "X.Temp", "temperature_unit": None},
		{"unverified": ["colour"]},
	],
)
def test_a_row_without_source_or_with_an_unknown_unit_is_refused(broken):
	row = {
		"vendor": "Acme",
		"data_model": "TR-098",
		"rx": "InternetGatewayDevice.X_ACME.RX",
		"power_unit": "dBm",
		"source": "somewhere",
	}
	row.update(broken)
	with pytest.raises(InvalidInput):
		V.parse_table({"optical": [row]})


def test_xx230v_reads_its_vendor_extension_in_tenths_of_a_microwatt():
	rx_raw = raw_cell(XX230V_FILE, "Device.Optical.Interface.1.X_TP_GPON_Config.RXPower")
	tx_raw = raw_cell(XX230V_FILE, "Device.Optical.Interface.1.X_TP_GPON_Config.TXPower")
	assert (rx_raw, tx_raw) == ("5624", "14880")
	# the standard fields are placeholders on this firmware
	assert raw_cell(XX230V_FILE, "Device.Optical.Interface.1.OpticalSignalLevel") == "0"
	assert raw_cell(XX230V_FILE, "Device.Optical.Interface.1.TransmitOpticalLevel") == "0"
	# 5624 x 0.1 uW = 0.5624 mW; 14880 x 0.1 uW = 1.488 mW
	assert round(10 * math.log10(int(rx_raw) / 10000), 2) == -2.50
	assert round(10 * math.log10(int(tx_raw) / 10000), 2) == 1.73
	s = summarize(csv_doc(XX230V_FILE), now=NOW)
	assert (s.optical.rx_dbm, s.optical.tx_dbm) == (-2.50, 1.73)
	assert s.optical.source == "TP-Link"
	assert "Transmit power out of range" not in s.optical.reasons
	assert s.optical.temperature_c == 47.9 and "temperature" in s.optical.unverified  # 12251 / 256
	assert s.gpon_serial == "TPLGB4FB2AC8"  # GponAuth.GponSn 54504C47B4FB2AC8


# What each export's raw values say (read by hand from the files), and so what may be alarmed.
EXPECTED = {
	"1C61B4-XX230v": (-2.50, 1.73),  # 5624, 14880 x 0.1 uW
	"00259E-EG8145V5": (-3.0, 2.0),  # X_GponInterafceConfig -3, 2 (dBm)
	"eg8145x6-has-mesh": (-7.0, 2.0),  # -7, 2 (dBm)
	"9075BC-G%2D1425G%2DA": (-3.41, 2.36),  # X_ALU_OntOpticalParam "-3.409399", "2.360332"
	"1C61B4-EX220": (None, None),  # a router
	"9CA2F4-EC220": (None, None),  # a router
	"C0B101-ZXHN%20H199A": (None, None),  # a router (no PON interface in its export)
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_export_gets_a_false_optical_alarm(name):
	t = OpticalThresholds()
	s = summarize(csv_doc(name), now=NOW, thresholds=t)
	rx, tx = EXPECTED[name]
	assert (s.optical.rx_dbm, s.optical.tx_dbm) == (rx, tx)
	assert 0.0 not in (s.optical.rx_dbm, s.optical.tx_dbm)  # a placeholder is never 0 dBm
	if rx is None:
		assert s.optical.status == "unknown" and s.optical.reasons == [NO_READING]
		return
	# every alarm is one the reading itself supports
	allowed = set()
	if rx > t.rx_max:
		allowed.add("Receive power too strong (overload)")
	if rx < t.rx_warning:
		allowed |= {"Receive power low", "Receive power too weak"}
	if not (t.tx_min <= tx <= t.tx_max):
		allowed.add("Transmit power out of range")
	assert set(s.optical.reasons) <= allowed, s.optical.reasons
	assert s.optical.status == ("critical" if allowed else "ok")


def test_all_exports_are_covered():
	import glob
	import os

	from tests.network.acs.conftest import DEVICES_DIR

	files = {os.path.basename(p) for p in glob.glob(os.path.join(DEVICES_DIR, "*.csv"))}
	assert len(files) == len(EXPECTED)
	for name in EXPECTED:
		assert any(f.startswith(f"device-{name}") for f in files), name


def test_an_unknown_model_has_no_optical_reading_not_an_alarm():
	doc = {"_id": "X", "InternetGatewayDevice": {"WANDevice": {"1": {"X_ACME_Pon": {"Rx": {"_value": -40}}}}}}
	o = optical_status(doc)
	assert (o.status, o.reasons, o.rx_dbm) == ("unknown", [NO_READING], None)


def test_placeholder_zero_and_empty_values_are_no_reading():
	doc = csv_doc(XX230V_FILE)
	cfg = doc["Device"]["Optical"]["Interface"]["1"]["X_TP_GPON_Config"]
	cfg["RXPower"]["_value"] = 0
	cfg["TXPower"]["_value"] = ""
	o = optical_status(doc)  # the standard fields are 0 too: nothing left to read
	assert (o.rx_dbm, o.tx_dbm, o.status) == (None, None, "unknown")
	assert o.reasons == [NO_READING]


def test_manufacturer_rows_first_and_shared_oem_paths():
	doc = csv_doc("00259E-EG8145V5")
	assert optical_status(doc).source == "Huawei"
	intelbras = copy.deepcopy(doc)
	intelbras["_deviceId"]["_Manufacturer"] = "Intelbras"
	intelbras["InternetGatewayDevice"]["DeviceInfo"]["Manufacturer"]["_value"] = "Intelbras"
	assert optical_status(intelbras).source == "Intelbras"


def test_zte_tenths_of_microwatt_and_a_negative_value_is_not_misread():
	path = {"X_ZTE-COM_WANPONInterfaceConfig": {"RXPower": {"_value": 125}, "TXPower": {"_value": 19953}}}
	doc = {
		"_id": "Z",
		"_deviceId": {"_Manufacturer": "ZTE"},
		"InternetGatewayDevice": {"WANDevice": {"1": path}},
	}
	o = optical_status(doc)
	assert (o.source, o.rx_dbm, o.tx_dbm, o.status) == ("ZTE", -19.03, 3.0, "ok")
	path["X_ZTE-COM_WANPONInterfaceConfig"]["RXPower"]["_value"] = -19  # a dBm firmware (F670L v9)
	path["X_ZTE-COM_WANPONInterfaceConfig"]["TXPower"]["_value"] = -3
	assert optical_status(doc).rx_dbm is None


def test_a_reading_of_unconfirmed_unit_is_shown_but_not_alarmed():
	doc = {
		"_id": "Y",
		"_deviceId": {"_Manufacturer": "Zyxel"},
		"InternetGatewayDevice": {
			"X_ZYXEL_EXT": {
				"Gpon_Info": {"RxPowerSignal": {"_value": "-31.2 dBm"}, "TxPowerSignal": {"_value": "9"}}
			}
		},
	}
	o = optical_status(doc)
	assert (o.source, o.rx_dbm, o.tx_dbm) == ("Zyxel", -31.2, 9.0)
	assert o.status == "unknown" and o.reasons == [UNIT_NOT_CONFIRMED]


def test_every_row_reads_a_document_built_from_its_own_paths():
	"""Each row, fed a plausible value in its own unit at its own paths, gives that level back."""
	raw = {"dBm": -18.5, "0.001dBm": -18500, "0.1uW": 141, "uW": 14.1}
	for src in OPTICAL_SOURCES:
		doc = {"_id": "T", "_deviceId": {"_Manufacturer": (src.manufacturers or ("?",))[0]}}
		node = doc
		for part in src.rx.replace("{i}", "1").split("."):
			node = node.setdefault(part, {})
		node["_value"] = raw[src.power_unit]
		o = optical_status(doc)
		assert o.rx_dbm is not None and abs(o.rx_dbm + 18.5) < 0.05, (src.vendor, src.rx, o.rx_dbm)
