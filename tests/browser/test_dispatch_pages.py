"""Tier 2, in a real browser: the Dispatch Board (desk) and the technician's phone page (portal).

Runs against a live site given by GIGAFIBRE_SITE_URL (e.g. http://ui.localhost:8012, served by
`bench serve`); skipped without it. The test makes its own users, technicians and jobs through
the site's REST API as Administrator (GIGAFIBRE_ADMIN_PASSWORD, default "admin"), from inside
the browser, so that `*.localhost` names resolve the way Chromium resolves them. Screenshots go
to GIGAFIBRE_SCREENSHOTS (default /tmp).
"""

import ipaddress
import json
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

SITE = os.environ.get("GIGAFIBRE_SITE_URL", "").rstrip("/")
ADMIN_PASSWORD = os.environ.get("GIGAFIBRE_ADMIN_PASSWORD", "admin")
SHOTS = Path(os.environ.get("GIGAFIBRE_SCREENSHOTS", "/tmp"))
CHROMIUM = os.environ.get("GIGAFIBRE_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "Gf-Browser-Test-2026!"


def _expected_site() -> str | None:
	"""The site the URL should reach: GIGAFIBRE_SITE_NAME, else the URL's host name (not an IP)."""
	if os.environ.get("GIGAFIBRE_SITE_NAME"):
		return os.environ["GIGAFIBRE_SITE_NAME"]
	host = urlsplit(SITE).hostname or ""
	try:
		ipaddress.ip_address(host)
		return None
	except ValueError:
		return host


pytestmark = [
	pytest.mark.skipif(not SITE, reason="tier 2: set GIGAFIBRE_SITE_URL to a running site (see README)"),
	pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}"),
]

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser():
	tmp = tempfile.mkdtemp(prefix="gigafibre-browser-")
	env = {**os.environ, "HOME": tmp, "XDG_CONFIG_HOME": tmp, "XDG_CACHE_HOME": tmp}
	with sync_api.sync_playwright() as pw:
		browser = pw.chromium.launch(
			executable_path=CHROMIUM,
			headless=True,
			env=env,
			args=[
				"--disable-background-networking",
				"--disable-component-update",
				"--no-first-run",
				"--disable-sync",
			],
		)
		yield browser
		browser.close()
	shutil.rmtree(tmp, ignore_errors=True)


def login(context, user, password):
	page = context.new_page()
	page.goto(f"{SITE}/login")
	response = page.evaluate(
		"""([usr, pwd]) => fetch('/api/method/login', {method: 'POST',
			headers: {'Content-Type': 'application/json', 'Accept': 'application/json'},
			body: JSON.stringify({usr, pwd})}).then((r) => r.status)""",
		[user, password],
	)
	assert response == 200, f"login of {user} failed: HTTP {response}"
	return page


class Admin:
	"""REST calls as Administrator, made by the browser page (cookies and CSRF of the session)."""

	def __init__(self, page):
		self.page = page
		page.goto(f"{SITE}/app")
		page.wait_for_function("() => window.frappe && frappe.csrf_token && frappe.datetime && frappe.boot")
		# `bench serve` with `serve_default_site` answers every host with the default site: refuse
		# to write test records into a site other than the one asked for.
		served, expected = page.evaluate("() => frappe.boot.sitename"), _expected_site()
		assert expected is None or served == expected, (
			f"{SITE} is served by site {served}, not {expected}: start `bench --site {expected} serve`"
		)

	def call(self, method, path, body=None):
		result = self.page.evaluate(
			"""([method, path, body]) => fetch(path, {method, headers: {'Content-Type': 'application/json',
				'Accept': 'application/json', 'X-Frappe-CSRF-Token': frappe.csrf_token},
				body: body ? JSON.stringify(body) : undefined}).then(async (r) => [r.status, await r.text()])""",
			[method, path, body],
		)
		status, text = result
		assert status in (200, 202), f"{method} {path}: HTTP {status}: {text[:500]}"
		return json.loads(text)

	def insert(self, doc):
		return self.call("POST", f"/api/resource/{doc['doctype']}", doc)["data"]

	def get(self, doctype, name):
		return self.call("GET", f"/api/resource/{doctype}/{name}")["data"]

	def today(self):
		return self.page.evaluate("() => frappe.datetime.get_today()")


@pytest.fixture(scope="module")
def world(browser):
	"""A dispatcher, two technicians (one with a login), and two of today's jobs."""
	context = browser.new_context()
	admin = Admin(login(context, "Administrator", ADMIN_PASSWORD))
	run = uuid.uuid4().hex[:6]
	users = {}
	for key, role in (("dispatcher", "Dispatcher"), ("tech", "Field Technician")):
		email = f"browser-{key}-{run}@example.com"
		admin.insert(
			{
				"doctype": "User",
				"email": email,
				"first_name": f"{key.title()} {run}",
				"new_password": PASSWORD,
				"send_welcome_email": 0,
				"roles": [{"role": role}],
			}
		)
		users[key] = email
	shift = [
		{"weekday": d, "start_time": "07:00:00", "end_time": "19:00:00"}
		for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
	]
	techs = [
		admin.insert(
			{
				"doctype": "Dispatch Technician",
				"technician_name": f"Browser {label} {run}",
				"user": user,
				"active": 1,
				"home_latitude": 45.55,
				"home_longitude": -73.6,
				"weekly_schedule": shift,
			}
		)["name"]
		for label, user in (("Alice", users["tech"]), ("Bob", None))
	]
	today = admin.today()
	jobs = [
		admin.insert(
			{
				"doctype": "Dispatch Job",
				"subject": f"Browser install {run}",
				"scheduled_date": today,
				"start_time": "09:00",
				"duration_minutes": 90,
				"window_start": "08:00",
				"window_end": "12:00",
				"technician": techs[0],
				"latitude": 45.50,
				"longitude": -73.57,
			}
		)["name"],
		admin.insert(
			{
				"doctype": "Dispatch Job",
				"subject": f"Browser repair {run}",
				"scheduled_date": today,
				"start_time": "13:00",
				"duration_minutes": 60,
				"latitude": 45.52,
				"longitude": -73.55,
			}
		)["name"],
	]
	made = {
		"admin": admin,
		"users": users,
		"techs": techs,
		"jobs": jobs,
		"run": run,
		"today": today,
		"more": [],
	}
	yield made
	# leave the site's boards as they were: the jobs go, the technicians stay for the record, inactive
	for job in jobs + made["more"]:
		query = json.dumps([["job", "=", job]])
		for offer in admin.call("GET", f"/api/resource/Dispatch Job Offer?filters={quote(query)}")["data"]:
			admin.call("DELETE", f"/api/resource/Dispatch Job Offer/{offer['name']}")
		admin.call("DELETE", f"/api/resource/Dispatch Job/{job}")
	for tech in techs:
		admin.call("PUT", f"/api/resource/Dispatch Technician/{tech}", {"active": 0})
	context.close()


def test_dispatch_board_renders_the_day_and_a_move_persists(browser, world):
	context = browser.new_context(viewport={"width": 1400, "height": 900})
	page = login(context, world["users"]["dispatcher"], PASSWORD)
	page.goto(f"{SITE}/app/dispatch-board")
	assigned, unassigned = world["jobs"]
	alice, bob = world["techs"]
	block = page.locator(f'.db-row[data-technician="{alice}"] .db-job[data-job="{assigned}"]')
	block.wait_for(timeout=30000)
	page.locator(f'.db-unassigned .db-job[data-job="{unassigned}"]').wait_for()
	assert world["run"] in block.inner_text()
	page.screenshot(path=str(SHOTS / "dispatch-board.png"), full_page=True)

	# move through the dialog: Bob, 10:30
	block.click()
	dialog = page.locator(".modal.show")
	dialog.locator('select[data-fieldname="technician"]').select_option(bob)
	dialog.locator('input[data-fieldname="start_time"]').fill("10:30")
	page.wait_for_timeout(500)  # let the dialog's fade finish before the screenshot
	page.screenshot(path=str(SHOTS / "dispatch-board-move-dialog.png"))
	dialog.locator(".btn-primary", has_text="Move").click()
	page.locator(f'.db-row[data-technician="{bob}"] .db-job[data-job="{assigned}"]').wait_for()
	job = world["admin"].get("Dispatch Job", assigned)
	assert (job["technician"], job["start_time"]) == (bob, "10:30")

	# drag the unassigned job onto Alice's row
	page.locator(f'.db-unassigned .db-job[data-job="{unassigned}"]').drag_to(
		page.locator(f'.db-track[data-technician="{alice}"]'), target_position={"x": 420, "y": 20}
	)
	page.locator(f'.db-row[data-technician="{alice}"] .db-job[data-job="{unassigned}"]').wait_for()
	job = world["admin"].get("Dispatch Job", unassigned)
	assert job["technician"] == alice and job["status"] == "Assigned"
	page.screenshot(path=str(SHOTS / "dispatch-board-after-moves.png"), full_page=True)

	# someone else moves the job meanwhile: this board's stale move is refused with the conflict
	world["admin"].call("PUT", f"/api/resource/Dispatch Job/{unassigned}", {"start_time": "15:00"})
	# the board's own move, carrying the version it loaded before that change
	stale = page.evaluate(
		"""(name) => {
			const board = cur_page.page.dispatch_board;
			const job = Object.assign({}, board.jobs[name], {modified: "2000-01-01 00:00:00"});
			return board.move(job, {start_time: "16:00"}).then(() => board.jobs[name].start_time);
		}""",
		unassigned,
	)
	assert stale == "15:00"  # the board reloaded the job as it is now
	page.locator(".modal.show .msgprint", has_text="Someone else changed job").wait_for()
	page.wait_for_timeout(500)
	page.screenshot(path=str(SHOTS / "dispatch-board-conflict.png"))
	assert world["admin"].get("Dispatch Job", unassigned)["start_time"] == "15:00"
	context.close()


def test_technician_phone_page_moves_a_job_en_route(browser, world):
	context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
	page = login(context, world["users"]["tech"], PASSWORD)
	alice = world["techs"][0]
	job = world["admin"].insert(
		{
			"doctype": "Dispatch Job",
			"subject": f"Browser phone visit {world['run']}",
			"scheduled_date": world["today"],
			"start_time": "11:00",
			"duration_minutes": 45,
			"window_start": "10:00",
			"window_end": "12:00",
			"technician": alice,
			"latitude": 45.51,
			"longitude": -73.56,
		}
	)["name"]
	world["more"].append(job)
	page.goto(f"{SITE}/technician")
	card = page.locator(f'.tech-job[data-job="{job}"]')
	card.wait_for()
	assert "45.51,-73.56" in card.locator('a[href^="geo:"]').get_attribute("href")
	page.screenshot(path=str(SHOTS / "technician-page.png"), full_page=True)
	width = page.evaluate("() => document.documentElement.scrollWidth")
	assert width <= 360, f"the page scrolls sideways on a 360 px screen ({width} px)"
	card.locator("button.tech-next").tap()
	page.locator(f'.tech-job[data-job="{job}"] .tech-job-status', has_text="En Route").wait_for()
	assert world["admin"].get("Dispatch Job", job)["status"] == "En Route"
	page.screenshot(path=str(SHOTS / "technician-page-en-route.png"), full_page=True)
	# someone else's job is not on the page
	assert page.locator(f'.tech-job[data-job="{world["jobs"][0]}"]').count() == 0

	# their calendar: a new secret feed URL, offered as a webcal: link
	page.locator("#tech-calendar").tap()
	feed = page.locator('a[href^="webcal:"]')
	feed.wait_for()
	assert "technician_calendar" in feed.get_attribute("href")
	page.screenshot(path=str(SHOTS / "technician-page-calendar.png"), full_page=True)
	context.close()


def test_the_board_follows_a_change_made_elsewhere_live(browser, world):
	"""Needs Frappe's socket.io server beside the web server; skipped when the page has none."""
	context = browser.new_context(viewport={"width": 1400, "height": 900})
	page = login(context, world["users"]["dispatcher"], PASSWORD)
	page.goto(f"{SITE}/app/dispatch-board")
	job = world["jobs"][0]
	page.locator(f'.db-job[data-job="{job}"]').first.wait_for(timeout=30000)
	try:
		page.wait_for_function(
			"() => frappe.realtime.socket && frappe.realtime.socket.connected", timeout=10000
		)
	except sync_api.TimeoutError:
		context.close()
		pytest.skip("no socket.io server answers this site: live updates not checked")
	world["admin"].call("PUT", f"/api/resource/Dispatch Job/{job}", {"start_time": "11:15"})
	# no reload: the block moves when the realtime event arrives
	page.locator(f'.db-job[data-job="{job}"] .db-job-meta', has_text="11:15").wait_for(timeout=10000)
	page.screenshot(path=str(SHOTS / "dispatch-board-live.png"), full_page=True)
	context.close()


def test_the_phone_page_follows_a_dispatcher_change_live(browser, world):
	"""Needs Frappe's socket.io server; the page otherwise only polls every minute (skipped)."""
	context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
	page = login(context, world["users"]["tech"], PASSWORD)
	job = world["admin"].insert(
		{
			"doctype": "Dispatch Job",
			"subject": f"Browser live visit {world['run']}",
			"scheduled_date": world["today"],
			"start_time": "08:00",
			"duration_minutes": 30,
			"technician": world["techs"][0],
		}
	)["name"]
	world["more"].append(job)
	page.goto(f"{SITE}/technician")
	page.locator(f'.tech-job[data-job="{job}"] .tech-job-time', has_text="08:00").wait_for()
	try:
		page.wait_for_function(
			"() => frappe.realtime.socket && frappe.realtime.socket.connected", timeout=10000
		)
	except sync_api.TimeoutError:
		context.close()
		pytest.skip("no socket.io server answers this site: live updates not checked")
	world["admin"].call("PUT", f"/api/resource/Dispatch Job/{job}", {"start_time": "08:45"})
	page.locator(f'.tech-job[data-job="{job}"] .tech-job-time', has_text="08:45").wait_for(timeout=10000)

	# a job offered to them appears at once, with the link to accept it
	offered = world["admin"].insert(
		{
			"doctype": "Dispatch Job",
			"subject": f"Browser offered {world['run']}",
			"scheduled_date": world["today"],
			"start_time": "17:00",
			"duration_minutes": 30,
		}
	)["name"]
	world["more"].append(offered)
	world["admin"].call(
		"POST",
		"/api/method/gigafibre_fsm.api.dispatch.offer_job",
		{"job": offered, "technicians": [world["techs"][0]]},
	)
	offer = page.locator('#tech-offer a[href*="job_offer?token="]')
	offer.wait_for(timeout=10000)
	assert world["run"] in offer.inner_text()
	width = page.evaluate("() => document.documentElement.scrollWidth")
	assert width <= 360, f"the offer makes the page scroll sideways ({width} px)"
	page.screenshot(path=str(SHOTS / "technician-page-offer.png"), full_page=True)
	context.close()


def test_best_technicians_and_the_day_plan_from_the_board(browser, world):
	context = browser.new_context(viewport={"width": 1400, "height": 900})
	page = login(context, world["users"]["dispatcher"], PASSWORD)
	page.goto(f"{SITE}/app/dispatch-board")
	unassigned = world["admin"].insert(
		{
			"doctype": "Dispatch Job",
			"subject": f"Browser ranked {world['run']}",
			"scheduled_date": world["today"],
			"start_time": "17:30",
			"duration_minutes": 30,
			"latitude": 45.53,
			"longitude": -73.59,
		}
	)["name"]
	world["more"].append(unassigned)
	page.locator("button", has_text="Refresh").first.click()
	block = page.locator(f'.db-unassigned .db-job[data-job="{unassigned}"]')
	block.wait_for(timeout=30000)

	# best technicians: ranked, with the excluded ones and their reasons; "Assign" moves the job
	block.click()
	page.locator(".modal.show .btn-secondary", has_text="Best technicians").click()
	ranked = page.locator(".modal.show .db-ranked")
	ranked.wait_for(timeout=30000)
	page.wait_for_timeout(500)  # let the dialog's fade finish before the screenshot
	page.screenshot(path=str(SHOTS / "dispatch-board-best-technicians.png"))
	assert page.locator(".modal.show .db-ranked tbody tr").count() >= 1
	first = page.locator(".modal.show .db-assign").first
	chosen = first.get_attribute("data-technician")
	first.click()
	page.locator(f'.db-row[data-technician="{chosen}"] .db-job[data-job="{unassigned}"]').wait_for()
	assert world["admin"].get("Dispatch Job", unassigned)["technician"] == chosen

	# plan the day: a preview with routes and ETAs, then "Apply"
	page.locator("button", has_text="Plan the day").first.click()
	page.locator(".modal.show .db-plan").wait_for(timeout=60000)
	page.wait_for_timeout(500)  # let the dialog's fade finish before the screenshot
	page.screenshot(path=str(SHOTS / "dispatch-board-plan-preview.png"))
	page.locator(".modal.show .btn-primary", has_text="Apply").click()
	page.locator(".alert-message, .desk-alert", has_text="jobs changed").first.wait_for(timeout=30000)
	page.locator(".modal.show").wait_for(state="hidden")
	page.wait_for_timeout(500)  # let the dialog's fade finish before the screenshot
	page.screenshot(path=str(SHOTS / "dispatch-board-plan-applied.png"), full_page=True)
	context.close()
