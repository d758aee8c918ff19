"""Pre-authorised payments on a real site against the local Stripe double, side by side.

Sets of due invoices of the same kind (one per customer, each with a saved card):
- batched: the run as the scheduler starts it, in batches (`run_ppa_batch` over a batch of
  --batch invoices): one INSERT for the batch's tries, the Stripe calls, one Journal Entry per
  99 charges and one UPDATE of the tries;
- naive: the same code started for one invoice at a time (no batching: every load, write and
  commit per invoice, a Journal Entry of one row each);
- payment entries (--payment-entries N): batched, but each charge recorded with its own
  ERPNext Payment Entry, as the run did before the Journal Entry (what 0.7 invoices/s was);
- webhooks (--hooks N): charged at Stripe directly, then recorded through Stripe's webhook
  (signature checked with construct_event, event stored, applied: a Payment Entry each).
It reports invoices (or events) per second and database queries per invoice, every figure
measured in the same run. Every posting is real (ERPNext writes its GL and Payment Ledger
entries and the invoices' outstanding). Seeding (customers, submitted Sales Invoices) is not
timed.

Run from the bench's sites folder, on a site made for it (it commits what it creates):

    ../env/bin/python -m benchmarks.ppa_run --site ppa.localhost --clone --invoices 10000 --naive 1000

Goal (issue): ≥ 50 invoices/s and ≤ 15 queries per invoice, over 10,000 invoices.
"""

from __future__ import annotations

import argparse
import os
import time
from collections import Counter


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


def stripe_account(frappe, company: str) -> str:
	"""The company's first bank account, or a "Stripe Clearing" bank account made for it."""
	bank = frappe.db.get_value("Account", {"company": company, "account_type": "Bank", "is_group": 0}, "name")
	if bank:
		return bank
	parent = frappe.db.get_value(
		"Account", {"company": company, "root_type": "Asset", "is_group": 1}, "name", order_by="lft desc"
	)
	account = frappe.get_doc(
		{
			"doctype": "Account",
			"account_name": "Stripe Clearing",
			"company": company,
			"parent_account": parent,
			"account_type": "Bank",
		}
	).insert(ignore_permissions=True)
	frappe.db.commit()
	return account.name


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


def clone(frappe, api, gateway, label: str, count: int, templates: list[str]) -> list[str]:
	"""`count` more customers on PPA, each with a saved card and one due invoice, copied at the
	database level from `templates` (invoices ERPNext submitted): the invoice with its child
	rows, its GL and Payment Ledger Entries, its customer and saved card, with the names, party
	and Stripe ids changed (the Stripe customer and card are made at the double). Seeding
	10,000 invoices through ERPNext takes hours on this machine; the run reads and writes the
	same rows either way (the invoice, its outstanding from the Payment Ledger, the party)."""
	child_doctypes = [df.options for df in frappe.get_meta("Sales Invoice").get_table_fields()]

	def rows(sql, *params):
		return frappe.db.sql(sql, params, as_dict=True)

	sources = []
	for name in templates:
		si = rows("select * from `tabSales Invoice` where name=%s", name)[0]
		copies = {
			"Customer": rows("select * from `tabCustomer` where name=%s", si.customer),
			"Saved Payment Method": rows(
				"select * from `tabSaved Payment Method` where name=%s", si.customer
			),
			"Sales Invoice": [si],
		}
		for doctype in child_doctypes:
			copies[doctype] = rows(
				f"select * from `tab{doctype}` where parent=%s and parenttype='Sales Invoice'", name
			)
		for doctype in ("GL Entry", "Payment Ledger Entry"):
			copies[doctype] = rows(f"select * from `tab{doctype}` where voucher_no=%s", name)
		sources.append((si, copies))
	run = frappe.generate_hash(length=6)
	out: dict[str, list[dict]] = {}
	names = []
	for i in range(count):
		si, copies = sources[i % len(sources)]
		customer = copies["Customer"][0]
		method = copies["Saved Payment Method"][0]
		new_customer = f"_Bench {label} {run} {i:05d}"
		new_invoice = f"BENCH-{run}-{i:05d}"
		stripe_id = gateway.create_customer(new_customer, new_customer)
		swap = {
			si.name: new_invoice,
			customer.name: new_customer,
			customer.customer_name: new_customer,
			customer.stripe_id: stripe_id,
			method.payment_method: api.add_payment_method(stripe_id),
		}
		for doctype, source_rows in copies.items():
			for row in source_rows:
				copy = {k: swap.get(v, v) if isinstance(v, str) else v for k, v in row.items()}
				if doctype not in ("Customer", "Saved Payment Method", "Sales Invoice"):
					copy["name"] = frappe.generate_hash(length=12)
				out.setdefault(doctype, []).append(copy)
		names.append(new_invoice)
	for doctype, new_rows in out.items():
		fields = list(new_rows[0])
		frappe.db.bulk_insert(
			doctype, fields, [tuple(r[f] for f in fields) for r in new_rows], chunk_size=500
		)
	frappe.db.commit()
	return names


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
	parser.add_argument("--site", required=True)
	parser.add_argument("--sites-path", default=os.getcwd())
	parser.add_argument("--invoices", type=int, default=10000, help="invoices of the batched run")
	parser.add_argument(
		"--naive", type=int, default=None, help="invoices of the naive run (default: --invoices)"
	)
	parser.add_argument("--payment-entries", type=int, default=0, help="invoices recorded by Payment Entries")
	parser.add_argument("--hooks", type=int, default=0, help="webhook events")
	parser.add_argument("--batch", type=int, default=200)
	parser.add_argument("--quick", action="store_true", help="100 invoices per set")
	parser.add_argument(
		"--clone",
		action="store_true",
		help="seed 7 invoices per set through ERPNext and copy them at the database level for the rest",
	)
	args = parser.parse_args()
	counts = {
		"batched": args.invoices,
		"naive": args.invoices if args.naive is None else args.naive,
		"payment entries": args.payment_entries,
		"webhooks": args.hooks,
	}
	if args.quick:
		counts = {label: 100 for label in counts}

	import frappe

	frappe.init(site=args.site, sites_path=args.sites_path)
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		from frappe.utils import flt

		from gigafibre_fsm.billing.money import to_cents
		from gigafibre_fsm.billing.services import batch_posting, payments, ppa, webhooks
		from gigafibre_fsm.billing.services import settings as billing_settings
		from simulators.stripe_api import StripeApiDouble

		company = frappe.defaults.get_global_default("company")
		currency = frappe.get_cached_value("Company", company, "default_currency")
		bank = stripe_account(frappe, company)
		with StripeApiDouble() as api:
			configure(frappe, api, company, bank, currency, args.batch)
			gateway = billing_settings.gateway()
			t = time.perf_counter()
			sets = {}
			for label, count in counts.items():
				if not count:
					continue
				through_erpnext = min(count, 7) if args.clone else count
				sets[label] = seed(frappe, api, gateway, label, through_erpnext, company, currency)
				if count > through_erpnext:
					sets[label] += clone(frappe, api, gateway, label, count - through_erpnext, sets[label])
			print(
				f"seeded {counts} invoices in {time.perf_counter() - t:.0f} s (not timed below)", flush=True
			)

			def batched(names):
				for i in range(0, len(names), args.batch):
					ppa.run_ppa_batch(names[i : i + args.batch])

			def one_payment_entry_each(charges):  # the recording the run used before
				booked = {
					pi: (payments.PAYMENT_ENTRY, payments.record_payment(invoice, pi, cents, cur))
					for invoice, pi, cents, cur in charges
				}
				return booked, {}

			results = {}

			def measure(label, names, run):
				with QueryCounter(frappe.db) as q:
					t = time.perf_counter()
					run(names)
					results[label] = (time.perf_counter() - t, q.count, len(names))
				seconds, queries, items = results[label]
				print(
					f"{label}: {items} in {seconds:.1f} s, {items / seconds:.1f}/s, {queries / items:.1f} queries each",
					flush=True,
				)

			measure("batched (Journal Entry)", sets["batched"], batched)
			if "naive" in sets:
				measure(
					"naive (one at a time)",
					sets["naive"],
					lambda names: [ppa.run_ppa_batch([n]) for n in names],
				)
			if "payment entries" in sets:
				real = batch_posting.post_charges
				batch_posting.post_charges = one_payment_entry_each
				try:
					measure("batched, Payment Entry each", sets["payment entries"], batched)
				finally:
					batch_posting.post_charges = real
			if "webhooks" in sets:
				events = []
				for name in sets["webhooks"]:  # charged at Stripe directly; recorded only by the webhook
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
						api.signed_event(
							"payment_intent.succeeded", api.payment_intents[result.payment_intent]
						)
					)

				def apply(events):
					for payload, header in events:
						event_id, _new = webhooks.receive(payload, header)  # verify and store
						webhooks.apply_event(event_id)  # what the enqueued job does
						frappe.db.commit()

				measure("webhooks (verify+store+apply)", events, apply)

			paid = {
				label: sum(
					1
					for n in names
					if flt(frappe.db.get_value("Sales Invoice", n, "outstanding_amount")) == 0
				)
				for label, names in sets.items()
			}
			charges = Counter(  # what api.charges_for counts, for every invoice in one pass
				pi["metadata"].get("invoice")
				for pi in api.payment_intents.values()
				if pi["status"] == "succeeded"
			)
			twice = sum(1 for names in sets.values() for n in names if charges[n] > 1)
			journals = frappe.db.count(
				"PPA Attempt", {"sales_invoice": ["in", sets["batched"]], "journal_entry": ["is", "set"]}
			)
		print(f"\n{'run':32} {'items':>6} {'seconds':>8} {'per second':>11} {'queries/item':>13}")
		for label, (seconds, queries, items) in results.items():
			print(f"{label:32} {items:>6} {seconds:>8.1f} {items / seconds:>11.1f} {queries / items:>13.1f}")
		ours_t = results["batched (Journal Entry)"]
		if "naive (one at a time)" in results:
			naive_t = results["naive (one at a time)"]
			ratio = (ours_t[2] / ours_t[0]) / (naive_t[2] / naive_t[0])
			print(f"\nbatched vs naive: {ratio:.1f}x the throughput")
		print(f"paid {paid} of {counts}; booked by a batch Journal Entry: {journals}; charged twice: {twice}")
		return 0 if twice == 0 and all(paid[label] == len(names) for label, names in sets.items()) else 1
	finally:
		frappe.destroy()


if __name__ == "__main__":
	raise SystemExit(main())
