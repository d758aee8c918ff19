from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from gigafibre_fsm.errors import Conflict, IllegalTransition, InvalidInput
from gigafibre_fsm.sales.contracts import (
	ACCEPTED,
	CANCELLED,
	DRAFT,
	SENT,
	VIA_LINK,
	VIA_ORDER,
	ContractState,
	DocumentAltered,
	check_status_change,
	decide_acceptance,
	same_document,
	sha256_hex,
)

TZ = ZoneInfo("America/Toronto")
NOW = datetime(2026, 3, 3, 9, 0, tzinfo=TZ)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
SENT_STATE = ContractState("CTR-00001", SENT, sha256_hex(PDF))


def accept(state=SENT_STATE, pdf=PDF, **kw):
	args = {
		"now": NOW,
		"signer_name": "Marie-Ève Tremblay",
		"agreed": True,
		"via": VIA_LINK,
		"signer_email": "marie@example.com",
		"ip": "203.0.113.7",
		"user_agent": "Mozilla/5.0",
	}
	args.update(kw)
	return decide_acceptance(state, pdf, **args)


def test_sha256_is_of_the_exact_bytes():
	# the SHA-256 of "abc" (FIPS 180-2, appendix B.1)
	assert sha256_hex(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	assert sha256_hex(PDF) != sha256_hex(PDF + b"\n")
	with pytest.raises(InvalidInput):
		sha256_hex("abc")  # a str has no bytes until encoded: refused, not guessed


def test_an_acceptance_records_who_when_where_how_and_the_pdf_hash():
	record = accept()
	assert record.contract == "CTR-00001" and record.accepted_at == NOW and record.via == VIA_LINK
	assert record.signer_name == "Marie-Ève Tremblay" and record.signer_email == "marie@example.com"
	assert record.ip == "203.0.113.7" and record.user_agent == "Mozilla/5.0"
	assert record.pdf_sha256 == sha256_hex(PDF) == SENT_STATE.pdf_sha256


def test_the_signer_name_is_required_and_tidied():
	assert accept(signer_name="  Jean   Roy ").signer_name == "Jean Roy"
	for name in ("", "   ", None):
		with pytest.raises(InvalidInput):
			accept(signer_name=name)
	with pytest.raises(InvalidInput):
		accept(signer_name="x" * 141)


def test_the_box_must_be_ticked():
	with pytest.raises(InvalidInput):
		accept(agreed=False)


def test_a_second_acceptance_says_already_accepted():
	done = replace(SENT_STATE, status=ACCEPTED, accepted_at=NOW)
	with pytest.raises(Conflict) as refused:
		accept(done)
	assert str(refused.value) == "Contract CTR-00001 was already accepted on 2026-03-03 09:00"
	with pytest.raises(Conflict):
		accept(done, via=VIA_ORDER)


def test_a_cancelled_or_withdrawn_contract_cannot_be_accepted_by_link():
	with pytest.raises(IllegalTransition):
		accept(replace(SENT_STATE, status=CANCELLED))
	with pytest.raises(IllegalTransition):
		accept(replace(SENT_STATE, status=DRAFT))


def test_during_the_order_a_draft_with_its_pdf_may_be_accepted():
	record = accept(replace(SENT_STATE, status=DRAFT), via=VIA_ORDER, signer_user="marie@example.com")
	assert record.via == VIA_ORDER and record.signer_user == "marie@example.com"
	with pytest.raises(InvalidInput):
		accept(via="Fax")


def test_what_is_accepted_must_be_the_pdf_that_was_made():
	with pytest.raises(DocumentAltered):
		accept(pdf=PDF.replace(b"Catalog", b"Catalag"))
	with pytest.raises(DocumentAltered):
		accept(replace(SENT_STATE, pdf_sha256=None))
	with pytest.raises(InvalidInput):
		accept(pdf=b"<html>not a pdf</html>")
	with pytest.raises(InvalidInput):
		accept(pdf=b"")


def test_shown_again_only_if_byte_for_byte_the_same():
	recorded = sha256_hex(PDF)
	assert same_document(PDF, recorded) == PDF
	assert same_document(PDF, recorded.upper()) == PDF
	for altered in (PDF[:-1], PDF + b" ", PDF.replace(b"1.4", b"1.5"), b""):
		with pytest.raises(DocumentAltered):
			same_document(altered, recorded)


def test_the_contract_s_life():
	check_status_change(None, DRAFT)
	with pytest.raises(IllegalTransition):
		check_status_change(None, SENT)
	# by hand: cancel, or withdraw a sent contract back to draft
	check_status_change(DRAFT, CANCELLED)
	check_status_change(SENT, CANCELLED)
	check_status_change(SENT, DRAFT)
	for old, new in ((DRAFT, SENT), (SENT, ACCEPTED), (DRAFT, ACCEPTED)):
		with pytest.raises(IllegalTransition):
			check_status_change(old, new)
		check_status_change(old, new, by_service=True)
	# accepted and cancelled are final, for everyone
	for old in (ACCEPTED, CANCELLED):
		for new in (DRAFT, SENT, ACCEPTED if old == CANCELLED else CANCELLED):
			with pytest.raises(IllegalTransition):
				check_status_change(old, new, by_service=True)
	with pytest.raises(InvalidInput):
		check_status_change(DRAFT, "Signed")
