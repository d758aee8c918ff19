# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""A contract is accepted once: the same link posted at the same instant from 8 threads, through
a real gunicorn serving this site (4 workers, each committing its own requests).

gunicorn's workers read what is committed, so the test commits its contract and deletes every
row and file it made at the end."""

import json
import os
import threading
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import frappe

from gigafibre_fsm.sales.doctype.service_contract import contract_acceptance
from gigafibre_fsm.sales.doctype.service_contract.test_service_contract import (
	NEEDS_PDF,
	make_contract,
	outgoing_email_account,
	sent_token,
)
from gigafibre_fsm.tests import ERPNEXT_RECORDS, IntegrationTestCase
from gigafibre_fsm.tests.factories import make_customer, make_location
from gigafibre_fsm.tests.gunicorn import Gunicorn

IGNORE_TEST_RECORD_DEPENDENCIES = ERPNEXT_RECORDS  # Frappe v16
test_ignore = IGNORE_TEST_RECORD_DEPENDENCIES  # Frappe v15's name

PATH = "/api/method/gigafibre_fsm.api.sales.accept_contract"
THREADS = 8
CUSTOMER = "_Test Contract Race Customer"


def post(base_url: str, site: str, params: dict, ip: str) -> tuple[int, str]:
	headers = {
		"Content-Type": "application/x-www-form-urlencoded",
		"Host": site,
		"X-Frappe-Site-Name": site,
		"X-Forwarded-For": ip,
		"User-Agent": "Contract-Race/1.0",
	}
	request = Request(base_url + PATH, data=urlencode(params).encode(), headers=headers, method="POST")
	try:
		with urlopen(request, timeout=60) as response:
			return response.status, response.read().decode("utf-8", "replace")
	except HTTPError as e:
		return e.code, e.read().decode("utf-8", "replace")


def refusal(body: str) -> str:
	"""The messages of a refused call, as Frappe answers them (or the whole body)."""
	try:
		answer = json.loads(body)
		return " ".join(json.loads(m)["message"] for m in json.loads(answer["_server_messages"]))
	except (ValueError, KeyError, TypeError):
		return body


@NEEDS_PDF
class TestConcurrentAcceptance(IntegrationTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.site = frappe.local.site
		cls.had_email_account = bool(
			frappe.db.exists("Email Account", {"default_outgoing": 1, "enable_outgoing": 1})
		)
		outgoing_email_account()
		customer = make_customer(CUSTOMER)
		location = make_location(customer, location_name="Course")
		cls.contract = make_contract(customer, [location.name])
		contract_acceptance.send_for_acceptance(cls.contract.name)
		cls.token = sent_token(cls.contract.name)
		cls.location = location.name
		frappe.db.commit()  # nosemgrep: gunicorn's workers read it in their own transactions
		cls.server = None
		try:
			cls.server = Gunicorn().start(cls.site)
		except BaseException:
			cls.delete_what_was_made()
			raise

	@classmethod
	def delete_what_was_made(cls):
		frappe.db.rollback()
		name = cls.contract.name
		for file in frappe.get_all("File", filters={"attached_to_name": name}, fields=["name", "file_url"]):
			path = frappe.get_site_path(file.file_url.lstrip("/"))
			if os.path.exists(path) and not frappe.db.count(
				"File", {"file_url": file.file_url, "name": ("!=", file.name)}
			):
				os.remove(path)
			frappe.db.delete("File", {"name": file.name})
		queued = frappe.get_all("Email Queue", filters={"reference_name": name}, pluck="name")
		if queued:
			frappe.db.delete("Email Queue Recipient", {"parent": ("in", queued)})
			frappe.db.delete("Email Queue", {"name": ("in", queued)})
		frappe.db.delete("Service Contract Line", {"parent": name})
		frappe.db.delete("Service Contract", {"name": name})
		frappe.db.delete("Version", {"ref_doctype": "Service Contract", "docname": name})
		frappe.db.delete("Service Location", {"name": cls.location})
		frappe.db.delete("Customer", {"name": CUSTOMER})
		if not cls.had_email_account:
			frappe.db.delete("Email Account", {"email_account_name": "_Test Contracts Outgoing"})
		frappe.db.commit()  # nosemgrep: the rows were committed for gunicorn

	@classmethod
	def tearDownClass(cls):
		try:
			if cls.server:
				cls.server.stop()
		finally:
			cls.delete_what_was_made()
			super().tearDownClass()

	def test_the_same_link_posted_at_once_accepts_once(self):
		barrier = threading.Barrier(THREADS)
		results: list[tuple[str, int, str]] = []
		lock = threading.Lock()

		def worker(index: int):
			signer = f"Signataire {index}"
			barrier.wait()
			status, body = post(
				self.server.base_url,
				self.site,
				{"token": self.token, "signer_name": signer, "agree": "1"},
				f"198.51.100.{index + 1}",
			)
			with lock:
				results.append((signer, status, body))

		threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
		for t in threads:
			t.start()
		for t in threads:
			t.join()

		accepted = [(signer, body) for signer, status, body in results if status == 200]
		refused = [(status, body) for _signer, status, body in results if status != 200]
		self.assertEqual(len(accepted), 1, results)
		self.assertEqual(len(refused), THREADS - 1)
		for status, body in refused:
			self.assertRegex(refusal(body), "déjà été accepté le|already accepted on", (status, body[:500]))
		frappe.db.rollback()  # a fresh snapshot: what gunicorn committed
		row = frappe.db.get_value(
			"Service Contract",
			self.contract.name,
			["status", "signer_name", "accepted_pdf_sha256", "pdf_sha256"],
		)
		self.assertEqual(row[:2], ("Accepted", accepted[0][0]))
		self.assertEqual(row[2], row[3])
