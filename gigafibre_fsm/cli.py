"""Command line: plan the demo day or a user's own export, print a summary, write the report.

	gigafibre-fsm demo [--out out/demo-report.html] [--time-limit 5]
	gigafibre-fsm plan FILE [--out report.html] [--date 2025-06-10] [--time-limit 5]

Runs the framework-free core only: no Frappe site needed.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from gigafibre_fsm.errors import ExternalServiceError, GigafibreError, InvalidInput, _

EXIT_BAD_INPUT = 2
EXIT_SERVICE = 3


def _translator(lang: str | None):
	"""A function translating a template with the app's translations/<lang>.csv (identity if none)."""
	if not lang or lang.startswith("en"):
		return lambda s: s
	table = {}
	path = Path(__file__).parent / "translations" / f"{lang}.csv"
	if path.is_file():
		with open(path, encoding="utf-8") as f:
			for row in csv.reader(f):
				if len(row) >= 2:
					table[row[0]] = row[1]
	return lambda s: table.get(s, s)


def _travel(args):
	from gigafibre_fsm.dispatch.travel_time import GreatCircleTravel, MapboxTravel, OsrmTravel

	if args.osrm:
		return OsrmTravel(args.osrm, timeout=args.service_timeout)
	if args.mapbox_token:
		return MapboxTravel(args.mapbox_token, timeout=args.service_timeout)
	return GreatCircleTravel()


def _write_atomically(path: Path, text: str) -> None:
	# never leave a half-written report behind
	path.parent.mkdir(parents=True, exist_ok=True)
	fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".report-", suffix=".html")
	try:
		with os.fdopen(fd, "w", encoding="utf-8") as f:
			f.write(text)
		os.chmod(tmp, 0o644)  # mkstemp makes it private; a report is meant to be shared
		os.replace(tmp, path)
	except BaseException:
		if os.path.exists(tmp):
			os.unlink(tmp)
		raise


def print_summary(plan, technicians, tr, out=None) -> None:
	"""The per-technician table, the totals and every unassigned job with its reason."""
	out = out or sys.stdout
	from gigafibre_fsm.dispatch.demo.report import SUMMARY_HEADINGS, summary_rows

	rows = summary_rows(plan, technicians)
	head = [tr(h) for h in SUMMARY_HEADINGS]
	keys = ["technician", "jobs", "work_h", "travel_km", "travel_min", "first", "last"]
	width = max([len(head[0])] + [len(r["technician"]) for r in rows])
	fmt = f"{{:<{width}}}  {{:>5}}  {{:>8}}  {{:>11}}  {{:>12}}  {{:>9}}  {{:>8}}"
	print(fmt.format(*head), file=out)
	for r in rows:
		print(fmt.format(*(r[k] for k in keys)), file=out)
	assigned = plan.assigned()
	work = sum(r.work_s for r in plan.routes.values())
	print(file=out)
	print(
		tr(
			_(
				"{planned} jobs planned, {unassigned} unassigned; {techs} technicians; travel {km} km ({hours} h); work {work} h; solver {seconds} s"
			)
		).format(
			planned=len(assigned),
			unassigned=len(plan.unassigned),
			techs=len(plan.routes),
			km=round(plan.travel_m / 1000),
			hours=round(plan.travel_s / 3600, 1),
			work=round(work / 3600, 1),
			seconds=round(plan.solve_seconds, 1),
		),
		file=out,
	)
	for name, u in sorted(plan.unassigned.items()):
		print(f"  - {name}: {tr(u.message).format(**u.params)}", file=out)


def _run(args, tr) -> int:
	from gigafibre_fsm.dispatch.day_planner import plan_day
	from gigafibre_fsm.dispatch.demo import demo_day
	from gigafibre_fsm.dispatch.demo.loader import load_plan_file, write_csv
	from gigafibre_fsm.dispatch.demo.report import render_report

	if args.command == "demo":
		demo = demo_day(technicians=args.technicians, jobs=args.jobs, seed=args.seed)
		day, tz, techs, jobs = demo.day, demo.timezone, demo.technicians, demo.jobs
		places = [(z[0], z[1], z[2]) for z in demo.zones]
		title = tr(_("Demo day plan, {day}")).format(day=day.isoformat())
		if args.export:  # the demo day in the layout `plan` reads: a template for one's own export
			write_csv(args.export, techs, jobs)
	else:
		day_arg = None
		if args.date:
			try:
				day_arg = date.fromisoformat(args.date)
			except ValueError:
				raise InvalidInput(_("The date {value} is not YYYY-MM-DD"), value=args.date)
		loaded = load_plan_file(args.file, day_arg, args.timezone)
		day, tz, techs, jobs, places = loaded.day, loaded.timezone, loaded.technicians, loaded.jobs, None
		title = tr(_("Day plan, {day}")).format(day=day.isoformat())
	started = time.perf_counter()
	plan = plan_day(
		techs, jobs, _travel(args), time_limit_s=args.time_limit, seed=args.seed, day=day, timezone=tz
	)
	html = render_report(plan, techs, jobs, title, places, tr)
	out = Path(args.out)
	_write_atomically(out, html)
	print_summary(plan, techs, tr)
	print(
		tr(_("Report written to {path} ({seconds} s in all)")).format(
			path=out, seconds=round(time.perf_counter() - started, 1)
		)
	)
	return 0


def _message(error: GigafibreError, tr) -> str:
	# field labels travel as params: translate those too
	params = {k: tr(v) if isinstance(v, str) else v for k, v in error.params.items()}
	return tr(error.message).format(**params)


def main(argv: list[str] | None = None) -> int:
	"""Entry point of `gigafibre-fsm` (and `python -m gigafibre_fsm.cli`)."""
	parser = argparse.ArgumentParser(
		prog="gigafibre-fsm", description="Gigafibre FSM: plan a day of field work."
	)
	sub = parser.add_subparsers(dest="command", required=True)

	def common(p, out_default):
		p.add_argument("--out", default=out_default, help="HTML report to write")
		p.add_argument("--time-limit", type=float, default=5.0, help="solver seconds (default 5)")
		p.add_argument("--seed", type=int, default=1)
		p.add_argument("--osrm", metavar="URL", help="use this OSRM server for travel times")
		p.add_argument("--mapbox-token", metavar="TOKEN", help="use Mapbox's Matrix API for travel times")
		p.add_argument("--service-timeout", type=float, default=30.0)
		p.add_argument("--lang", default=os.environ.get("GIGAFIBRE_LANG", "en"), help="en or fr")

	demo = sub.add_parser("demo", help="plan the embedded demo day (Montréal, Laval, Longueuil, Laurentides)")
	common(demo, "out/demo-report.html")
	demo.add_argument("--technicians", type=int, default=42)
	demo.add_argument("--jobs", type=int, default=300)
	demo.add_argument(
		"--export", metavar="FILE.csv", help="also write the demo day as a CSV that `plan` reads"
	)
	plan = sub.add_parser("plan", help="plan the technicians and jobs of a CSV or JSON export")
	plan.add_argument("file")
	plan.add_argument("--date", help="the day HH:MM times refer to (YYYY-MM-DD)")
	plan.add_argument("--timezone", help="time zone of HH:MM times (default America/Toronto)")
	common(plan, "out/plan-report.html")
	args = parser.parse_args(argv)
	tr = _translator(args.lang)
	try:
		return _run(args, tr)
	except InvalidInput as e:
		print(tr(_("Error: {error}")).format(error=_message(e, tr)), file=sys.stderr)
		return EXIT_BAD_INPUT
	except ExternalServiceError as e:
		print(tr(_("Error: {error}")).format(error=_message(e, tr)), file=sys.stderr)
		return EXIT_SERVICE
	except BrokenPipeError:  # output piped into `head`: not an error
		sys.stderr.close()
		return 0
	except GigafibreError as e:  # pragma: no cover - any other rule broken
		print(tr(_("Error: {error}")).format(error=str(e)), file=sys.stderr)
		return EXIT_BAD_INPUT


if __name__ == "__main__":
	sys.exit(main())
