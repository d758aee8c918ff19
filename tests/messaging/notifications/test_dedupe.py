import pytest

from gigafibre_fsm.errors import InvalidInput
from gigafibre_fsm.messaging import notifications as n


def key(event, name="JOB-00001", customer="CUST-1", discriminator="", doctype="Dispatch Job"):
	return n.dedupe_key(event, doctype, name, customer, discriminator)


def test_one_on_the_way_per_job():
	assert key(n.TECHNICIAN_ON_THE_WAY) == key(n.TECHNICIAN_ON_THE_WAY)
	assert key(n.TECHNICIAN_ON_THE_WAY) != key(n.TECHNICIAN_ON_THE_WAY, name="JOB-00002")
	assert key(n.TECHNICIAN_ON_THE_WAY) != key(n.JOB_DONE)


def test_one_moved_per_new_time():
	first = n.move_discriminator("2026-12-15 13:30", "2026-12-10 09:00:00")
	again = n.move_discriminator("2026-12-15 13:30", "2026-12-10 09:00:00")  # the same save, seen twice
	other = n.move_discriminator("2026-12-16 09:00", "2026-12-11 10:00:00")
	assert key(n.APPOINTMENT_MOVED, discriminator=first) == key(n.APPOINTMENT_MOVED, discriminator=again)
	assert key(n.APPOINTMENT_MOVED, discriminator=first) != key(n.APPOINTMENT_MOVED, discriminator=other)


def test_moving_back_to_a_time_already_texted_is_news_again():
	there = n.move_discriminator("2026-12-15 14:00", "v1")
	back = n.move_discriminator("2026-12-15 09:00", "v2")
	there_again = n.move_discriminator("2026-12-15 14:00", "v3")
	keys = {key(n.APPOINTMENT_MOVED, discriminator=d) for d in (there, back, there_again)}
	assert len(keys) == 3


def test_an_outage_is_once_per_customer_and_incident():
	a = key(n.OUTAGE_ON_YOUR_LINE, "OUT-1", "CUST-1", doctype="Outage Incident")
	assert a == key(n.OUTAGE_ON_YOUR_LINE, "OUT-1", "CUST-1", doctype="Outage Incident")
	assert a != key(n.OUTAGE_ON_YOUR_LINE, "OUT-1", "CUST-2", doctype="Outage Incident")
	assert a != key(n.OUTAGE_RESOLVED, "OUT-1", "CUST-1", doctype="Outage Incident")


def test_a_move_without_its_new_time_is_refused():
	with pytest.raises(InvalidInput):
		key(n.APPOINTMENT_MOVED)
	with pytest.raises(InvalidInput):
		n.move_discriminator("", "v1")


def test_a_sign_in_code_needs_its_own_discriminator():
	with pytest.raises(InvalidInput):
		key(n.SIGN_IN_CODE, doctype="Customer", name="CUST-1")
	assert key(n.SIGN_IN_CODE, discriminator="1|t1") != key(n.SIGN_IN_CODE, discriminator="2|t2")


def test_unknown_event_is_refused():
	with pytest.raises(InvalidInput):
		key("Birthday")


def test_keys_fit_a_data_field_and_do_not_collide_on_separators():
	k = key(n.JOB_DONE)
	assert len(k) == 64 and int(k, 16) >= 0
	assert n.dedupe_key(n.JOB_DONE, "A", "B|C", "D") != n.dedupe_key(n.JOB_DONE, "A|B", "C", "D")
