"""Turn the core's typed errors into translated Frappe errors.

The core raises `GigafibreError`s carrying an untranslated template and its parameters; the
shell translates the template in the user's language here, so that a controller only writes
`with translated_errors(): rule(...)`.
"""

from contextlib import contextmanager

import frappe
from frappe import _

from gigafibre_fsm.errors import Conflict, ExternalServiceError, GigafibreError, IllegalTransition


class ExternalServiceUnavailable(frappe.ValidationError):
	http_status_code = 502


def translate(error: GigafibreError) -> str:
	"""The error's message in the session's language, parameters translated where they can be."""
	return translate_message(error.message, error.params)


def translate_message(message: str, params: dict, names: dict | None = None) -> str:
	"""A core message template with its parameters, in the session's language; a parameter
	found in `names` (a technician's id → their name, say) is shown by its name."""
	names = names or {}
	shown = {k: names.get(v, _(v)) if isinstance(v, str) else v for k, v in params.items()}
	return _(message).format(**shown)


@contextmanager
def translated_errors():
	"""Run core rules; a broken rule becomes a translated `frappe.throw` and nothing is saved."""
	try:
		yield
	except IllegalTransition as e:
		frappe.throw(translate(e), title=_("Illegal Status Change"))
	except Conflict as e:
		frappe.throw(translate(e), exc=frappe.TimestampMismatchError, title=_("Conflict"))
	except ExternalServiceError as e:
		frappe.throw(translate(e), exc=ExternalServiceUnavailable, title=_("External Service Error"))
	except GigafibreError as e:
		frappe.throw(translate(e), title=_("Invalid Input"))
