"""Phone numbers as Twilio and the conversation list need them: E.164, one spelling per line.

Staff type numbers the way Québec writes them ("514 555-1234", "(450) 555 1234 poste 2",
"1-819-555-1234"); Twilio wants E.164 ("+15145551234") and a conversation is keyed by it, so
every number is normalised once, here, with libphonenumber (the `phonenumbers` package).
"""

import phonenumbers

from gigafibre_fsm.errors import InvalidInput, _

DEFAULT_REGION = "CA"
MAX_INPUT_LENGTH = 64  # longer input is not a phone number; keeps the parser off huge strings


def normalise_phone(number, region: str = DEFAULT_REGION) -> str:
	"""`number` in E.164 (e.g. "+15145551234"); numbers without a country code are read in `region`.

	Raises InvalidInput when `number` is empty, not text, or not a valid phone number.
	"""
	if not isinstance(number, str) or not number.strip():
		raise InvalidInput(_("A phone number is required"))
	text = number.strip()
	if len(text) > MAX_INPUT_LENGTH:
		raise InvalidInput(_("{number} is not a valid phone number"), number=text[:MAX_INPUT_LENGTH] + "…")
	try:
		parsed = phonenumbers.parse(text, region)
	except phonenumbers.NumberParseException:
		raise InvalidInput(_("{number} is not a valid phone number"), number=text) from None
	if not phonenumbers.is_valid_number(parsed):
		raise InvalidInput(_("{number} is not a valid phone number"), number=text)
	return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def try_normalise_phone(number, region: str = DEFAULT_REGION) -> str | None:
	"""Like `normalise_phone`, but None instead of an error (for numbers stored by hand in
	Contacts and Customers, some of which are not phone numbers at all)."""
	try:
		return normalise_phone(number, region)
	except InvalidInput:
		return None


def last_digits(e164: str, count: int = 4) -> str:
	"""The last `count` digits: a coarse database filter (LIKE '%1234') before normalising the
	candidates in Python, since stored numbers carry spaces, dashes and brackets."""
	digits = "".join(c for c in e164 if c.isdigit())
	return digits[-count:]
