"""A simulated OLT for tests and benchmarks: generated recordings served by snmpsim on 127.0.0.1."""

from .agent import SilentUdpPeer, SnmpSimAgent, free_udp_port
from .recording import SimOlt, SimOnu, SimUnregistered, generate_fleet, write_snmprec

__all__ = [
	"SilentUdpPeer",
	"SimOlt",
	"SimOnu",
	"SimUnregistered",
	"SnmpSimAgent",
	"free_udp_port",
	"generate_fleet",
	"write_snmprec",
]
