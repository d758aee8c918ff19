"""Errors of the modem bridge (subclasses of the app's typed errors, so the shell maps them as usual)."""

from gigafibre_fsm.errors import Conflict, ExternalServiceError, InvalidInput


class ModemLoginRefused(InvalidInput):
	"""The modem refused the user name or password."""


class SessionNotOpen(Conflict):
	"""No live bridge session for that modem (never opened, closed or expired): log in again."""


class BridgeBusy(ExternalServiceError):
	"""The bridge is at its session or memory cap; retry later (a background job can retry)."""


class ModemTimeout(ExternalServiceError):
	"""The modem's page did not answer in time; the session was closed."""
