from decimal import Decimal

import pytest

from gigafibre_fsm.billing.money import check_currency, from_cents, to_cents
from gigafibre_fsm.errors import InvalidInput


@pytest.mark.parametrize(
	"amount, cents",
	[(19.99, 1999), (0.1 + 0.2, 30), ("57.49", 5749), (Decimal("100"), 10000), (1, 100), (1150.0, 115000)],
)
def test_amounts_become_integer_cents(amount, cents):
	assert to_cents(amount) == cents
	assert isinstance(to_cents(amount), int)


@pytest.mark.parametrize("amount", ["1.005", 12.345, "abc", "NaN", None])
def test_fractions_of_a_cent_and_garbage_are_refused(amount):
	with pytest.raises(InvalidInput):
		to_cents(amount)


def test_cents_back_to_decimal_exactly():
	assert from_cents(1999) == Decimal("19.99")
	assert to_cents(from_cents(123456789)) == 123456789
	with pytest.raises(InvalidInput):
		from_cents(19.99)


def test_currency_is_checked():
	assert check_currency("cad") == "CAD"
	assert check_currency("CAD", "cad") == "CAD"
	with pytest.raises(InvalidInput):
		check_currency("USD", "CAD")
	with pytest.raises(InvalidInput):
		check_currency("XYZ")
	with pytest.raises(InvalidInput):
		to_cents(10, "JPY")
