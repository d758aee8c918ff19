from datetime import datetime, timedelta, timezone

import pytest

from gigafibre_fsm.errors import Conflict, InvalidInput
from gigafibre_fsm.network.olt import (
	ADDED,
	CAME_UP,
	REMOVED,
	WENT_DOWN,
	OltSnapshot,
	OltTarget,
	OnuStatus,
	PreauthorisationRequest,
	SnmpV2cCredentials,
	UnregisteredOnu,
	diff_snapshots,
	get_layout,
	plan_preauthorisation,
	walk_olts_blocking,
)
from gigafibre_fsm.network.outages import IncidentExtended, IncidentOpened, OutageCorrelator, Topology

T0 = datetime(2025, 1, 10, 8, 0, tzinfo=timezone.utc)


def onu(n, state="online", port=0, serial=None, admin="enabled"):
	return OnuStatus(
		"OLT1", 0, 1, port, n, serial=serial or f"HWTC0000{n:04X}", oper_state=state, admin_state=admin
	)


def snap(at, *onus, unregistered=()):
	return OltSnapshot("OLT1", at, {o.id: o for o in onus}, list(unregistered))


def test_diff_reports_downs_ups_additions_and_removals_with_the_walk_time():
	before = snap(T0, onu(1), onu(2, "offline"), onu(3), onu(4))
	later = T0 + timedelta(minutes=5)
	after = snap(later, onu(1, "offline"), onu(2), onu(3, "unknown"), onu(5))
	changes = {(c.onu, c.kind) for c in diff_snapshots(before, after)}
	assert changes == {
		("OLT1/0/1/0:1", WENT_DOWN),
		("OLT1/0/1/0:2", CAME_UP),
		("OLT1/0/1/0:5", ADDED),
		("OLT1/0/1/0:4", REMOVED),
	}
	assert all(c.at == later for c in diff_snapshots(before, after))


def test_first_walk_reports_offline_onus_as_down():
	changes = diff_snapshots(None, snap(T0, onu(1), onu(2, "offline")))
	assert [(c.onu, c.kind) for c in changes] == [("OLT1/0/1/0:2", WENT_DOWN)]


def test_walks_before_and_after_a_cut_feed_one_pon_incident(agent):
	targets = [
		OltTarget("OLT1", agent.host, "huawei_ma5800", SnmpV2cCredentials(c), port=agent.port)
		for c in ("hw", "hw-after")
	]
	before, after = (r.snapshot for r in walk_olts_blocking(targets))
	changes = diff_snapshots(before, after)
	downs = [c for c in changes if c.kind == WENT_DOWN]
	assert downs and all(c.onu.startswith("OLT1/0/1/2:") for c in downs)
	assert all(c.cause == "LOS" for c in downs)
	served = {o: (f"LOC-{i}", f"CUST-{i}") for i, o in enumerate(sorted(before.onus))}
	decisions = OutageCorrelator(Topology.from_snapshots([before], served)).feed(changes)
	opened = [d for d in decisions if isinstance(d, IncidentOpened)]
	assert len(opened) == 1 and opened[0].scope == "pon" and opened[0].node == "OLT1/0/1/2"
	extended = [d for d in decisions if isinstance(d, IncidentExtended)]
	customers = set(opened[0].customers).union(*(d.customers for d in extended))
	assert len(customers) == len(downs)  # opened at the threshold, the rest extend it


HW = get_layout("huawei_ma5800")
NEW = "HWTC1234ABCD"


def request(**kw):
	base = dict(olt="OLT1", frame=0, slot=1, port=0, serial=NEW, vlans=(100, 200), description="LOC-00042")
	base.update(kw)
	return PreauthorisationRequest(**base)


def test_preauthorisation_takes_the_lowest_free_onu_id_on_the_port():
	s = snap(T0, onu(0), onu(1), onu(3), unregistered=[UnregisteredOnu("OLT1", 0, 1, 0, NEW, "HG8145V5")])
	plan = plan_preauthorisation(HW, s, request(serial=NEW.lower()))
	assert plan.onu_id == 2 and plan.serial == NEW
	assert "interface gpon 0/1" in plan.cli
	assert any(line.startswith(f'ont add 0 2 sn-auth "{NEW}"') for line in plan.cli)
	assert sum("service-port vlan" in line for line in plan.cli) == 2
	assert plan.notes


def test_preauthorisation_refuses_what_the_olt_contradicts():
	found_elsewhere = snap(T0, onu(0), unregistered=[UnregisteredOnu("OLT1", 0, 1, 3, NEW)])
	with pytest.raises(InvalidInput) as err:
		plan_preauthorisation(HW, found_elsewhere, request())
	assert err.value.params["found"] == "OLT1/0/1/3"
	with pytest.raises(InvalidInput):
		plan_preauthorisation(HW, snap(T0, onu(0)), request())
	assert plan_preauthorisation(HW, snap(T0, onu(0)), request(), require_discovered=False).onu_id == 1
	with pytest.raises(Conflict):
		plan_preauthorisation(HW, snap(T0, onu(0, serial=NEW)), request(), require_discovered=False)
	with pytest.raises(Conflict):
		plan_preauthorisation(HW, snap(T0, onu(0)), request(onu_id=0), require_discovered=False)
	full = snap(T0, *(onu(n) for n in range(128)))
	with pytest.raises(Conflict):
		plan_preauthorisation(HW, full, request(), require_discovered=False)


@pytest.mark.parametrize(
	"bad",
	[
		dict(vlans=()),
		dict(vlans=(0,)),
		dict(vlans=(5000,)),
		dict(description='x"\nreboot'),
		dict(serial="nope"),
	],
)
def test_preauthorisation_refuses_input_that_could_not_go_into_a_cli_line(bad):
	with pytest.raises(InvalidInput):
		plan_preauthorisation(HW, snap(T0), request(**bad), require_discovered=False)


def test_zte_plan_uses_its_own_dialect():
	zte = get_layout("zte_c320")
	s = OltSnapshot("OLT2", T0, {}, [UnregisteredOnu("OLT2", 1, 1, 3, "ZTEGC0FFEE01", "F670L")])
	plan = plan_preauthorisation(zte, s, request(olt="OLT2", frame=1, slot=1, port=3, serial="ZTEGC0FFEE01"))
	assert plan.onu_id == 1
	assert "interface gpon-olt_1/1/3" in plan.cli
	assert "onu 1 type ZTE-F660 sn ZTEGC0FFEE01" in plan.cli
	assert "service-port 2 vport 2 user-vlan 200 vlan 200" in plan.cli
