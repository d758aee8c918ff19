"""Modem bridge: reads ONT web GUIs whose API is encrypted by their own JavaScript (TP-Link XX230v)
by driving the page in headless Chromium with Playwright. Read-only, private addresses only."""

from .address import check_management_address, modem_base_url
from .bridge import ModemBridge, SessionInfo
from .errors import BridgeBusy, ModemLoginRefused, ModemTimeout, SessionNotOpen
from .jobs import OPERATIONS, run_bridge_operation, shutdown_persistent_bridges
from .memory import MemoryUsage
from .readings import (
	ModemStatus,
	OpticalStatus,
	WanConnection,
	WifiRadio,
	check_read,
	normalise_status,
	redact,
)
from .settings import DEFAULT_CHROMIUM_ARGS, READABLE_OIDS, XX230V_PROFILE, BridgeSettings, GuiProfile
