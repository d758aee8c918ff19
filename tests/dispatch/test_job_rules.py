from datetime import time

import pytest

from gigafibre_fsm.dispatch import job_rules
from gigafibre_fsm.errors import IllegalTransition, InvalidInput


def test_assigning_a_technician_to_an_open_job_assigns_it():
	assert job_rules.status_after_assignment("Open", "TECH-0001") == "Assigned"
	assert job_rules.status_after_assignment("Assigned", None) == "Open"
	assert job_rules.status_after_assignment("En Route", "TECH-0001") == "En Route"


def test_a_job_under_way_keeps_its_technician():
	with pytest.raises(InvalidInput):
		job_rules.status_after_assignment("In Progress", None)


def test_job_lifecycle():
	life = job_rules.JOB_LIFECYCLE
	for old, new in [("Open", "Assigned"), ("Assigned", "En Route"), ("En Route", "In Progress"),
		("In Progress", "Completed"), ("Cancelled", "Open")]:  # fmt: skip
		life.check(old, new)
	for old, new in [("Open", "Completed"), ("Completed", "Open"), ("Open", "In Progress")]:
		with pytest.raises(IllegalTransition):
			life.check(old, new)


def test_team():
	job_rules.validate_team("T1", ["T2", "T3"])
	with pytest.raises(InvalidInput):
		job_rules.validate_team("T1", ["T1"])
	with pytest.raises(InvalidInput):
		job_rules.validate_team("T1", ["T2", "T2"])


def test_skill_levels():
	job_rules.validate_skill_levels([("Fibre Splicing", 1), ("IPTV", 5)])
	for bad in ([("IPTV", 0)], [("IPTV", 6)], [("IPTV", 2), ("IPTV", 3)]):
		with pytest.raises(InvalidInput):
			job_rules.validate_skill_levels(bad)


def test_appointment():
	job_rules.validate_appointment(time(8), time(12), time(9), 90)
	job_rules.validate_appointment(None, None, None, 30)
	with pytest.raises(InvalidInput):
		job_rules.validate_appointment(time(12), time(8), None, 30)
	with pytest.raises(InvalidInput):
		job_rules.validate_appointment(time(8), time(12), time(13), 30)
	with pytest.raises(InvalidInput):
		job_rules.validate_appointment(None, None, None, 0)
