"""Network Settings (a Single) turned into the cores' settings objects."""

import frappe

from gigafibre_fsm.network.acs import BackoffPolicy, NbiClient, OpticalThresholds
from gigafibre_fsm.network.modem_bridge import BridgeSettings
from gigafibre_fsm.network.outages import OutagePolicy

SETTINGS = "Network Settings"
DEFAULT_ONLINE_MINUTES = 15
BACKOFF = BackoffPolicy()


def network_settings():
	return frappe.get_cached_doc(SETTINGS)


def _password(settings, fieldname: str) -> str | None:
	if not settings.get(fieldname):
		return None
	return settings.get_password(fieldname, raise_exception=False)


def nbi_client(settings=None) -> NbiClient:
	"""A GenieACS NBI client from the settings; a translated error when no URL is set."""
	settings = settings or network_settings()
	if not settings.acs_url:
		frappe.throw(
			frappe._("Set the ACS NBI URL in Network Settings first"), title=frappe._("ACS Not Configured")
		)
	auth = None
	if settings.acs_username:
		auth = (settings.acs_username, _password(settings, "acs_password") or "")
	return NbiClient(
		settings.acs_url,
		timeout=(float(settings.acs_connect_timeout or 3), float(settings.acs_read_timeout or 15)),
		retries=int(settings.acs_retries or 0),
		auth=auth,
	)


def optical_thresholds(settings=None) -> OpticalThresholds:
	settings = settings or network_settings()
	defaults = OpticalThresholds()
	return OpticalThresholds(
		rx_warning=_float(settings.rx_warning_dbm, defaults.rx_warning),
		rx_critical=_float(settings.rx_critical_dbm, defaults.rx_critical),
		rx_max=_float(settings.rx_max_dbm, defaults.rx_max),
	)


def online_minutes(settings=None) -> int:
	settings = settings or network_settings()
	return int(settings.online_window_minutes or DEFAULT_ONLINE_MINUTES)


def outage_policy(settings=None) -> OutagePolicy:
	"""The correlator's thresholds; raises the core's InvalidInput for unusable values."""
	settings = settings or network_settings()
	defaults = OutagePolicy()
	return OutagePolicy(
		window_s=_float(settings.outage_window_seconds, defaults.window_s),
		min_onus=int(settings.outage_min_onus or defaults.min_onus),
		min_fraction=_float(settings.outage_min_fraction, defaults.min_fraction),
		flap_count=int(settings.flap_count or defaults.flap_count),
		flap_window_s=_float(settings.flap_window_seconds, defaults.flap_window_s),
		resolve_fraction=_float(settings.resolve_fraction, defaults.resolve_fraction),
	)


def bridge_settings(settings=None) -> BridgeSettings:
	settings = settings or network_settings()
	return BridgeSettings(
		executable_path=settings.chromium_path or "/usr/bin/chromium",
		scheme=settings.modem_scheme or "https",
		port=int(settings.modem_port) if settings.get("modem_port") else None,
		allow_loopback=bool(settings.modem_allow_loopback),
		max_sessions=int(settings.modem_max_sessions or 4),
		session_ttl_s=float(settings.modem_session_ttl or 300),
	)


def modem_credentials(settings=None) -> tuple[str | None, str | None]:
	settings = settings or network_settings()
	return settings.modem_username, _password(settings, "modem_password")


def kuma_secret(settings=None) -> str | None:
	return _password(settings or network_settings(), "kuma_secret")


def _float(value, default: float) -> float:
	# an empty Float field reads 0, which no threshold or window here means
	return float(value) if value else default


def oktopus_client(settings=None):
	"""The TR-369/USP controller client; a translated error when no controller is set."""
	from gigafibre_fsm.network.usp import OktopusClient

	settings = settings or network_settings()
	if not settings.get("oktopus_url"):
		frappe.throw(
			frappe._("Set the Oktopus URL in Network Settings first"), title=frappe._("USP Not Configured")
		)
	return OktopusClient(
		settings.oktopus_url, settings.get("oktopus_username"), _password(settings, "oktopus_password")
	)
