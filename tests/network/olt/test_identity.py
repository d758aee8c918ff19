"""An OLT is identified (sysObjectID, sysDescr) before it is walked; another vendor's OLT is
refused with a clear error and nothing is walked; an OLT that suddenly answers with no ONUs is
an anomaly, never a mass removal."""

import csv
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from gigafibre_fsm.errors import DeviceMismatch, ImplausibleAnswer
from gigafibre_fsm.network.olt import (
	AUTO,
	LAYOUTS,
	REMOVED,
	OltSnapshot,
	OltTarget,
	OnuStatus,
	PreauthorisationRequest,
	SnmpV2cCredentials,
	SystemIdentity,
	diff_snapshots,
	get_layout,
	identify,
	layout_matches,
	plan_preauthorisation,
	resolve_layout,
	walk_olts_blocking,
)
from gigafibre_fsm.network.olt.identity import ENTERPRISES
from gigafibre_fsm.network.olt.layouts.base import decode_dbm_text, oid

from .conftest import LAYOUT_OF

CAPTURES = Path(__file__).parents[2] / "data" / "olt" / "system_identities.csv"
T0 = datetime(2025, 1, 10, 8, 0, tzinfo=timezone.utc)


def captured():
	with CAPTURES.open(newline="", encoding="utf-8") as f:
		for row in csv.DictReader(f):
			identity = SystemIdentity(
				oid(row["sys_object_id"]) if row["sys_object_id"] else None, row["sys_descr"]
			)
			yield pytest.param(identity, row["layout"] or None, id=row["source"].rsplit("/", 1)[-1])


def target(agent, community, layout, name=None):
	return OltTarget(
		name or f"OLT-{community}", agent.host, layout, SnmpV2cCredentials(community), port=agent.port
	)


# The decision, on what real agents answered ---------------------------------------------------


@pytest.mark.parametrize(("identity", "expected"), list(captured()))
def test_real_agents_are_recognised_by_their_own_layout_only(identity, expected):
	assert [layout.key for layout in identify(identity)] == ([expected] if expected else [])
	for key in LAYOUTS:
		if key == expected:
			assert resolve_layout(key, identity, "OLT-X").key == key
			continue
		with pytest.raises(DeviceMismatch) as refused:
			resolve_layout(key, identity, "OLT-X")
		message = str(refused.value)
		assert "OLT-X" in message and get_layout(key).vendor in message
		if expected:  # it names what the OLT answers as
			assert get_layout(expected).vendor in message
	if expected:
		assert resolve_layout(AUTO, identity, "OLT-X").key == expected
	else:
		with pytest.raises(DeviceMismatch):
			resolve_layout(AUTO, identity, "OLT-X")


def test_each_layout_claims_its_vendors_iana_numbers_and_no_other_layouts():
	claimed = {}
	for layout in LAYOUTS.values():
		assert layout.enterprises, layout.key
		for pen in layout.enterprises:
			assert claimed.setdefault(pen, layout.key) == layout.key
	assert claimed[2011] == "huawei_ma5800" and claimed[3902] == "zte_c320"
	assert claimed[37950] == "vsol_v1600g" and claimed[34592] == "cdata_gpon"


def test_an_unknown_enterprise_falls_back_on_sysdescr_and_nothing_recognisable_is_refused():
	oem = SystemIdentity((*ENTERPRISES, 99999, 1), "Huawei Integrated Access Software")
	assert layout_matches(get_layout("huawei_ma5800"), oem)
	nothing = SystemIdentity(None, None)
	assert identify(nothing) == []
	with pytest.raises(DeviceMismatch):
		resolve_layout("huawei_ma5800", nothing, "OLT-X")
	# a known vendor's number wins over a sysDescr that claims otherwise
	zte_named_huawei = SystemIdentity((*ENTERPRISES, 3902, 1), "Huawei Integrated Access Software")
	assert [layout.key for layout in identify(zte_named_huawei)] == ["zte_c320"]


# The adapter against snmpsim --------------------------------------------------------------------


def test_a_huawei_layout_pointed_at_a_zte_olt_is_refused_before_any_walk(agent):
	(result,) = walk_olts_blocking([target(agent, "zte", "huawei_ma5800", name="OLT-SWAPPED")])
	assert not result.ok and result.snapshot is None and result.layout_key is None
	assert isinstance(result.error, DeviceMismatch)
	assert result.error.params["olt"] == "OLT-SWAPPED"
	assert result.error.params["expected"].startswith("Huawei")
	assert result.error.params["found"].startswith("ZTE")
	assert "3902" in result.error.params["identity"]


@pytest.mark.parametrize(("community", "layout"), sorted(LAYOUT_OF.items()))
def test_every_other_layout_refuses_each_vendors_recording(agent, community, layout):
	wrong = [key for key in LAYOUTS if key != layout]
	results = walk_olts_blocking([target(agent, community, key) for key in wrong])
	assert all(isinstance(r.error, DeviceMismatch) and r.snapshot is None for r in results)


@pytest.mark.parametrize(("community", "layout"), sorted(LAYOUT_OF.items()))
def test_auto_walks_with_the_identified_layout(agent, fleets, community, layout):
	(result,) = walk_olts_blocking([target(agent, community, AUTO)])
	assert result.ok, result.error
	assert result.layout_key == layout
	assert len(result.snapshot.onus) == len(fleets[community].onus)


def test_sysdescr_identifies_an_agent_without_sysobjectid_and_a_stranger_is_refused(agent, fleets):
	no_oid, stranger = walk_olts_blocking(
		[target(agent, "hw-no-oid", "huawei_ma5800"), target(agent, "linux", "huawei_ma5800")]
	)
	assert no_oid.ok and no_oid.identity.sys_object_id is None
	assert len(no_oid.snapshot.onus) == len(fleets["hw-no-oid"].onus)
	assert isinstance(stranger.error, DeviceMismatch) and stranger.snapshot is None
	assert "8072" in stranger.error.params["identity"]


# An OLT that suddenly answers with no ONUs -----------------------------------------------------


def test_an_olt_that_suddenly_answers_empty_is_an_anomaly_not_a_mass_removal(agent):
	before, empty = (
		r.snapshot
		for r in walk_olts_blocking([target(agent, c, "huawei_ma5800", "OLT1") for c in ("hw", "hw-empty")])
	)
	assert len(before.onus) == 128 and empty.onus == {}  # the walk itself worked
	with pytest.raises(ImplausibleAnswer) as anomaly:
		diff_snapshots(before, empty)
	assert anomaly.value.params == {"olt": "OLT1", "count": 128}
	# a first walk of an empty OLT, or an OLT that stays empty, is no anomaly and no change
	assert diff_snapshots(None, empty) == [] and diff_snapshots(empty, empty) == []
	# losing some ONUs (not all) is still reported, one removal each
	some = OltSnapshot("OLT1", T0 + timedelta(minutes=5), dict(list(before.onus.items())[:100]))
	assert sum(c.kind == REMOVED for c in diff_snapshots(before, some)) == 28


# V-SOL and C-Data decoders and plans --------------------------------------------------------------


@pytest.mark.parametrize(
	("text", "dbm"),
	[
		# real values of a V1600D walk, as quoted from LibreNMS's recording
		(b"0.03 mW (-14.61 dBm)", -14.61),
		(b"2.38 mW (3.77 dBm)", 3.77),
		(b"6.56 dbm", 6.56),
		(b"-18.52", -18.52),
		(b"0.00", None),
		(b"", None),
		(b"N/A", None),
		(None, None),
	],
)
def test_optical_power_written_as_text(text, dbm):
	assert decode_dbm_text(text) == dbm


@pytest.mark.parametrize("key", ["vsol_v1600g", "cdata_gpon"])
def test_vsol_and_cdata_plans_pick_the_onu_id_but_generate_no_unverified_commands(key):
	layout = get_layout(key)
	frame, slot, port = (0, 0, 3) if key == "vsol_v1600g" else (1, 0, 3)
	taken = {
		f"OLT1/{frame}/{slot}/{port}:{n}": OnuStatus("OLT1", frame, slot, port, n, serial=f"GPON0000{n:04X}")
		for n in (1, 2, 4)
	}
	plan = plan_preauthorisation(
		layout,
		OltSnapshot("OLT1", T0, taken),
		PreauthorisationRequest("OLT1", frame, slot, port, "VSOL1234ABCD", (100,)),
		require_discovered=False,
	)
	assert plan.onu_id == 3 and plan.cli == () and "by hand" in plan.notes[0]
	assert layout.make_index(frame, slot, port, 3) in ((3, 3), (1, 0, 3, 3))
	assert layout.parse_index(layout.make_index(frame, slot, port, 3)) == (frame, slot, port, 3)
