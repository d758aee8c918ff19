import pytest

from gigafibre_fsm.errors import InvalidInput
from gigafibre_fsm.messaging.sms import last_digits, normalise_phone, try_normalise_phone


@pytest.mark.parametrize(
	"typed, e164",
	[
		("514 555-1234", "+15145551234"),
		("(450) 555 1234", "+14505551234"),
		("1-819-555-1234", "+18195551234"),
		("+1 (418) 555.1234", "+14185551234"),
		("  5145551234  ", "+15145551234"),
		("+33 1 42 68 53 00", "+33142685300"),
		("+15145551234", "+15145551234"),
	],
)
def test_numbers_as_staff_type_them_become_e164(typed, e164):
	assert normalise_phone(typed) == e164


def test_region_reads_numbers_without_country_code():
	assert normalise_phone("01 42 68 53 00", region="FR") == "+33142685300"


@pytest.mark.parametrize(
	"garbage", ["", "   ", None, 5145551234, "12345", "call me", "+1 111 111 1111", "5" * 200, "+999 1234"]
)
def test_garbage_is_invalid_input(garbage):
	with pytest.raises(InvalidInput) as raised:
		normalise_phone(garbage)
	assert "{" in raised.value.message or raised.value.message == "A phone number is required"
	assert try_normalise_phone(garbage) is None


def test_error_message_is_a_constant_template():
	with pytest.raises(InvalidInput) as raised:
		normalise_phone("call me")
	assert raised.value.message == "{number} is not a valid phone number"
	assert raised.value.params == {"number": "call me"}


def test_last_digits_for_the_coarse_database_filter():
	assert last_digits("+15145551234") == "1234"
	assert last_digits("+15145551234", 7) == "5551234"
