import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gigafibre_fsm.cli import main
from gigafibre_fsm.dispatch.day_planner import check_plan, plan_day
from gigafibre_fsm.dispatch.demo import JOB_KINDS, demo_day
from gigafibre_fsm.dispatch.demo.loader import load_plan_file, write_csv
from gigafibre_fsm.dispatch.demo.report import render_report
from gigafibre_fsm.dispatch.travel_time import GreatCircleTravel
from gigafibre_fsm.errors import InvalidInput

ROOT = Path(__file__).resolve().parents[3]


def test_demo_day_is_deterministic_and_realistic():
	a, b = demo_day(), demo_day()
	assert [(t.name, t.home, t.skills) for t in a.technicians] == [
		(t.name, t.home, t.skills) for t in b.technicians
	]
	assert [(j.name, j.location, j.earliest_start) for j in a.jobs] == [
		(j.name, j.location, j.earliest_start) for j in b.jobs
	]
	assert 38 <= len(a.technicians) <= 45 and len(a.jobs) == 300
	assert len({t.name for t in a.technicians}) == len(a.technicians)
	assert len(JOB_KINDS) == 12 and len({j.kind for j in a.jobs}) == 12
	for j in a.jobs:
		assert 45.2 < j.location[0] < 46.4 and -74.9 < j.location[1] < -73.2
		assert j.earliest_start <= j.latest_start
	assert any(j.needs_assistant for j in a.jobs) and any(j.locked_technician for j in a.jobs)
	assert demo_day(seed=8).jobs[0].location != a.jobs[0].location


@pytest.fixture(scope="module")
def small_plan():
	demo = demo_day(technicians=6, jobs=30, seed=3)
	plan = plan_day(demo.technicians, demo.jobs, time_limit_s=0.5, day=demo.day, timezone=demo.timezone)
	return demo, plan


def test_report_is_one_self_contained_file_with_map_timeline_and_reasons(small_plan):
	demo, plan = small_plan
	html = render_report(plan, demo.technicians, demo.jobs, "Demo", [(z[0], z[1], z[2]) for z in demo.zones])
	assert '<svg id="map"' in html and '<svg id="timeline"' in html
	assert html.count('class="route"') == len(plan.routes)
	for t in demo.technicians:
		assert t.name in html
	for name, u in plan.unassigned.items():
		assert name in html and u.text.replace("≥", "&#8805;")[:10].split("&")[0] in html
	# nothing fetched from elsewhere: no tile server, no external script, stylesheet or font
	assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
	assert "<script" not in html and "@import" not in html and "url(" not in html
	assert check_plan(demo.technicians, demo.jobs, plan, GreatCircleTravel(), day=demo.day) == []


def test_csv_export_round_trips(tmp_path, small_plan):
	demo, _plan = small_plan
	path = tmp_path / "day.csv"
	write_csv(path, demo.technicians, demo.jobs)
	loaded = load_plan_file(path, demo.day, demo.timezone)
	assert [t.name for t in loaded.technicians] == [t.name for t in demo.technicians]
	assert [t.skills for t in loaded.technicians] == [t.skills for t in demo.technicians]
	assert [(j.name, j.skills, j.needs_assistant, j.priority) for j in loaded.jobs] == [
		(j.name, j.skills, j.needs_assistant, j.priority) for j in demo.jobs
	]
	assert [j.earliest_start for j in loaded.jobs] == [j.earliest_start for j in demo.jobs]


def test_json_export_is_read(tmp_path):
	doc = {
		"date": "2025-06-10",
		"timezone": "America/Toronto",
		"technicians": [
			{
				"name": "Ann",
				"home": [45.5, -73.57],
				"shift_start": "08:00",
				"shift_end": "16:00",
				"skills": {"ont_install": 3},
				"lunch": {"earliest": "11:30", "latest": "13:00", "minutes": 30},
			},
		],
		"jobs": [
			{
				"name": "J1",
				"location": [45.51, -73.58],
				"duration_min": 45,
				"earliest_start": "09:00",
				"latest_start": "11:00",
				"skills": {"ont_install": 2},
				"priority": "high",
			},
		],
	}
	path = tmp_path / "day.json"
	path.write_text(json.dumps(doc))
	loaded = load_plan_file(path)
	assert loaded.day.isoformat() == "2025-06-10"
	tech, job = loaded.technicians[0], loaded.jobs[0]
	assert tech.home == (45.5, -73.57) and tech.lunch.duration_min == 30
	assert (
		job.priority == 3
		and job.earliest_start.hour == 9
		and str(job.earliest_start.tzinfo) == "America/Toronto"
	)


@pytest.mark.parametrize(
	"row, template, params",
	[
		(
			"job,J1,abc,-73.5,,,45",
			"Row {row}: the field {field} must be a number (got {value})",
			{"row": "2", "field": "lat"},
		),
		(
			"job,J1,45.5,-73.5,,,",
			"Row {row}: the field {field} is required",
			{"row": "2", "field": "duration_min"},
		),
		(
			"job,J1,45.5,-73.5,,,45,25:99",
			"Row {row}: the field {field} must be a time HH:MM or an ISO 8601 date-time (got {value})",
			{"field": "earliest_start"},
		),
		("truck,T1", "Row {row}: unknown record type {value} (use technician or job)", {"row": "2"}),
	],
)
def test_bad_rows_name_the_row_and_the_field(tmp_path, row, template, params):
	path = tmp_path / "bad.csv"
	path.write_text("record,name,lat,lon,shift_start,shift_end,duration_min,earliest_start\n" + row + "\n")
	with pytest.raises(InvalidInput) as err:
		load_plan_file(path)
	assert err.value.message == template
	for k, v in params.items():
		assert err.value.params[k] == v


def test_cli_demo_writes_the_report_and_prints_a_summary(tmp_path, capsys):
	out = tmp_path / "r" / "demo.html"
	code = main(["demo", "--out", str(out), "--time-limit", "0.3", "--technicians", "5", "--jobs", "25"])
	assert code == 0
	text = capsys.readouterr().out
	assert "Technician" in text and "First ETA" in text and "unassigned" in text
	assert out.is_file() and '<svg id="map"' in out.read_text()


def test_cli_demo_exports_a_day_that_plan_reads(tmp_path, capsys):
	day = tmp_path / "day.csv"
	args = ["--time-limit", "0.3", "--technicians", "4", "--jobs", "12"]
	assert main(["demo", "--out", str(tmp_path / "demo.html"), "--export", str(day), *args]) == 0
	assert main(["plan", str(day), "--out", str(tmp_path / "plan.html"), "--time-limit", "0.3"]) == 0
	rows = day.read_text().splitlines()
	assert len(rows) == 1 + 4 + 12 and rows[0].startswith("record,")


def test_cli_plan_refuses_bad_input_with_a_clear_message_and_writes_nothing(tmp_path, capsys):
	path = tmp_path / "day.csv"
	path.write_text(
		"record,name,lat,lon,shift_start,shift_end,duration_min,earliest_start,latest_start\n"
		"technician,Ann,,,08:00,16:00,,,\n"
		"job,J1,45.5,-73.5,,,30,09:00,10:00\n"
	)
	out = tmp_path / "plan.html"
	assert main(["plan", str(path), "--out", str(out), "--date", "2025-06-10", "--time-limit", "0.2"]) == 2
	assert "Technician Ann has no home base" in capsys.readouterr().err
	assert not out.exists() and not list(tmp_path.glob(".report-*"))

	path.write_text(
		"record,name,lat,lon,shift_start,shift_end,duration_min,earliest_start,latest_start\n"
		"technician,Ann,45.5,-73.6,08:00,16:00,,,\n"
		"job,J1,45.5,-73.5,,,30,14:00,10:00\n"
	)
	assert main(["plan", str(path), "--out", str(out), "--date", "2025-06-10"]) == 2
	assert "impossible window" in capsys.readouterr().err and not out.exists()
	assert main(["plan", str(tmp_path / "missing.csv"), "--out", str(out)]) == 2
	assert main(["plan", str(path), "--date", "10/06/2025"]) == 2


def test_cli_plan_on_a_user_file(tmp_path, capsys):
	path = tmp_path / "day.csv"
	path.write_text(
		"record,name,lat,lon,shift_start,shift_end,skills,duration_min,earliest_start,latest_start\n"
		"technician,Ann,45.5,-73.6,08:00,16:00,ont_install:3,,,\n"
		"job,J1,45.51,-73.58,,,ont_install:2,30,09:00,10:00\n"
		"job,J2,45.52,-73.59,,,fibre_splicing:4,30,09:00,10:00\n"
	)
	out = tmp_path / "plan.html"
	assert main(["plan", str(path), "--out", str(out), "--date", "2025-06-10", "--time-limit", "0.2"]) == 0
	text = capsys.readouterr().out
	assert "1 jobs planned, 1 unassigned" in text and "J2: No technician working today" in text
	assert "J1" in out.read_text()


def test_python_dash_m_cli_runs():
	result = subprocess.run(
		[sys.executable, "-m", "gigafibre_fsm.cli", "--help"],
		cwd=ROOT,
		capture_output=True,
		text=True,
		timeout=60,
	)
	assert result.returncode == 0 and "demo" in result.stdout and "plan" in result.stdout
