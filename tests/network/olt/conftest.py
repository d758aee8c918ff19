import shutil
import tempfile

import pytest

from simulators.olt_snmp import SnmpSimAgent, generate_fleet, write_snmprec

# 2 cards x 4 PON ports x 16 ONUs: small enough for a fast suite, big enough for real tables.
SMALL = dict(onu_count=128, ports_per_card=4, onus_per_port=16)


@pytest.fixture(scope="session")
def fleets():
	huawei = generate_fleet("huawei_ma5800", seed=3, **SMALL)
	zte = generate_fleet("zte_c320", seed=3, **SMALL)
	return {
		"hw": huawei,
		"hw-after": huawei.with_down(pons={(0, 1, 2)}, cause=1),
		"zte": zte,
	}


@pytest.fixture(scope="session")
def agent(fleets):
	folder = tempfile.mkdtemp(prefix="olt-sim-")
	for community, olt in fleets.items():
		write_snmprec(olt, folder, community)
	with SnmpSimAgent(folder, "hw") as running:
		yield running
	shutil.rmtree(folder, ignore_errors=True)
