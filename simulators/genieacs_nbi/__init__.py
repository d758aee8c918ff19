"""GenieACS NBI simulator (tier-1 peer for the ACS adapter) and a fleet generator."""

from simulators.genieacs_nbi.device_csv import load_device_csv
from simulators.genieacs_nbi.fleet import generate_fleet
from simulators.genieacs_nbi.server import NbiSimulator

__all__ = ["NbiSimulator", "generate_fleet", "load_device_csv"]
