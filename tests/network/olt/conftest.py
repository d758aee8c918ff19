import shutil
import tempfile
from dataclasses import replace

import pytest

from simulators.olt_snmp import SnmpSimAgent, generate_fleet, write_snmprec

# 2 cards x 4 PON ports x 16 ONUs: small enough for a fast suite, big enough for real tables.
SMALL = dict(onu_count=128, ports_per_card=4, onus_per_port=16)

# community -> the layout whose recording it serves
LAYOUT_OF = {"hw": "huawei_ma5800", "zte": "zte_c320", "vsol": "vsol_v1600g", "cdata": "cdata_gpon"}


@pytest.fixture(scope="session")
def fleets():
	sims = {community: generate_fleet(layout, seed=3, **SMALL) for community, layout in LAYOUT_OF.items()}
	huawei = sims["hw"]
	return {
		**sims,
		"hw-after": huawei.with_down(pons={(0, 1, 2)}, cause=1),
		# the same Huawei OLT answering with an empty ONU tree
		"hw-empty": huawei.emptied(),
		# an agent that leaves sysObjectID out, but whose sysDescr still says what it is
		"hw-no-oid": replace(huawei, sys_object_id=""),
		# a plain net-snmp host (NET-SNMP-TC's linux agent OID) answering on the OLT's address
		"linux": replace(huawei, sys_object_id="1.3.6.1.4.1.8072.3.2.10", sys_descr="Linux olt-lab 6.1.0"),
	}


@pytest.fixture(scope="session")
def agent(fleets):
	folder = tempfile.mkdtemp(prefix="olt-sim-")
	for community, olt in fleets.items():
		write_snmprec(olt, folder, community)
	with SnmpSimAgent(folder, "hw") as running:
		yield running
	shutil.rmtree(folder, ignore_errors=True)
