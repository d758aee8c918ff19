"""The finance reports' arithmetic, on plain rows and integer cents.

The Script Reports (billing/report/) read Sales Invoices, their items and taxes, Purchase
Invoice taxes and Service Subscriptions, and hand plain tuples to these functions: ageing by
customer type, revenue by plan and month, GST/QST by period, and the month's sales (new,
churned, active, MRR). Amounts stay in cents until the report shows them.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

RESIDENTIAL = "Residential"
COMMERCIAL = "Commercial"
# Ageing buckets in days past due (the usual 30/60/90 of receivables reports)
BUCKETS = ((0, 30), (31, 60), (61, 90), (91, None))
BUCKET_KEYS = ("current", "days_0_30", "days_31_60", "days_61_90", "days_over_90")


def month_of(day: date) -> str:
	return f"{day.year:04d}-{day.month:02d}"


def ageing(rows: Iterable[tuple[bool, date, int]], as_of: date) -> list[dict]:
	"""Outstanding cents by customer type and ageing bucket. `rows`: (is_commercial, due date,
	outstanding cents). Not yet due counts as "current"."""
	table = {kind: dict.fromkeys(BUCKET_KEYS, 0) for kind in (RESIDENTIAL, COMMERCIAL)}
	for is_commercial, due, cents in rows:
		kind = COMMERCIAL if is_commercial else RESIDENTIAL
		late = (as_of - due).days
		if late <= 0:
			key = "current"
		else:
			key = next(
				BUCKET_KEYS[i + 1]
				for i, (low, high) in enumerate(BUCKETS)
				if late >= low and (high is None or late <= high)
			)
		table[kind][key] += cents
	return [
		{"customer_type": kind, **values, "total": sum(values.values())} for kind, values in table.items()
	]


def revenue_by_plan_and_month(rows: Iterable[tuple[str, date, int]]) -> tuple[list[str], list[dict]]:
	"""Net revenue cents per plan (item) and month. `rows`: (item, posting date, net cents).
	Returns the months (sorted) and one row per plan with a key per month and a total."""
	table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
	months = set()
	for item, day, cents in rows:
		month = month_of(day)
		months.add(month)
		table[item][month] += cents
	ordered = sorted(months)
	out = []
	for item in sorted(table):
		row = {"plan": item, **{m: table[item].get(m, 0) for m in ordered}}
		row["total"] = sum(table[item].values())
		out.append(row)
	return ordered, out


@dataclass(frozen=True)
class TaxLine:
	period: str  # "2026-12" or "2026-Q4"
	tax: str  # "GST" or "QST"
	side: str  # "collected" (sales) or "paid" (purchases: input tax credits / refunds)
	cents: int


def period_of(day: date, periodicity: str = "Monthly") -> str:
	if periodicity == "Quarterly":
		return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
	if periodicity == "Yearly":
		return f"{day.year:04d}"
	return month_of(day)


def taxes_by_period(lines: Iterable[TaxLine]) -> list[dict]:
	"""Per period: GST and QST collected, paid, and net to remit (collected − paid), the
	figures of the GST/QST return (Revenu Québec administers both in Québec)."""
	table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
	for line in lines:
		table[line.period][f"{line.tax.lower()}_{line.side}"] += line.cents
	out = []
	for period in sorted(table):
		v = table[period]
		row = {"period": period}
		for tax in ("gst", "qst"):
			row[f"{tax}_collected"] = v.get(f"{tax}_collected", 0)
			row[f"{tax}_paid"] = v.get(f"{tax}_paid", 0)
			row[f"{tax}_net"] = row[f"{tax}_collected"] - row[f"{tax}_paid"]
		out.append(row)
	return out


@dataclass(frozen=True)
class SubscriptionSpan:
	start: date | None
	end: date | None  # cancelled on / ended on; None while it runs
	monthly_cents: int


def _month_end(year: int, month: int) -> date:
	nxt = date(year + month // 12, month % 12 + 1, 1)
	return date.fromordinal(nxt.toordinal() - 1)


def sales_by_month(subscriptions: Iterable[SubscriptionSpan], first: date, last: date) -> list[dict]:
	"""Per month from `first` to `last`: new subscriptions (started that month), churned (ended
	that month), active at the month's end, MRR (their monthly prices, cents) and churn rate
	(churned / active at the start of the month, in %)."""
	subs = list(subscriptions)
	out = []
	year, month = first.year, first.month
	while (year, month) <= (last.year, last.month):
		start, end = date(year, month, 1), _month_end(year, month)
		new = sum(1 for s in subs if s.start and start <= s.start <= end)
		churned = sum(1 for s in subs if s.end and start <= s.end <= end)
		active_at_start = [s for s in subs if s.start and s.start < start and (not s.end or s.end >= start)]
		active = [s for s in subs if s.start and s.start <= end and (not s.end or s.end > end)]
		out.append(
			{
				"month": f"{year:04d}-{month:02d}",
				"new": new,
				"churned": churned,
				"active": len(active),
				"mrr": sum(s.monthly_cents for s in active),
				"churn_rate": round(100.0 * churned / len(active_at_start), 2) if active_at_start else 0.0,
			}
		)
		year, month = (year + 1, 1) if month == 12 else (year, month + 1)
	return out
