import pytest

from gigafibre_fsm.errors import InvalidInput
from gigafibre_fsm.network.modem_bridge import check_management_address, modem_base_url


@pytest.mark.parametrize(
	"address, expected",
	[
		("10.5.2.115", "10.5.2.115"),
		("172.16.0.1", "172.16.0.1"),
		("172.31.255.254", "172.31.255.254"),
		("192.168.0.1", "192.168.0.1"),
		("100.64.12.34", "100.64.12.34"),  # RFC 6598, CPE management
		("fd12:3456:789a::1", "fd12:3456:789a::1"),
		("FD00:0:0:0:0:0:0:1", "fd00::1"),
		("::ffff:10.1.2.3", "10.1.2.3"),  # IPv4-mapped, judged as IPv4
	],
)
def test_private_management_addresses_are_accepted(address, expected):
	assert check_management_address(address) == expected


@pytest.mark.parametrize(
	"address, words",
	[
		("8.8.8.8", "not in a private management range"),
		("172.32.0.1", "not in a private management range"),
		("2001:4860:4860::8888", "not in a private management range"),
		("::ffff:8.8.8.8", "not in a private management range"),
		("127.0.0.1", "loopback"),
		("::1", "loopback"),
		("169.254.1.1", "not a unicast"),
		("fe80::1", "not a unicast"),
		("224.0.0.1", "not a unicast"),
		("0.0.0.0", "not a unicast"),
		("255.255.255.255", "not a unicast"),
		("240.0.0.1", "not a unicast"),
		("fe80::1%eth0", "zone id"),
		("modem.local", "not a valid IP address"),
		("192.168.0.1:8080", "not a valid IP address"),
		("[fd00::1]", "not a valid IP address"),
		("010.0.0.1", "not a valid IP address"),  # leading zeros are ambiguous (octal)
		(" 10.0.0.1", "not a valid IP address"),
		("10.0.0.1/8", "not a valid IP address"),
		("", "not a valid IP address"),
		(None, "not a valid IP address"),
		(167772161, "not a valid IP address"),  # an int is not an address string
		("http://10.0.0.1/", "not a valid IP address"),
	],
)
def test_public_malformed_and_special_addresses_are_refused(address, words):
	with pytest.raises(InvalidInput) as err:
		check_management_address(address)
	assert words in str(err.value)
	assert "{" not in err.value.message or err.value.params  # a template with its parameters


def test_loopback_only_when_allowed_and_shared_space_can_be_refused():
	assert check_management_address("127.0.0.3", allow_loopback=True) == "127.0.0.3"
	with pytest.raises(InvalidInput):
		check_management_address("100.64.0.1", allow_shared_address_space=False)


def test_long_garbage_is_not_echoed_whole():
	with pytest.raises(InvalidInput) as err:
		check_management_address("x" * 5000)
	assert len(str(err.value)) < 200


def test_base_url_brackets_ipv6():
	assert modem_base_url("fd00::1", "https") == "https://[fd00::1]"
	assert modem_base_url("10.0.0.1", "http", 8080) == "http://10.0.0.1:8080"
