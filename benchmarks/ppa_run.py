"""Pre-authorised payments on a real site against the local Stripe double, side by side.

Three sets of due invoices of the same kind (one per customer, each with a saved card):
- ours: the run as the scheduler starts it, in batches (`run_ppa_batch` over a batch);
- naive: the same run started for one invoice at a time (no batching: every load per invoice);
- webhooks: charged at Stripe directly, then recorded through Stripe's webhook (signature
  checked with construct_event, event stored, applied).
It reports invoices (or events) per second and database queries per invoice, every figure
measured in the same run. Every Payment Entry is real (ERPNext posts its GL entries), so this
is also what a worker spends per invoice. Seeding (customers, submitted Sales Invoices) is
not timed.

Run from the bench's sites folder, on a site made for it (it commits what it creates):

    ../env/bin/python -m benchmarks.ppa_run --site money.localhost [--invoices N] [--quick]

Goal (issue): ≥ 50 invoices/s and ≤ 15 queries per invoice, over 10,000 invoices.
"""

from __future__ import annotations

import argparse
import os
import time


class QueryCounter:
	"""Counts the statements a block sends to the database (every query goes through db.sql)."""

	def __init__(self, db):
		self.db, self.count = db, 0
		self._sql = db.sql

	def __enter__(self):
		def counted(*args, **kwargs):
			self.count += 1
			return self._sql(*args, **kwargs)

		self.db.sql = counted
		return self

	def __exit__(self, *exc):
		self.db.sql = self._sql


def configure(frappe, api, company: str, bank: str, currency: str, batch: int) -> None:
	settings = frappe.get_single("Billing Settings")
	settings.update(
		{
			"stripe_enabled": 1,
			"stripe_secret_key": api.secret_key,
			"stripe_webhook_secret": api.webhook_secret,
			"stripe_api_base_url": api.base_url,
			"company": company,
			"currency": currency,
			"payment_account": bank,
			"ppa_enabled": 1,
			"ppa_days_between_attempts": 3,
			"ppa_max_attempts": 3,
			"ppa_batch_size": batch,
			"timeout_seconds": 10,
		}
	)
	settings.save(ignore_permissions=True)
	frappe.db.commit()


def seed(frappe, api, gateway, label: str, count: int, company: str, currency: str) -> list[str]:
	"""`count` customers on PPA with a saved card, each with one due, submitted invoice."""
	from frappe.utils import nowdate

	from gigafibre_fsm.billing.services import checkout, webhooks
	from gigafibre_fsm.tests.factories import make_customer, make_plan

	plan = make_plan("_Bench Fibre 1 Gbps")
	run = frappe.generate_hash(length=6)
	names = []
	for i in range(count):
		customer = make_customer(f"_Bench {label} {run} {i:05d}")
		frappe.db.set_value("Customer", customer, "ppa_enabled", 1)
		stripe_id = checkout.ensure_stripe_customer(customer, gateway)
		webhooks.save_payment_method(stripe_id, api.add_payment_method(stripe_id), None)
		si = frappe.get_doc(
			{
				"doctype": "Sales Invoice",
				"customer": customer,
				"company": company,
				"currency": currency,
				"posting_date": nowdate(),
				"due_date": nowdate(),
				"items": [{"item_code": plan, "qty": 1, "rate": 57.49 + i % 7}],
			}
		).insert(ignore_permissions=True)
		si.submit()
		names.append(si.name)
		if i % 50 == 49:
			frappe.db.commit()
	frappe.db.commit()
	return names


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
	parser.add_argument("--site", required=True)
	parser.add_argument("--sites-path", default=os.getcwd())
	parser.add_argument("--invoices", type=int, default=10000, help="invoices in each of the three sets")
	parser.add_argument("--batch", type=int, default=200)
	parser.add_argument("--quick", action="store_true", help="100 invoices per set")
	args = parser.parse_args()
	count = 100 if args.quick else args.invoices

	import frappe

	frappe.init(site=args.site, sites_path=args.sites_path)
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		from frappe.utils import flt

		from gigafibre_fsm.billing.money import to_cents
		from gigafibre_fsm.billing.services import ppa, webhooks
		from gigafibre_fsm.billing.services import settings as billing_settings
		from simulators.stripe_api import StripeApiDouble

		company = frappe.defaults.get_global_default("company")
		currency = frappe.get_cached_value("Company", company, "default_currency")
		bank = frappe.db.get_value(
			"Account", {"company": company, "account_type": "Bank", "is_group": 0}, "name"
		)
		with StripeApiDouble() as api:
			configure(frappe, api, company, bank, currency, args.batch)
			gateway = billing_settings.gateway()
			t = time.perf_counter()
			sets = {
				label: seed(frappe, api, gateway, label, count, company, currency)
				for label in ("ours", "naive", "hooks")
			}
			print(f"seeded 3 x {count} invoices in {time.perf_counter() - t:.0f} s (not timed below)")

			results = {}
			ours = sets["ours"]
			with QueryCounter(frappe.db) as q:
				t = time.perf_counter()
				for i in range(0, len(ours), args.batch):
					ppa.run_ppa_batch(ours[i : i + args.batch])
				results["ours (batches)"] = (time.perf_counter() - t, q.count, len(ours))
			with QueryCounter(frappe.db) as q:
				t = time.perf_counter()
				for name in sets["naive"]:
					ppa.run_ppa_batch([name])
				results["naive (one at a time)"] = (time.perf_counter() - t, q.count, len(sets["naive"]))

			events = []
			for name in sets["hooks"]:  # charged at Stripe directly; recorded only by the webhook
				row = frappe.db.get_value(
					"Sales Invoice", name, ["customer", "outstanding_amount"], as_dict=True
				)
				method = frappe.get_doc("Saved Payment Method", row.customer)
				result = gateway.charge_saved_method(
					method.stripe_customer,
					method.payment_method,
					to_cents(row.outstanding_amount, currency),
					currency,
					f"bench:{name}",
					{"invoice": name},
				)
				events.append(
					api.signed_event("payment_intent.succeeded", api.payment_intents[result.payment_intent])
				)
			with QueryCounter(frappe.db) as q:
				t = time.perf_counter()
				for payload, header in events:
					event_id, _new = webhooks.receive(payload, header)  # verify and store
					webhooks.apply_event(event_id)  # what the enqueued job does
					frappe.db.commit()
				results["webhooks (verify+store+apply)"] = (time.perf_counter() - t, q.count, len(events))

			paid = {
				label: sum(
					1
					for n in names
					if flt(frappe.db.get_value("Sales Invoice", n, "outstanding_amount")) == 0
				)
				for label, names in sets.items()
			}
			twice = sum(1 for names in sets.values() for n in names if api.charges_for(n) > 1)
		print(f"\n{'run':32} {'items':>6} {'seconds':>8} {'per second':>11} {'queries/item':>13}")
		for label, (seconds, queries, items) in results.items():
			print(f"{label:32} {items:>6} {seconds:>8.1f} {items / seconds:>11.1f} {queries / items:>13.1f}")
		ours_t, naive_t = results["ours (batches)"][0], results["naive (one at a time)"][0]
		print(f"\nours vs naive: {naive_t / ours_t:.2f}x the throughput; paid {paid}; charged twice: {twice}")
		return 0 if twice == 0 and all(v == count for v in paid.values()) else 1
	finally:
		frappe.destroy()


if __name__ == "__main__":
	raise SystemExit(main())
