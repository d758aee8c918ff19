import glob
import os
import socket
from datetime import datetime, timezone

import pytest

from gigafibre_fsm.network.acs import NbiClient
from simulators.genieacs_nbi import NbiSimulator, generate_fleet, load_device_csv

# Real GenieACS exports copied into the repository (origins and licence: tests/data/SOURCES.md)
DEVICES_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "data", "devices")
EX220 = "1C61B4-Device2-2226469000523"
EC220 = "9CA2F4-IGD-22282X5007025"
HUAWEI = "00259E-EG8145V5-48575443A94196A5"
XX230V = "1C61B4-Device2-22275A7000395"
HUAWEI_MESH = "00259E-EG8145X6-48575443A97D7DAA"
NOKIA = "9075BC-G%2D1425G%2DA-ALCLFC265D6F"
ZTE = "C0B101-ZXHN%20H199A-ZTEYH86LCN10105"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc)


def csv_path(name: str) -> str:
	"""The export whose file name starts with device-<name>."""
	(path,) = glob.glob(os.path.join(DEVICES_DIR, f"device-{glob.escape(name)}*.csv"))
	return path


def csv_doc(name: str) -> dict:
	return load_device_csv(csv_path(name))


@pytest.fixture
def sim():
	"""A fresh simulator per test: the real exports plus a small synthetic fleet."""
	s = NbiSimulator(clock=lambda: NOW)
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
