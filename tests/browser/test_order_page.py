"""Tier 2, in a real browser on a phone viewport: the online order page, /order.

A visitor searches their address, picks it, sees the plans and options with their prices taxes
included (from the site's catalog: `sales/services/catalog`), types their contact details and
asks for the code. The rest of the order (code, slot, contract, Checkout, the webhook) is
tested through the same methods in `gigafibre_fsm/sales/services/test_orders.py`: sending the
SMS and applying Stripe's event are background jobs, which need a worker this test does not run.

Runs against a live site given by GIGAFIBRE_SITE_URL (see README.md), with the app's catalog
(installed with the app, or `bench --site SITE execute
gigafibre_fsm.sales.services.catalog.ensure_default_catalog`); skipped without it. It creates its
served address through the REST API as Administrator.
"""

import random
import re
from pathlib import Path

import pytest

from tests.browser.test_dispatch_pages import ADMIN_PASSWORD, CHROMIUM, SHOTS, SITE, browser, login

pytestmark = [
	pytest.mark.skipif(not SITE, reason="tier 2: set GIGAFIBRE_SITE_URL to a running site (see README)"),
	pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}"),
]

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def rest(page, method: str, path: str, body: dict | None = None):
	return page.evaluate(
		"""([method, path, body]) => fetch(path, {method,
			headers: {'Content-Type': 'application/json', 'Accept': 'application/json',
				'X-Frappe-CSRF-Token': (window.frappe && frappe.csrf_token) || ''},
			body: body ? JSON.stringify(body) : undefined}).then(async (r) => [r.status, await r.text()])""",
		[method, path, body],
	)


@pytest.fixture(scope="module")
def served_address(browser):  # noqa: F811
	context = browser.new_context()
	admin = login(context, "Administrator", ADMIN_PASSWORD)
	admin.goto(f"{SITE}/app")
	civic = random.randint(2000, 8999) * 2
	status, text = rest(
		admin,
		"POST",
		"/api/resource/Served Address",
		{
			"civic": civic,
			"street": "rue du Navigateur",
			"municipality": "Laval",
			"postal_code": "H7N 1B2",
			"status": "Served",
		},
	)
	assert status == 200, text
	yield civic
	context.close()


def test_a_visitor_finds_their_address_and_sees_the_prices_taxes_included(browser, served_address):  # noqa: F811
	context = browser.new_context(**PHONE, locale="fr-CA")
	page = context.new_page()
	errors = []
	page.on("pageerror", lambda e: errors.append(str(e)))
	page.goto(f"{SITE}/order?_lang=fr")
	assert "Commander Internet par fibre" in page.title() or page.locator("h1").inner_text()
	page.fill("#address-query", f"{served_address} rue du Navigateur Laval")
	page.click("#address-form button")
	result = page.locator("#address-results button").first
	result.wait_for()
	assert str(served_address) in result.inner_text()
	result.click()
	page.locator("#step-plan").wait_for(state="visible")
	page.locator("#plans label").first.wait_for()
	plans = page.locator("#plans").inner_text()
	# the catalog's plans with their monthly price taxes included, in French-Canadian format
	assert re.search(r"\d+,\d\d\s?\$", plans), plans
	assert page.locator("#plans input[type=radio]").count() >= 1
	assert page.locator("#options input[type=checkbox]").count() >= 1
	assert page.locator("#fees").inner_text().strip()
	assert page.locator("#step-contact").is_visible()
	# the page fits a phone: nothing scrolls sideways
	assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
	page.screenshot(path=str(SHOTS / "order-page.png"), full_page=True)
	assert not errors, errors
	context.close()


def test_an_address_not_served_cannot_be_ordered(browser):  # noqa: F811
	context = browser.new_context(**PHONE)
	page = context.new_page()
	page.goto(f"{SITE}/order?_lang=en")
	page.fill("#address-query", "1 rue Introuvable, Nulle-Part")
	page.click("#address-form button")
	page.locator("#order-message.alert-danger").wait_for()
	assert page.locator("#step-plan").is_hidden()
	context.close()
