# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""A contract for one customer's services, at one or more of their locations, and its acceptance.

Sending it (`contract_acceptance.send_for_acceptance`) freezes what it says: the PDF made then is
the document the customer accepts, so the content of a sent contract cannot change (withdraw it
to Draft first), and an accepted contract cannot change at all.
"""

import json
from decimal import Decimal

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import fmt_money

from gigafibre_fsm.billing.services.taxes import tax_data
from gigafibre_fsm.sales import contracts
from gigafibre_fsm.services.core_errors import translated_errors
from gigafibre_fsm.subscribers.services.locations import customer_of_location

# What the customer reads and accepts: frozen once the contract is sent.
CONTENT_FIELDS = (
	"customer",
	"language",
	"company",
	"currency",
	"start_date",
	"commitment_months",
	"terms_template",
	"terms",
	"monthly_total",
	"monthly_taxes",
	"monthly_total_with_taxes",
	"tax_breakdown",
)
LINE_FIELDS = ("service_location", "plan", "monthly_price")
# Set only by sending and accepting (the services raise `flags.contract_service`).
SERVICE_FIELDS = (
	"sent_on",
	"token_hash",
	"token_expires_on",
	"pdf_file",
	"pdf_sha256",
	"accepted_at",
	"accepted_via",
	"signer_name",
	"signer_email",
	"signer_user",
	"accepted_ip",
	"accepted_user_agent",
	"accepted_pdf_sha256",
)


class ServiceContract(Document):
	def before_validate(self):
		if not self.company:
			self.company = frappe.defaults.get_user_default("Company") or frappe.db.get_single_value(
				"Global Defaults", "default_company"
			)
		if not self.currency and self.company:
			self.currency = frappe.get_cached_value("Company", self.company, "default_currency")

	def validate(self):
		before = self.get_doc_before_save()
		old_status = before.status if before else None
		by_service = bool(self.flags.contract_service)
		with translated_errors():
			contracts.check_status_change(old_status, self.status, by_service=by_service)
		if before and old_status == contracts.ACCEPTED:
			if self._changes_from(before, CONTENT_FIELDS + SERVICE_FIELDS + ("email", "mobile")):
				frappe.throw(_("An accepted contract cannot be changed"), title=_("Contract Accepted"))
			return
		if not by_service and before and self._changes_from(before, SERVICE_FIELDS):
			frappe.throw(_("Sending and acceptance details are recorded by the system, not typed"))
		if not by_service and not before and any(self.get(f) for f in SERVICE_FIELDS):
			frappe.throw(_("Sending and acceptance details are recorded by the system, not typed"))
		if before and old_status == contracts.SENT and self._changes_from(before, CONTENT_FIELDS):
			frappe.throw(
				_("A sent contract cannot be changed: set it back to Draft first (its link stops working)")
			)
		if old_status == contracts.SENT and self.status in (contracts.DRAFT, contracts.CANCELLED):
			self.withdraw_link()
		if self.status == contracts.DRAFT or not before:
			self.validate_lines()
			self.set_totals()
		if (
			before
			and self.status == contracts.DRAFT
			and not by_service
			and self._changes_from(before, CONTENT_FIELDS)
		):
			# a PDF made for the order before this change no longer says what the contract says
			self.pdf_file = None
			self.pdf_sha256 = None

	def on_trash(self):
		if self.status == contracts.ACCEPTED:
			frappe.throw(_("An accepted contract cannot be deleted"), title=_("Contract Accepted"))

	def validate_lines(self):
		if not self.lines:
			frappe.throw(_("A contract needs at least one location with its plan"))
		for line in self.lines:
			customer_of_location(line.service_location, self.customer)
			if line.monthly_price is None or line.monthly_price < 0:
				frappe.throw(_("Row {0}: the monthly price cannot be negative").format(line.idx))
		if (self.commitment_months or 0) < 0:
			frappe.throw(_("The commitment cannot be a negative number of months"))

	def set_totals(self):
		"""The monthly total and its GST/QST, from the Money template's rates (data)."""
		with translated_errors():
			totals = contracts.monthly_totals(
				[line.monthly_price for line in self.lines], tax_data()["taxes"]
			)
		self.monthly_total = float(totals.net)
		self.monthly_taxes = float(totals.tax_total)
		self.monthly_total_with_taxes = float(totals.total)
		self.tax_breakdown = json.dumps(
			[
				{"description": t.description, "rate": str(t.rate), "amount": str(t.amount)}
				for t in totals.taxes
			]
		)

	def withdraw_link(self):
		"""The secret link stops working; a new sending makes a new link and PDF."""
		self.token_hash = None
		self.token_expires_on = None

	def tax_lines(self) -> list[dict]:
		"""Each tax with its amount, formatted, for the print format (frozen with the contract)."""
		return [
			{
				"description": _(tax["description"]),
				"rate": tax["rate"],
				"amount": fmt_money(float(tax["amount"]), currency=self.currency),
			}
			for tax in json.loads(self.tax_breakdown or "[]")
		]

	def _changes_from(self, before, fields) -> list[str]:
		changed = [f for f in fields if _same(self.get(f)) != _same(before.get(f))]
		if "customer" in fields:
			lines = [tuple(_same(row.get(f)) for f in LINE_FIELDS) for row in self.lines]
			old = [tuple(_same(row.get(f)) for f in LINE_FIELDS) for row in before.lines]
			if lines != old:
				changed.append("lines")
		return changed


def _same(value):
	"""A value as compared for changes: None and "" alike, numbers as numbers, dates as text."""
	if value in (None, ""):
		return None
	if isinstance(value, int | float | Decimal):
		return float(value)
	return str(value)
