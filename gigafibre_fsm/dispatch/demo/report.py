"""One self-contained HTML file: an SVG map (no tile server), a timeline per technician,
the unassigned jobs with their reasons, totals. No external JS, CSS or fonts."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from html import escape

from gigafibre_fsm.dispatch.day_planner import DayPlan, PlanJob, PlanTechnician
from gigafibre_fsm.dispatch.day_planner.model import KIND_ASSIST, KIND_LUNCH
from gigafibre_fsm.errors import _

Translate = Callable[[str], str]


def _identity(text: str) -> str:
	return text


def colour(i: int) -> str:
	"""A distinct, readable colour per technician (golden-angle hues)."""
	return f"hsl({(i * 137.508) % 360:.0f} 70% 42%)"


def _projector(points, width, height, pad=24):
	lats = [p[0] for p in points] or [45.5]
	lons = [p[1] for p in points] or [-73.6]
	lat0 = (min(lats) + max(lats)) / 2
	kx = math.cos(math.radians(lat0))  # equirectangular: good enough at a region's scale
	min_x, max_x = min(lons) * kx, max(lons) * kx
	min_y, max_y = min(lats), max(lats)
	span = max(max_x - min_x, (max_y - min_y) * width / height, 1e-6)
	scale = (width - 2 * pad) / span
	scale = min(scale, (height - 2 * pad) / max(max_y - min_y, 1e-6))

	def project(p):
		x = pad + (p[1] * kx - min_x) * scale
		y = height - pad - (p[0] - min_y) * scale
		return x, y

	return project


def _fmt_hm(dt: datetime) -> str:
	return dt.strftime("%H:%M")


# The per-technician summary's columns, shared by the report and the command line
SUMMARY_HEADINGS = (
	_("Technician"),
	_("Jobs"),
	_("Work (h)"),
	_("Travel (km)"),
	_("Travel (min)"),
	_("First ETA"),
	_("Last ETA"),
)


def summary_rows(plan: DayPlan, technicians: list[PlanTechnician]) -> list[dict]:
	"""One row per technician: jobs, work hours, travel km and minutes, first and last ETA."""
	rows = []
	for t in technicians:
		route = plan.routes.get(t.name)
		if route is None:
			rows.append(
				{
					"technician": t.name,
					"jobs": 0,
					"work_h": 0.0,
					"travel_km": 0.0,
					"travel_min": 0,
					"first": "-",
					"last": "-",
					"back": "-",
				}
			)
			continue
		jobs = route.jobs
		rows.append(
			{
				"technician": t.name,
				"jobs": len(jobs),
				"work_h": round(route.work_s / 3600, 1),
				"travel_km": round(route.travel_m / 1000, 1),
				"travel_min": round(route.travel_s / 60),
				"first": _fmt_hm(jobs[0].arrival) if jobs else "-",
				"last": _fmt_hm(jobs[-1].arrival) if jobs else "-",
				"back": _fmt_hm(route.return_home),
			}
		)
	return rows


def render_report(
	plan: DayPlan,
	technicians: list[PlanTechnician],
	jobs: list[PlanJob],
	title: str,
	places: list[tuple[str, float, float]] | None = None,
	translate: Translate = _identity,
) -> str:
	"""The report as one HTML string."""
	tr = translate
	job_by_name = {j.name: j for j in jobs}
	tech_index = {t.name: i for i, t in enumerate(technicians)}
	points = [t.home for t in technicians if t.home] + [j.location for j in jobs if j.location]
	W, H = 980, 720
	project = _projector(points, W, H)
	svg = [
		f'<svg id="map" viewBox="0 0 {W} {H}" width="100%" role="img" aria-label="{escape(tr(_("Map of the routes")))}">',
		f'<rect width="{W}" height="{H}" fill="#f4f6f2"/>',
	]
	for name, lat, lon in places or []:
		x, y = project((lat, lon))
		svg.append(f'<text x="{x:.1f}" y="{y:.1f}" class="place">{escape(name)}</text>')
	for t in technicians:
		route = plan.routes.get(t.name)
		if route is None or not t.home:
			continue
		c = colour(tech_index[t.name])
		path = [t.home] + [s.location for s in route.jobs] + [t.home]
		coords = " ".join("{:.1f},{:.1f}".format(*project(p)) for p in path)
		svg.append(
			f'<polyline class="route" data-technician="{escape(t.name)}" points="{coords}" stroke="{c}">'
			f"<title>{escape(t.name)}</title></polyline>"
		)
	assigned = plan.assigned()
	for j in jobs:
		if not j.location:
			continue
		x, y = project(j.location)
		if j.name in assigned:
			tech = assigned[j.name][0][0]
			c = colour(tech_index.get(tech, 0))
			label = f"{j.name} {j.title} - {tech} {_fmt_hm(assigned[j.name][0][1].start)}"
			svg.append(
				f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.2" fill="{c}"><title>{escape(label)}</title></circle>'
			)
		else:
			reason = plan.unassigned[j.name].text if j.name in plan.unassigned else ""
			svg.append(
				f'<g class="unassigned"><path d="M{x - 4:.1f},{y - 4:.1f}l8,8m0,-8l-8,8" stroke="#c00" stroke-width="2"/>'
				f"<title>{escape(j.name)} {escape(j.title)}: {escape(reason)}</title></g>"
			)
	for t in technicians:
		if not t.home:
			continue
		x, y = project(t.home)
		c = colour(tech_index[t.name])
		svg.append(
			f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="white" stroke="{c}" stroke-width="2">'
			f"<title>{escape(t.name)} ({escape(tr(_('home base')))})</title></rect>"
		)
	svg.append("</svg>")

	# timelines
	starts = [r.depart for r in plan.routes.values()]
	ends = [r.return_home for r in plan.routes.values()]
	h0 = min((d.hour for d in starts), default=7)
	h1 = max((d.hour + 1 for d in ends), default=18)
	h1 = max(h1, h0 + 1)
	TW, row_h, left = 980, 22, 170
	span_s = (h1 - h0) * 3600
	rows_svg = []
	routes_in_order = [t for t in technicians if t.name in plan.routes]
	height = 30 + row_h * len(routes_in_order)

	def xpos(dt: datetime) -> float:
		s = dt.hour * 3600 + dt.minute * 60 + dt.second - h0 * 3600
		return left + (TW - left - 10) * max(0, min(s, span_s)) / span_s

	tl = [f'<svg id="timeline" viewBox="0 0 {TW} {height}" width="100%">']
	for h in range(h0, h1 + 1):
		x = xpos(datetime(2000, 1, 1, min(h, 23), 59 if h == 24 else 0)) if h < 24 else TW - 10
		tl.append(
			f'<line x1="{x:.1f}" y1="18" x2="{x:.1f}" y2="{height}" class="grid"/>'
			f'<text x="{x:.1f}" y="12" class="hour">{h:02d}:00</text>'
		)
	for k, t in enumerate(routes_in_order):
		route = plan.routes[t.name]
		y = 22 + k * row_h
		c = colour(tech_index[t.name])
		rows_svg.append(f'<text x="4" y="{y + 13}" class="tname">{escape(t.name)}</text>')
		prev_end = route.depart
		for s in route.stops:
			if s.kind == KIND_LUNCH:
				rows_svg.append(
					f'<rect x="{xpos(s.start):.1f}" y="{y + 3}" width="{max(1, xpos(s.end) - xpos(s.start)):.1f}" height="14" class="lunch">'
					f"<title>{escape(tr(_('Lunch')))} {_fmt_hm(s.start)}-{_fmt_hm(s.end)}</title></rect>"
				)
				prev_end = s.end
				continue
			if s.travel_s:
				a = s.arrival.timestamp() - s.travel_s
				ax = xpos(datetime.fromtimestamp(a, s.arrival.tzinfo))
				rows_svg.append(
					f'<rect x="{ax:.1f}" y="{y + 7}" width="{max(1, xpos(s.arrival) - ax):.1f}" height="6" class="travel">'
					f"<title>{escape(tr(_('Travel')))} {round(s.travel_s / 60)} min</title></rect>"
				)
			job = job_by_name.get(s.job)
			kind = tr(_("assisting")) if s.kind == KIND_ASSIST else ""
			label = f"{s.job} {job.title if job else ''} {kind} {_fmt_hm(s.start)}-{_fmt_hm(s.end)}"
			rows_svg.append(
				f'<rect x="{xpos(s.start):.1f}" y="{y + 3}" width="{max(1, xpos(s.end) - xpos(s.start)):.1f}" height="14" fill="{c}" class="work{" assist" if s.kind == KIND_ASSIST else ""}">'
				f"<title>{escape(label)}</title></rect>"
			)
			prev_end = s.end
		back = route.return_home
		if back > prev_end:
			rows_svg.append(
				f'<rect x="{xpos(prev_end):.1f}" y="{y + 7}" width="{max(1, xpos(back) - xpos(prev_end)):.1f}" height="6" class="travel"/>'
			)
	tl.extend(rows_svg)
	tl.append("</svg>")

	# tables
	rows = summary_rows(plan, technicians)
	head = [tr(h) for h in (*SUMMARY_HEADINGS, _("Back home"))]
	table = ["<table><thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr></thead><tbody>"]
	for r in rows:
		c = colour(tech_index[r["technician"]])
		table.append(
			f'<tr><td><span class="dot" style="background:{c}"></span>{escape(r["technician"])}</td>'
			f"<td>{r['jobs']}</td><td>{r['work_h']}</td><td>{r['travel_km']}</td><td>{r['travel_min']}</td>"
			f"<td>{r['first']}</td><td>{r['last']}</td><td>{r['back']}</td></tr>"
		)
	table.append("</tbody></table>")
	un = [
		'<table id="unassigned"><thead><tr>'
		+ "".join(f"<th>{escape(h)}</th>" for h in (tr(_("Job")), tr(_("Description")), tr(_("Reason"))))
		+ "</tr></thead><tbody>"
	]
	for name, u in sorted(plan.unassigned.items()):
		job = job_by_name.get(name)
		un.append(
			f"<tr><td>{escape(name)}</td><td>{escape(job.title if job else '')}</td>"
			f"<td>{escape(tr(u.message).format(**u.params))}</td></tr>"
		)
	un.append("</tbody></table>")
	if not plan.unassigned:
		un = [f"<p>{escape(tr(_('Every job is planned.')))}</p>"]

	total_work = sum(r.work_s for r in plan.routes.values())
	totals = [
		(tr(_("Jobs planned")), str(len(assigned))),
		(tr(_("Jobs left unassigned")), str(len(plan.unassigned))),
		(tr(_("Technicians with a route")), f"{len(plan.routes)} / {len(technicians)}"),
		(tr(_("Total travel")), f"{plan.travel_m / 1000:.0f} km, {plan.travel_s / 3600:.1f} h"),
		(tr(_("Total work")), f"{total_work / 3600:.1f} h"),
		(tr(_("Solver")), f"{plan.solver}, {plan.solve_seconds:.1f} s"),
	]
	totals_html = "".join(
		f'<div class="kpi"><b>{escape(v)}</b><span>{escape(k)}</span></div>' for k, v in totals
	)
	legend = (
		f'<p class="legend"><span class="sw work-sw"></span>{escape(tr(_("Work")))} '
		f'<span class="sw travel-sw"></span>{escape(tr(_("Travel")))} '
		f'<span class="sw lunch-sw"></span>{escape(tr(_("Lunch")))} '
		f'<span class="sw assist-sw"></span>{escape(tr(_("Second technician")))}</p>'
	)
	css = """
body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d2327;background:#fff}
h1{font-size:22px;margin:0 0 12px}h2{font-size:17px;margin:28px 0 8px}
.kpis{display:flex;flex-wrap:wrap;gap:10px}.kpi{border:1px solid #dde;border-radius:6px;padding:8px 12px;min-width:130px}
.kpi b{display:block;font-size:18px}.kpi span{color:#556;font-size:12px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #e3e6ea;padding:4px 8px;text-align:left}
th{background:#f3f5f7}.dot{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:6px}
.route{fill:none;stroke-width:1.6;stroke-opacity:.85;stroke-linejoin:round}.place{font-size:11px;fill:#8a9099}
.grid{stroke:#e4e7eb}.hour{font-size:10px;fill:#778;text-anchor:middle}.tname{font-size:11px}
.travel{fill:#9aa3ad}.lunch{fill:#f0a030}.assist{opacity:.55}
.legend .sw{display:inline-block;width:14px;height:10px;margin:0 4px 0 12px;vertical-align:middle}
.work-sw{background:#3a7}.travel-sw{background:#9aa3ad}.lunch-sw{background:#f0a030}.assist-sw{background:#3a7;opacity:.55}
"""
	return "\n".join(
		[
			"<!DOCTYPE html>",
			'<html lang="en"><head><meta charset="utf-8">',
			f"<title>{escape(title)}</title><style>{css}</style></head><body>",
			f"<h1>{escape(title)}</h1>",
			f'<div class="kpis">{totals_html}</div>',
			f"<h2>{escape(tr(_('Routes')))}</h2>",
			"".join(svg),
			f"<h2>{escape(tr(_('Timeline per technician')))}</h2>",
			legend,
			"".join(tl),
			f"<h2>{escape(tr(_('Technicians')))}</h2>",
			"".join(table),
			f"<h2>{escape(tr(_('Unassigned jobs')))}</h2>",
			"".join(un),
			"</body></html>",
		]
	)
