import os
import socket
from datetime import datetime, timezone

import pytest

from gigafibre_fsm.network.acs import NbiClient
from simulators.genieacs_nbi import NbiSimulator, generate_fleet

DEVICES_DIR = os.environ.get(
	"GIGAFIBRE_DEVICE_CSV_DIR",
	os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "shared", "bench-data", "devices"),
)
EX220 = "1C61B4-Device2-2226469000523"
EC220 = "9CA2F4-IGD-22282X5007025"
HUAWEI = "00259E-EG8145V5-48575443A94196A5"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc)


def _has_csvs():
	return os.path.isdir(DEVICES_DIR) and any(n.endswith(".csv") for n in os.listdir(DEVICES_DIR))


needs_csv = pytest.mark.skipif(not _has_csvs(), reason="bench-data/devices CSV exports not found")


@pytest.fixture
def sim():
	"""A fresh simulator per test: the three sample devices plus a small synthetic fleet."""
	s = NbiSimulator(clock=lambda: NOW)
	if _has_csvs():
		s.load_csv_dir(DEVICES_DIR)
	for doc in generate_fleet(40, seed=7, now=NOW, filler=20):
		s.add_device(doc)
	s.start()
	yield s
	s.stop()


@pytest.fixture
def client(sim):
	c = NbiClient(sim.base_url, timeout=(1, 2), retries=2, backoff=0.01, task_timeout=5)
	yield c
	c.close()


@pytest.fixture
def dead_url():
	"""A URL where nothing listens (a port just freed)."""
	s = socket.socket()
	s.bind(("127.0.0.1", 0))
	port = s.getsockname()[1]
	s.close()
	return f"http://127.0.0.1:{port}"
