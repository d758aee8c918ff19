from datetime import date

from gigafibre_fsm.billing.finance_reports.figures import (
	SubscriptionSpan,
	TaxLine,
	ageing,
	period_of,
	revenue_by_plan_and_month,
	sales_by_month,
	taxes_by_period,
)


def test_ageing_buckets_by_customer_type():
	as_of = date(2026, 12, 31)
	rows = [
		(False, date(2027, 1, 5), 1000),  # not due yet
		(False, date(2026, 12, 1), 2000),  # 30 days
		(False, date(2026, 11, 30), 3000),  # 31 days
		(True, date(2026, 10, 1), 4000),  # 91 days
		(True, date(2026, 11, 1), 500),  # 60 days
	]
	residential, commercial = ageing(rows, as_of)
	assert residential == {
		"customer_type": "Residential",
		"current": 1000,
		"days_0_30": 2000,
		"days_31_60": 3000,
		"days_61_90": 0,
		"days_over_90": 0,
		"total": 6000,
	}
	assert (commercial["days_31_60"], commercial["days_over_90"], commercial["total"]) == (500, 4000, 4500)


def test_revenue_by_plan_and_month():
	months, rows = revenue_by_plan_and_month(
		[
			("Fibre 1G", date(2026, 11, 3), 8999),
			("Fibre 1G", date(2026, 12, 3), 8999),
			("IPTV", date(2026, 12, 9), 2500),
		]
	)
	assert months == ["2026-11", "2026-12"]
	assert rows == [
		{"plan": "Fibre 1G", "2026-11": 8999, "2026-12": 8999, "total": 17998},
		{"plan": "IPTV", "2026-11": 0, "2026-12": 2500, "total": 2500},
	]


def test_gst_qst_by_period():
	lines = [
		TaxLine("2026-Q4", "GST", "collected", 500),
		TaxLine("2026-Q4", "QST", "collected", 998),
		TaxLine("2026-Q4", "GST", "paid", 120),
		TaxLine("2026-Q4", "QST", "paid", 239),
	]
	[row] = taxes_by_period(lines)
	assert (row["gst_net"], row["qst_net"]) == (380, 759)
	assert period_of(date(2026, 11, 15), "Quarterly") == "2026-Q4"
	assert period_of(date(2026, 11, 15)) == "2026-11"


def test_sales_new_churn_active_mrr():
	subs = [
		SubscriptionSpan(date(2026, 10, 5), None, 8999),
		SubscriptionSpan(date(2026, 10, 20), date(2026, 11, 10), 5999),
		SubscriptionSpan(date(2026, 11, 2), None, 11999),
		SubscriptionSpan(None, None, 100),  # never started: not counted
	]
	oct_, nov = sales_by_month(subs, date(2026, 10, 1), date(2026, 11, 30))
	assert oct_ == {"month": "2026-10", "new": 2, "churned": 0, "active": 2, "mrr": 14998, "churn_rate": 0.0}
	assert nov == {"month": "2026-11", "new": 1, "churned": 1, "active": 2, "mrr": 20998, "churn_rate": 50.0}
