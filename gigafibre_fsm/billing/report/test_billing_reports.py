# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""Tier 2: the four finance reports on a seeded month. Each figure is checked as what the
seeded documents add to the report (before and after), so other records on the site do not
matter."""

import frappe
from frappe.utils import add_days, getdate, nowdate

from gigafibre_fsm.billing.money import MINOR_UNITS
from gigafibre_fsm.billing.report.gst_and_qst_by_period import gst_and_qst_by_period
from gigafibre_fsm.billing.report.receivables_by_customer_type import receivables_by_customer_type
from gigafibre_fsm.billing.report.revenue_by_plan_and_month import revenue_by_plan_and_month
from gigafibre_fsm.billing.report.subscription_sales_and_mrr import subscription_sales_and_mrr
from gigafibre_fsm.billing.services import taxes
from gigafibre_fsm.tests import IntegrationTestCase
from gigafibre_fsm.tests.erpnext_limits import why_erpnext_cannot_post_invoices
from gigafibre_fsm.tests.factories import make_customer, make_location, make_plan, make_user

MONTH_DAY = "2026-10-15"


def by(rows, key, value):
	return next((r for r in rows if r[key] == value), {})


class TestBillingReports(IntegrationTestCase):
	def setUp(self):
		self.company = (
			frappe.defaults.get_global_default("company") or frappe.get_all("Company", pluck="name")[0]
		)
		self.currency = frappe.get_cached_value("Company", self.company, "default_currency")
		if self.currency not in MINOR_UNITS:
			self.skipTest(f"the test company bills in {self.currency}")
		if why := why_erpnext_cannot_post_invoices():
			self.skipTest(why)
		self.template = taxes.ensure_template(self.company) or frappe.db.get_value(
			"Sales Taxes and Charges Template", {"company": self.company, "title": "Quebec Sales Taxes"}
		)
		self.filters = {
			"company": self.company,
			"from_date": "2026-10-01",
			"to_date": nowdate(),
			"as_of": nowdate(),
		}

	def invoice(self, customer, item, rate, day=MONTH_DAY, with_taxes=True):
		si = frappe.get_doc(
			{
				"doctype": "Sales Invoice",
				"customer": customer,
				"company": self.company,
				"currency": self.currency,
				"set_posting_time": 1,
				"posting_date": day,
				"due_date": day,
				"items": [{"item_code": item, "qty": 1, "rate": rate}],
			}
		)
		if with_taxes:
			for row in frappe.get_doc("Sales Taxes and Charges Template", self.template).taxes:
				si.append(
					"taxes",
					{
						"charge_type": row.charge_type,
						"account_head": row.account_head,
						"description": row.description,
						"rate": row.rate,
					},
				)
		si.insert(ignore_permissions=True)
		si.submit()
		return si

	def run_all(self):
		return {
			"ar": receivables_by_customer_type.execute(self.filters)[1],
			"revenue": revenue_by_plan_and_month.execute(self.filters)[1],
			"taxes": gst_and_qst_by_period.execute(self.filters)[1],
			"sales": subscription_sales_and_mrr.execute(self.filters)[1],
		}

	def test_known_figures_on_a_seeded_month(self):
		before = self.run_all()
		home = make_customer("_Test Report Residential")
		shop = make_customer("_Test Report Commercial")
		frappe.db.set_value("Customer", shop, "is_commercial", 1)
		plan = make_plan("_Test Report Plan 1G")
		self.invoice(home, plan, 200)  # 200 + GST 10.00 + QST 19.95, 47+ days late
		self.invoice(shop, plan, 100, day=add_days(nowdate(), 0), with_taxes=False)  # due today
		for price in (89.99, 59.99):
			sub = frappe.get_doc(
				{
					"doctype": "Service Subscription",
					"customer": home,
					"service_location": make_location(home).name,
					"plan": plan,
					"actual_price": price,
					"start_date": MONTH_DAY,
				}
			).insert(ignore_permissions=True)
			sub.status = "Active"
			sub.save(ignore_permissions=True)
		after = self.run_all()

		ar_home = by(after["ar"], "customer_type", "Residential")
		ar_home_before = by(before["ar"], "customer_type", "Residential")
		late = (getdate(nowdate()) - getdate(MONTH_DAY)).days
		bucket = "days_31_60" if late <= 60 else "days_61_90" if late <= 90 else "days_over_90"
		self.assertAlmostEqual(ar_home[bucket] - ar_home_before.get(bucket, 0), 229.95, places=2)
		ar_shop = by(after["ar"], "customer_type", "Commercial")
		self.assertAlmostEqual(
			ar_shop["current"] - by(before["ar"], "customer_type", "Commercial").get("current", 0), 100
		)

		revenue = by(after["revenue"], "plan", plan)
		self.assertAlmostEqual(revenue["2026-10"], 200)
		self.assertAlmostEqual(revenue["total"], 300)

		oct_after, oct_before = (
			by(after["taxes"], "period", "2026-10"),
			by(before["taxes"], "period", "2026-10"),
		)
		self.assertAlmostEqual(
			oct_after["gst_collected"] - oct_before.get("gst_collected", 0), 10.00, places=2
		)
		self.assertAlmostEqual(
			oct_after["qst_collected"] - oct_before.get("qst_collected", 0), 19.95, places=2
		)

		s_after, s_before = by(after["sales"], "month", "2026-10"), by(before["sales"], "month", "2026-10")
		self.assertEqual(s_after["new"] - s_before["new"], 2)
		self.assertAlmostEqual(s_after["mrr"] - s_before["mrr"], 149.98, places=2)

	def test_only_billing_staff_may_run_them(self):
		user = make_user("report.dispatcher@example.com", "Dispatcher")
		frappe.set_user(user)
		try:
			for report in (
				receivables_by_customer_type,
				revenue_by_plan_and_month,
				gst_and_qst_by_period,
				subscription_sales_and_mrr,
			):
				with self.assertRaises(frappe.PermissionError):
					report.execute(self.filters)
		finally:
			frappe.set_user("Administrator")
		for name in ("Receivables by Customer Type", "GST and QST by Period"):
			roles = {r.role for r in frappe.get_doc("Report", name).roles}
			self.assertEqual(roles, {"Billing Agent", "System Manager"})
