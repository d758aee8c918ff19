"""What a decoded code's text says: serial, MAC, GPON serial, Wi-Fi name; never a password."""

import pytest

from gigafibre_fsm.subscribers.label_reading import (
	GPON_SERIAL,
	MAC,
	OTHER,
	SERIAL,
	WIFI_SSID,
	classify_text,
	classify_value,
	redact,
	split_fields,
)
from gigafibre_fsm.subscribers.label_reading.decoding import DecodedSymbol
from gigafibre_fsm.subscribers.label_reading.reading import merge_identities, proposed_equipment, read_symbols


def kinds(text, symbology="QRCode"):
	return [(i.kind, i.value) for i in classify_text(text, symbology)]


@pytest.mark.parametrize(
	"raw",
	["00:25:9e:a1:b2:c3", "00-25-9E-A1-B2-C3", "0025.9ea1.b2c3", "00 25 9E A1 B2 C3", "00259EA1B2C3"],
)
def test_every_common_mac_spelling_is_a_mac_in_the_stored_form(raw):
	identity = classify_value(raw, "Code128")
	assert (identity.kind, identity.value) == (MAC, "00:25:9E:A1:B2:C3")


def test_a_mac_with_separators_is_surer_than_twelve_bare_digits():
	spelled = classify_value("00:25:9E:A1:B2:C3", "Code128").confidence
	bare_hex = classify_value("00259EA1B2C3", "Code128").confidence
	bare_decimal = classify_value("002591112233", "Code128").confidence
	assert spelled > bare_hex > bare_decimal


@pytest.mark.parametrize(
	("raw", "printed"),
	[
		("48575443A94196A5", "HWTCA94196A5"),  # Huawei's barcode: the vendor id as hex
		("HWTCA94196A5", "HWTCA94196A5"),
		("alclfc265d6f", "ALCLFC265D6F"),
		("ZTEGC1234567", "ZTEGC1234567"),
	],
)
def test_gpon_serials_in_both_spellings_meet_in_the_printed_form(raw, printed):
	identity = classify_value(raw, "Code128")
	assert (identity.kind, identity.value) == (GPON_SERIAL, printed)


def test_an_unknown_gpon_vendor_is_read_with_less_confidence():
	assert (
		classify_value("QQQQ1234ABCD", "Code128").confidence
		< classify_value("HWTC1234ABCD", "Code128").confidence
	)


def test_a_plain_serial_and_a_short_code_that_may_be_a_model():
	serial = classify_value("22282X5007025", "Code128")
	model = classify_value("EG8145V5", "Code128")
	assert (serial.kind, serial.value) == (SERIAL, "22282X5007025")
	assert model.kind == SERIAL and model.confidence < serial.confidence


def test_a_retail_product_code_is_not_the_units_serial():
	assert classify_value("6935364089627", "EAN13").kind == OTHER


def test_a_key_decides_the_kind_but_the_value_must_have_its_shape():
	assert kinds("MAC:HWTCA94196A5") == [(OTHER, "HWTCA94196A5")]
	assert kinds("S/N: 2102311ABC") == [(SERIAL, "2102311ABC")]
	assert kinds("SN:48575443A94196A5") == [(GPON_SERIAL, "HWTCA94196A5")]


def test_a_qr_code_with_several_fields():
	assert kinds("SN:ZTEYH86LCN10105\nMAC:C0:B1:01:00:11:22\nMODEL:ZXHN H199A") == [
		(SERIAL, "ZTEYH86LCN10105"),
		(MAC, "C0:B1:01:00:11:22"),
		(OTHER, "ZXHN H199A"),
	]
	assert kinds("GPON SN=HWTCA94196A5;LAN MAC=00-25-9E-A1-B2-C3") == [
		(GPON_SERIAL, "HWTCA94196A5"),
		(MAC, "00:25:9E:A1:B2:C3"),
	]


def test_a_mac_with_colons_is_not_split_as_a_key():
	assert split_fields("00:25:9E:A1:B2:C3") == [(None, "00:25:9E:A1:B2:C3")]


def test_a_url_gives_its_query_fields_and_drops_the_password():
	text = "https://www.tp-link.com/app/?sn=22282X5007025&mac=9CA2F4001122&pwd=admin1234"
	assert kinds(text) == [(SERIAL, "22282X5007025"), (MAC, "9C:A2:F4:00:11:22")]
	assert "admin1234" not in redact(text)
	assert "sn=22282X5007025" in redact(text)


def test_a_url_without_a_query_gives_its_last_path_segment():
	assert kinds("https://qr.example.com/d/ALCLFC265D6F") == [(GPON_SERIAL, "ALCLFC265D6F")]


def test_a_wifi_code_gives_the_network_name_never_the_password():
	text = r"WIFI:S:Maison\;Tremblay;T:WPA;P:s3cr\;et\:pass;H:false;;"
	assert kinds(text) == [(WIFI_SSID, "Maison;Tremblay")]
	masked = redact(text)
	assert "s3cr" not in masked and "pass" not in masked
	assert masked.startswith(r"WIFI:S:Maison\;Tremblay;T:WPA;P:")


@pytest.mark.parametrize(
	"text",
	[
		"SN:22282X5007025;MAC:9CA2F4001122;Password:hunter22",
		"SN=22282X5007025|Wi-Fi Key=hunter22",
		"S/N: 22282X5007025\nMot de passe: hunter22",
		"SN:22282X5007025;WPA Key:hunter22;PIN:hunter22",
	],
)
def test_passwords_are_neither_returned_nor_shown(text):
	values = [i.value for i in classify_text(text, "QRCode")] + [i.raw for i in classify_text(text, "QRCode")]
	assert not any("hunter22" in v for v in values)
	assert "hunter22" not in redact(text)
	assert (SERIAL, "22282X5007025") in kinds(text)


def test_two_codes_agreeing_make_a_value_surer_and_the_base_mac_comes_first():
	symbols = [
		DecodedSymbol("Code128", "00259EA1B2C4", "as taken"),
		DecodedSymbol("QRCode", "SN:HWTCA94196A5;MAC:00259EA1B2C3;WAN MAC:00259EA1B2C4", "as taken"),
		DecodedSymbol("Code128", "48575443A94196A5", "as taken"),
	]
	reading = read_symbols(symbols)
	assert reading.serial_number == reading.gpon_serial == "HWTCA94196A5"
	assert reading.mac_address == "00:25:9E:A1:B2:C3"
	gpon = reading.best(GPON_SERIAL)
	assert gpon.confidence > 0.98 and gpon.symbologies == ("QRCode", "Code128")


def test_the_gpon_serial_is_what_equipment_stores_when_a_label_has_both():
	reading = read_symbols(
		[
			DecodedSymbol("Code128", "2150083878639ABC230C", "as taken"),
			DecodedSymbol("Code128", "48575443F3C41437", "as taken"),
		]
	)
	assert reading.serial == "2150083878639ABC230C"
	assert reading.serial_number == "HWTCF3C41437"


def test_the_longer_of_two_equally_sure_serials_comes_first():
	merged = merge_identities(
		classify_text("SN:ABC1234567", "QRCode") + classify_text("SN:ABC1234567890", "QRCode")
	)
	assert [i.value for i in merged] == ["ABC1234567890", "ABC1234567"]


def test_a_reading_as_a_dict_never_carries_the_password():
	reading = read_symbols([DecodedSymbol("QRCode", "WIFI:S:TP-Link_7025;T:WPA;P:87654321;;", "as taken")])
	assert "87654321" not in repr(reading.as_dict())
	assert reading.as_dict()["serial_number"] is None
	assert reading.confidence == 0.0


def test_a_label_with_a_gpon_serial_proposes_an_ont_of_its_vendor_in_stock():
	reading = read_symbols(
		[DecodedSymbol("QRCode", "GPON SN:ALCLFC265D6F;MAC:90-75-BC-01-02-03", "as taken")]
	)
	assert proposed_equipment(reading) == {
		"equipment_type": "ONT",
		"status": "En stock",
		"serial_number": "ALCLFC265D6F",
		"mac_address": "90:75:BC:01:02:03",
		"manufacturer": "Nokia",
	}


def test_a_label_without_a_serial_proposes_nothing():
	reading = read_symbols([DecodedSymbol("Code128", "9CA2F4001122", "as taken")])
	assert reading.mac_address and proposed_equipment(reading) is None
	router = proposed_equipment(read_symbols([DecodedSymbol("Code128", "22282X5007025", "as taken")]))
	assert router["equipment_type"] == "Router" and router["manufacturer"] is None


def test_the_status_proposed_is_one_service_equipment_has():
	import json
	from pathlib import Path

	import gigafibre_fsm

	path = (
		Path(gigafibre_fsm.__file__).parent / "subscribers/doctype/service_equipment/service_equipment.json"
	)
	fields = {f["fieldname"]: f for f in json.loads(path.read_text())["fields"]}
	assert "En stock" in fields["status"]["options"].split("\n")
	assert "ONT" in fields["equipment_type"]["options"].split("\n")
	assert "Router" in fields["equipment_type"]["options"].split("\n")
