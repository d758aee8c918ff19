"""Typed errors of the framework-free core.

The core never imports frappe, yet every message a person reads must be translatable.
A core error therefore carries an untranslated message template (marked with `_` so that
Frappe's string extractor finds it) and its named parameters; the shell translates the
template with `frappe._` and formats it (see `gigafibre_fsm.setup.translate_error`).
"""


def _(message: str) -> str:
	"""Mark `message` for translation without translating it (the shell does that)."""
	return message


class GigafibreError(Exception):
	"""A rule of the trade was broken. `message` is a template with `{named}` fields."""

	def __init__(self, message: str, **params):
		self.message = message
		self.params = params
		super().__init__(message.format(**params) if params else message)


class InvalidInput(GigafibreError):
	"""Input that can never be valid: a malformed MAC, an RRULE that does not parse."""


class IllegalTransition(GigafibreError):
	"""A status change that the lifecycle does not allow."""


class Conflict(GigafibreError):
	"""Two changes raced and this one lost (a job already taken, a stale version)."""


class ExternalServiceError(GigafibreError):
	"""An outside system (ACS, OLT, Twilio, Stripe, a modem) failed or timed out."""


class DeviceMismatch(ExternalServiceError):
	"""A device answered as something other than it is configured to be (another vendor's OLT)."""


class ImplausibleAnswer(ExternalServiceError):
	"""A device answered with data too implausible to act on (an OLT suddenly without ONUs)."""
