"""Money as integer cents, from ERPNext's decimal amounts to Stripe's integers and back.

ERPNext stores currency fields as decimals (read back as Python floats); Stripe takes amounts
in the currency's smallest unit as integers (https://docs.stripe.com/currencies#zero-decimal).
Every amount crosses that border here, once, and a value that is not a whole number of cents
is refused rather than rounded: a rounding error on a card charge is a real loss.
"""

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from gigafibre_fsm.errors import InvalidInput, _

# Currencies the operator bills in, with their minor units (CAD and USD: cents).
MINOR_UNITS = {"CAD": 2, "USD": 2}


def to_cents(amount, currency: str = "CAD") -> int:
	"""`amount` (a Decimal, an int, a numeric string, or ERPNext's float) as integer cents.

	A float is read through its shortest repr (12.3 → "12.3"), never through its binary
	expansion. Raises InvalidInput when the amount has more decimals than the currency."""
	check_currency(currency)
	try:
		value = Decimal(repr(amount)) if isinstance(amount, float) else Decimal(str(amount))
	except (InvalidOperation, ValueError):
		raise InvalidInput(_("{amount} is not an amount of money"), amount=amount)
	if not value.is_finite():
		raise InvalidInput(_("{amount} is not an amount of money"), amount=amount)
	scaled = value.scaleb(MINOR_UNITS[currency.upper()])
	if scaled != scaled.to_integral_value():
		# ERPNext rounds currency fields to the currency's precision; more digits than that is a
		# float artefact (0.1 + 0.2) only if it is within a millionth of a cent
		rounded = scaled.quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
		if abs(scaled - rounded) > Decimal("0.000001"):
			raise InvalidInput(_("{amount} is not a whole number of cents"), amount=amount)
		scaled = rounded
	return int(scaled)


def from_cents(cents: int, currency: str = "CAD") -> Decimal:
	"""Integer cents as the Decimal amount ERPNext stores (1999 → Decimal("19.99"))."""
	check_currency(currency)
	if not isinstance(cents, int) or isinstance(cents, bool):
		raise InvalidInput(_("{amount} is not a whole number of cents"), amount=cents)
	return Decimal(cents).scaleb(-MINOR_UNITS[currency.upper()])


def check_currency(currency: str, expected: str | None = None) -> str:
	"""The currency code in upper case, if it is one the operator bills in (and `expected`, when
	given: an amount in another currency is never recorded against an invoice)."""
	code = (currency or "").upper()
	if code not in MINOR_UNITS:
		raise InvalidInput(_("The currency {currency} is not supported"), currency=currency)
	if expected and code != expected.upper():
		raise InvalidInput(
			_("The amount is in {currency} but the invoice is in {expected}"),
			currency=code,
			expected=expected,
		)
	return code
