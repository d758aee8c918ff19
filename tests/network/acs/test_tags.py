"""Device tags through the NBI (the suspension preset's precondition), against the simulator."""

import pytest
import requests

from gigafibre_fsm.errors import InvalidInput
from gigafibre_fsm.network.acs import AcsUnavailable, NbiClient, UnknownDevice, check_tag, set_tag
from gigafibre_fsm.network.acs.tags import ADDED, ALREADY, REMOVED, TagNotApplied
from tests.network.acs.conftest import HUAWEI, XX230V


def tags_of(sim, device_id):
	return list(sim.devices[device_id].get("_tags") or [])


def test_suspending_twice_tags_once_and_reactivating_removes_it(sim, client):
	first = set_tag(client, XX230V, "suspended", True)
	assert (first.outcome, first.changed) == (ADDED, True)
	assert tags_of(sim, XX230V).count("suspended") == 1
	posts_before = [r for r in sim.requests if r[0] == "POST"]
	again = set_tag(client, XX230V, "suspended", True)
	assert (again.outcome, again.requests) == (ALREADY, 1)  # one read, no write
	assert [r for r in sim.requests if r[0] == "POST"] == posts_before
	assert tags_of(sim, XX230V).count("suspended") == 1
	lifted = set_tag(client, XX230V, "suspended", False)
	assert lifted.outcome == REMOVED
	assert "suspended" not in tags_of(sim, XX230V)
	assert set_tag(client, XX230V, "suspended", False).outcome == ALREADY


def test_other_tags_are_left_alone(sim, client):
	sim.devices[HUAWEI]["_tags"] = ["vip", "fttH_2024"]
	set_tag(client, HUAWEI, "suspended", True)
	set_tag(client, HUAWEI, "suspended", False)
	assert tags_of(sim, HUAWEI) == ["vip", "fttH_2024"]


def test_the_nbi_answers_200_for_an_unknown_device_so_the_tag_is_read_first(sim, client):
	# GenieACS's own behaviour: $addToSet on no document is still a 200
	assert (
		requests.post(f"{sim.base_url}/devices/NO-SUCH-DEVICE/tags/suspended", timeout=2).status_code == 200
	)
	with pytest.raises(UnknownDevice):
		set_tag(client, "NO-SUCH-DEVICE", "suspended", True)


def test_other_methods_on_the_tags_route_are_refused_as_genieacs_does(sim):
	resp = requests.get(f"{sim.base_url}/devices/{XX230V}/tags/suspended", timeout=2)
	assert (resp.status_code, resp.headers["Allow"]) == (405, "POST, DELETE")


def test_a_tag_that_does_not_hold_is_an_error(sim, client, monkeypatch):
	monkeypatch.setattr(client, "add_tag", lambda device_id, tag: None)  # lost on the ACS's side
	with pytest.raises(TagNotApplied):
		set_tag(client, XX230V, "suspended", True)


def test_a_down_acs_is_an_external_error(dead_url):
	with NbiClient(dead_url, timeout=(0.2, 0.5), retries=0) as down, pytest.raises(AcsUnavailable):
		set_tag(down, XX230V, "suspended", True)


def test_a_failing_acs_is_an_external_error(sim, client):
	sim.fail_requests(503)
	with pytest.raises(AcsUnavailable):
		set_tag(client, XX230V, "suspended", True)
	sim.fail_requests(0)
	assert "suspended" not in tags_of(sim, XX230V)


@pytest.mark.parametrize("bad", ["", " ", "sus pended", "a.b", "x/y", "é", "a" * 65, None])
def test_a_tag_the_nbi_route_would_refuse_is_refused_first(bad):
	with pytest.raises(InvalidInput):
		check_tag(bad)


def test_a_tag_is_trimmed():
	assert check_tag(" suspended_non-payment ") == "suspended_non-payment"
