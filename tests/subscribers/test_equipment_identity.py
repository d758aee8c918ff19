import pytest

from gigafibre_fsm.errors import InvalidInput
from gigafibre_fsm.subscribers.equipment_identity import normalise_mac, normalise_serial


@pytest.mark.parametrize(
	"raw",
	["aa:bb:cc:dd:ee:0f", "AA-BB-CC-DD-EE-0F", "aabb.ccdd.ee0f", "AABBCCDDEE0F", " aa bb cc dd ee 0f "],
)
def test_every_vendor_notation_of_a_mac_meets_in_one_form(raw):
	assert normalise_mac(raw) == "AA:BB:CC:DD:EE:0F"


@pytest.mark.parametrize("raw", ["AA:BB:CC:DD:EE", "GG:BB:CC:DD:EE:FF", "AABBCCDDEEFF00", "not a mac"])
def test_malformed_mac_is_refused_with_the_value_in_the_message(raw):
	with pytest.raises(InvalidInput) as e:
		normalise_mac(raw)
	assert e.value.params["value"] == raw
	assert "MAC" in e.value.message


@pytest.mark.parametrize("raw", ["00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff"])
def test_zero_and_broadcast_macs_are_not_devices(raw):
	with pytest.raises(InvalidInput):
		normalise_mac(raw)


def test_empty_mac_is_none():
	assert normalise_mac("") is None
	assert normalise_mac(None) is None


def test_serial_is_upper_case_without_spaces():
	assert normalise_serial(" 22282x 5007025 ") == "22282X5007025"


def test_gpon_serial_in_hex_meets_its_printed_form():
	# 48575443 is "HWTC", Huawei's GPON vendor id, as the EG8145V5 reports it
	assert normalise_serial("48575443A94196A5") == normalise_serial("hwtcA94196A5") == "HWTCA94196A5"


def test_sixteen_hex_digits_that_are_no_vendor_id_stay_as_they_are():
	assert normalise_serial("0000000012345678") == "0000000012345678"


@pytest.mark.parametrize("raw", ["", "  ", "AB", "SN#123", "x" * 65])
def test_malformed_serial_is_refused(raw):
	with pytest.raises(InvalidInput):
		normalise_serial(raw)
