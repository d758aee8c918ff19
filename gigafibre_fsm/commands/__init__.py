"""Bench commands: `bench --site SITE gigafibre ...`."""

import click
from frappe.commands import get_site, pass_context


@click.group("gigafibre")
def gigafibre():
	"""Gigafibre FSM: dispatch and network operations."""


@gigafibre.command("plan-day")
@click.argument("date")
@click.option("--apply", "apply_plan", is_flag=True, help="Write the plan (all of it or nothing).")
@click.option("--time-limit", type=float, help="Seconds the solver may take.")
@pass_context
def plan_day(context, date, apply_plan=False, time_limit=None):
	"""Plan DATE's jobs across the technicians; preview, or --apply."""
	import frappe
	from frappe import _

	from gigafibre_fsm.dispatch.services import day_planning

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		plan = day_planning.preview(date, time_limit)
		for route in plan["routes"]:
			jobs = [s for s in route["stops"] if s["kind"] != "lunch"]
			first = jobs[0]["arrival"][11:16] if jobs else "-"
			click.echo(
				_("{0}: {1} jobs, {2} min of driving, first arrival {3}").format(
					route["technician_name"], len(jobs), route["travel_minutes"], first
				)
			)
		for item in plan["unassigned"]:
			click.echo(_("Unassigned {0} ({1}): {2}").format(item["job"], item["subject"], item["reason"]))
		for warning in plan["warnings"]:
			click.echo(warning)
		planned = sum(1 for r in plan["routes"] for s in r["stops"] if s["kind"] == "job")
		click.echo(
			_("{0}: {1} jobs planned, {2} unassigned, {3} min of driving in all ({4} s)").format(
				plan["date"], planned, len(plan["unassigned"]), plan["travel_minutes"], plan["solve_seconds"]
			)
		)
		if apply_plan:
			result = day_planning.apply(plan["plan_id"])
			frappe.db.commit()
			click.echo(_("Plan applied: {0} jobs changed").format(result["jobs_changed"]))
	except Exception:
		frappe.db.rollback()
		raise
	finally:
		frappe.destroy()


@gigafibre.command("load-demo")
@click.argument("date")
@click.option("--technicians", type=int, default=42)
@click.option("--jobs", type=int, default=300)
@pass_context
def load_demo(context, date, technicians=42, jobs=300):
	"""Load the demo day's technicians and jobs into the site, on DATE."""
	import frappe
	from frappe import _
	from frappe.utils import getdate

	from gigafibre_fsm.dispatch.services import demo_site

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		loaded = demo_site.load(getdate(date), technicians, jobs)
		frappe.db.commit()
		click.echo(_("Loaded {0} technicians and {1} jobs").format(loaded["technicians"], loaded["jobs"]))
	except Exception:
		frappe.db.rollback()
		raise
	finally:
		frappe.destroy()


@gigafibre.command("import-served-addresses")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Report what the import would do, row by row; write nothing.")
@pass_context
def import_served_addresses(context, file, dry_run=False):
	"""Create or update Served Addresses from FILE (CSV; columns in sales/eligibility/README.md).

	Idempotent: a row whose address (civic, unit, street, municipality) exists updates it."""
	import frappe

	from gigafibre_fsm.sales.doctype.served_address import csv_import

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		with open(file, encoding="utf-8") as fh:
			text = fh.read()
		try:
			results = csv_import.import_text(text, dry_run)
		except frappe.ValidationError as e:  # the file itself: a missing or unknown column
			frappe.db.rollback()
			raise click.ClickException(str(e))
		for result in results:
			click.echo(csv_import.describe(result))
		click.echo(csv_import.summary(results, dry_run))
		if dry_run:
			frappe.db.rollback()
		else:
			frappe.db.commit()
	except Exception:
		frappe.db.rollback()
		raise
	finally:
		frappe.destroy()


def run_operator_import(folder: str, dry_run: bool, echo=click.echo) -> list[dict]:
	"""Import an operator's export FOLDER into the connected site (the command's body, for a
	caller that is already connected): report every row, commit unless `dry_run`."""
	import frappe

	from gigafibre_fsm.subscribers.services import migration

	try:
		results = migration.import_folder(folder, dry_run)
	except frappe.ValidationError as e:  # the files themselves: a missing or unknown column
		frappe.db.rollback()
		raise click.ClickException(str(e))
	for result in results:
		echo(migration.describe(result, dry_run))
	echo(migration.summary(results, dry_run))
	if dry_run:
		frappe.db.rollback()
	else:
		frappe.db.commit()
	return results


@gigafibre.command("import-operator-data")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--dry-run", is_flag=True, help="Report what the import would do, row by row; write nothing.")
@pass_context
def import_operator_data(context, folder, dry_run=False):
	"""Import an operator's customers, locations, equipment and subscriptions from the CSV files
	in FOLDER (columns in subscribers/migration/README.md).

	Idempotent: a row whose record (by its name in the export) exists updates it when it differs."""
	import frappe

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		run_operator_import(folder, dry_run)
	except Exception:
		frappe.db.rollback()
		raise
	finally:
		frappe.destroy()


commands = [gigafibre]
