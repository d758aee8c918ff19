"""Simulated TP-Link XX230v-style ONT web GUI with JavaScript-encrypted JSON API (tier-1 peer)."""

from .server import (
	ACT_GET,
	ACT_GL,
	ACT_SET,
	ModemGuiSimulator,
	SimulatorStats,
	default_data_model,
	shared_test_key,
	start_fleet,
	stop_fleet,
)
