"""Tier 2, in a real browser: a label photo read from the technician's page and from the desk.

Runs against a live site (GIGAFIBRE_SITE_URL, see tests/browser/README.md), skipped without it;
reuses that folder's browser, login and Administrator REST helpers. The photos are generated
(label_photos.py) and given to the pages' file inputs, as a phone's camera would.
"""

import random
import uuid
from pathlib import Path

import pytest

from tests.browser.test_dispatch_pages import CHROMIUM, PASSWORD, SHOTS, SITE, Admin, browser, login
from tests.subscribers.label_reading.label_photos import as_jpeg, label_photo, random_spec

pytestmark = [
	pytest.mark.skipif(
		not SITE, reason="tier 2: set GIGAFIBRE_SITE_URL to a running site (see tests/browser)"
	),
	pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}"),
]
__all__ = ["browser"]  # the fixture, imported


def photo_of(model: str, seed: int):
	rng = random.Random(seed)
	spec = next(s for s in iter(lambda: random_spec(rng), None) if s.model == model)
	return spec, {
		"name": "label.jpg",
		"mimeType": "image/jpeg",
		"buffer": as_jpeg(label_photo(spec, "phone", rng)),
	}


@pytest.fixture(scope="module")
def people(browser):
	context = browser.new_context()
	admin = Admin(login(context, "Administrator", "admin"))
	run = uuid.uuid4().hex[:6]
	users = {}
	for key, role in (("dispatcher", "Dispatcher"), ("tech", "Field Technician")):
		users[key] = f"label-{key}-{run}@example.com"
		admin.insert(
			{
				"doctype": "User",
				"email": users[key],
				"first_name": f"Label {key} {run}",
				"new_password": PASSWORD,
				"send_welcome_email": 0,
				"roles": [{"role": role}],
			}
		)
	tech = admin.insert(
		{
			"doctype": "Dispatch Technician",
			"technician_name": f"Label Tech {run}",
			"user": users["tech"],
			"home_latitude": 45.55,
			"home_longitude": -73.6,
		}
	)["name"]
	job = admin.insert(
		{
			"doctype": "Dispatch Job",
			"subject": f"Install an ONT {run}",
			"scheduled_date": admin.today(),
			"start_time": "10:00",
			"duration_minutes": 60,
			"technician": tech,
		}
	)["name"]
	yield {"admin": admin, "users": users, "job": job, "seed": int(run, 16)}
	context.close()


def test_the_technician_scans_a_label_and_records_it_on_their_job(browser, people):
	admin, job = people["admin"], people["job"]
	spec, photo = photo_of("XX230v", people["seed"])
	context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
	page = login(context, people["users"]["tech"], PASSWORD)
	page.goto(f"{SITE}/technician")
	box = page.locator(f'.tech-label[data-job="{job}"]')
	assert box.locator('input[type="file"]').get_attribute("capture") == "environment"
	box.locator('input[type="file"]').set_input_files(photo)
	result = box.locator(".tech-label-result")
	result.get_by_text(spec.serial_number).wait_for(timeout=30000)
	assert spec.mac_address in result.inner_text()
	assert spec.wifi_password not in page.content()
	page.screenshot(path=str(SHOTS / "label-technician-read.png"), full_page=True)
	# the page's minute refresh swaps the job list (as its own script does): the result stays
	page.evaluate(
		"""() => fetch(location.pathname, {credentials: 'same-origin'}).then((r) => r.text()).then((html) => {
			const fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('tech-jobs');
			document.getElementById('tech-jobs').replaceWith(fresh);
		})"""
	)
	page.wait_for_timeout(300)
	result = page.locator(f'.tech-label[data-job="{job}"] .tech-label-result')
	assert spec.serial_number in result.inner_text()
	result.locator("button").click()
	result.get_by_text("EQP-").wait_for(timeout=30000)
	page.screenshot(path=str(SHOTS / "label-technician-recorded.png"), full_page=True)
	found = admin.call(
		"GET",
		f'/api/resource/Service Equipment?filters=[["serial_number","=","{spec.serial_number}"]]'
		'&fields=["name","mac_address","status"]',
	)["data"]
	assert [(f["mac_address"], f["status"]) for f in found] == [(spec.mac_address, "En stock")]
	rows = admin.get("Dispatch Job", job)["equipment"]
	assert [(r["equipment"], r["action"]) for r in rows] == [(found[0]["name"], "Installed")]
	context.close()


def test_the_desk_reads_a_label_and_records_it_in_stock(browser, people):
	spec, photo = photo_of("G-1425G-A", people["seed"] + 1)
	context = browser.new_context(viewport={"width": 1400, "height": 900})
	page = login(context, people["users"]["dispatcher"], PASSWORD)
	page.goto(f"{SITE}/app/service-equipment")
	page.get_by_role("button", name="Read label photo").click()
	uploader = page.locator(".modal.show").filter(has_text="Photo of the label")
	uploader.locator('input[type="file"]').set_input_files(photo)
	uploader.get_by_role("button", name="Upload").click()
	dialog = page.locator(".modal.show").filter(has_text="Label photo")
	dialog.get_by_text(spec.serial_number).first.wait_for(timeout=30000)
	assert (
		"DataMatrix" in dialog.inner_text()
		and "Nokia" in dialog.locator('input[data-fieldname="manufacturer"]').input_value()
	)
	page.screenshot(path=str(SHOTS / "label-desk-read.png"))
	dialog.get_by_role("button", name="Record in stock").click()
	page.wait_for_url("**/app/service-equipment/EQP-*", timeout=30000)
	name = page.url.rsplit("/", 1)[-1]
	equipment = people["admin"].get("Service Equipment", name)
	assert (
		equipment["serial_number"],
		equipment["mac_address"],
		equipment["equipment_type"],
		equipment["status"],
	) == (
		spec.serial_number,
		spec.mac_address,
		"ONT",
		"En stock",
	)
	page.screenshot(path=str(SHOTS / "label-desk-recorded.png"))

	# the same label again, from the form this time: it opens the equipment just recorded
	page.get_by_role("button", name="Read label photo").click()
	uploader = page.locator(".modal.show").filter(has_text="Photo of the label")
	uploader.locator('input[type="file"]').set_input_files(photo)
	uploader.get_by_role("button", name="Upload").click()
	dialog = page.locator(".modal.show").filter(has_text="Label photo")
	dialog.get_by_role("button", name=f"Open {name}").wait_for(timeout=30000)
	context.close()
