import pytest

from gigafibre_fsm.errors import InvalidInput
from gigafibre_fsm.geo import validate_coordinates
from gigafibre_fsm.subscribers import fibre_access


@pytest.mark.parametrize("raw", ["0/1/3", "0-1-3", " 0/01/3 "])
def test_pon_port_is_frame_slot_port(raw):
	assert fibre_access.normalise_pon_port(raw) == "0/1/3"


@pytest.mark.parametrize("raw", ["0/1", "a/b/c", "0/1/3/4", "port 3"])
def test_malformed_pon_port_is_refused(raw):
	with pytest.raises(InvalidInput):
		fibre_access.normalise_pon_port(raw)


def test_onu_id_bounds():
	fibre_access.validate_onu_id(0)
	fibre_access.validate_onu_id(255)
	for bad in (-1, 256, "7"):
		with pytest.raises(InvalidInput):
			fibre_access.validate_onu_id(bad)


def test_vlan_bounds_and_reserved_ids():
	fibre_access.validate_vlan("Internet VLAN", 0)  # unset
	fibre_access.validate_vlan("Internet VLAN", 4094)
	with pytest.raises(InvalidInput) as e:
		fibre_access.validate_vlan("Internet VLAN", 4095)
	assert e.value.params == {"label": "Internet VLAN", "value": 4095}


def test_ip_address_is_canonical():
	assert fibre_access.validate_ip_address("Management IP", " 10.5.2.115 ") == "10.5.2.115"
	assert fibre_access.validate_ip_address("Management IP", "fd00:0::1") == "fd00::1"
	with pytest.raises(InvalidInput):
		fibre_access.validate_ip_address("Management IP", "10.5.2.300")


def test_coordinates():
	assert validate_coordinates("45.5017", "-73.5673") == (45.5017, -73.5673)
	assert validate_coordinates(0, 0) is None
	with pytest.raises(InvalidInput):
		validate_coordinates(0, 0, required=True)
	with pytest.raises(InvalidInput):
		validate_coordinates(95, -73)
	with pytest.raises(InvalidInput):
		validate_coordinates(45, -190)
	with pytest.raises(InvalidInput):
		validate_coordinates("north", -73)
