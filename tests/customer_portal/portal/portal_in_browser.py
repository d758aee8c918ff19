"""The customer portal's pages in a real browser (Playwright + Debian's Chromium), against a
served bench site; not collected by pytest. At 360 × 740 and 1366 × 768.

    # a site served by the bench, e.g.
    #   cd frappe-bench/sites && ../env/bin/python -m frappe.utils.bench_helper frappe \\
    #       --site SITE serve --port 8063 --noreload
    .venv/bin/python tests/customer_portal/portal/portal_in_browser.py SITE 8063 /path/to/frappe-bench OUT_DIR

For each size: a customer (made through the bench's Python: a Contact with a phone, a location,
an ONT reading −26 dBm a minute ago, an active subscription, a submitted invoice when ERPNext
can post one) signs in with the SMS code (read from the SMS Message: no RQ worker runs) and
lands on /me; the home page in French (their name, the balance, the links); each page opens
without sideways scrolling; the equipment's light is orange; a ticket is opened from the form
and its page shows it; the language switch turns the home page into English and back.
Screenshots of each page in OUT_DIR. Exits non-zero on the first check that fails.
"""

import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

HELPER = r"""
import re, sys, frappe
from frappe.utils import add_to_date, now_datetime, nowdate
site, action, value = sys.argv[1:4]
frappe.init(site=site); frappe.connect()
if action == "customer":
    from gigafibre_fsm.tests.factories import make_customer, make_location, make_plan
    settings = frappe.get_single("Messaging Settings")
    if not settings.enabled:
        settings.update({"enabled": 1, "account_sid": "AC" + "0" * 32, "auth_token": "x" * 32,
            "sender": "+15005550006", "public_base_url": "https://portail.example.ca",
            "api_base_url": "http://127.0.0.1:9"})
        settings.save(ignore_permissions=True)
    number = value
    customer = make_customer(f"Client Navigateur {number[-4:]}")
    frappe.db.set_value("Customer", customer, "language", "fr")
    location = make_location(customer, location_name="Maison").name
    frappe.get_doc({"doctype": "Contact", "first_name": "Navigateur",
        "phone_nos": [{"phone": number, "is_primary_mobile_no": 1}],
        "links": [{"link_doctype": "Customer", "link_name": customer}]}).insert(ignore_permissions=True)
    sub = frappe.get_doc({"doctype": "Service Subscription", "customer": customer, "service_location": location,
        "status": "Pending", "plan_type": "Internet", "plan": make_plan(), "actual_price": 85}).insert(ignore_permissions=True)
    frappe.db.set_value("Service Subscription", sub.name, "status", "Active")
    frappe.get_doc({"doctype": "Service Equipment", "equipment_type": "ONT", "status": "Active",
        "serial_number": f"BRW{number[-6:]}", "acs_device_id": f"BRW-{number}", "service_location": location,
        "customer": customer, "model": "HG8245", "last_inform": add_to_date(now_datetime(), minutes=-1),
        "optical_rx_dbm": -26.0}).insert(ignore_permissions=True)
    try:
        from gigafibre_fsm.tests.erpnext_limits import why_erpnext_cannot_post_invoices
        if not why_erpnext_cannot_post_invoices():
            company = frappe.defaults.get_global_default("company") or frappe.get_all("Company", pluck="name")[0]
            si = frappe.get_doc({"doctype": "Sales Invoice", "customer": customer, "company": company,
                "posting_date": nowdate(), "due_date": nowdate(),
                "items": [{"item_code": make_plan(), "qty": 1, "rate": 85}]})
            si.insert(ignore_permissions=True); si.submit()
    except Exception as e:
        print("no invoice:", e, file=sys.stderr)
    frappe.db.commit()
    print(customer)
elif action == "code":
    body = frappe.get_all("SMS Message", filters={"to_number": value}, pluck="body", order_by="creation desc")[0]
    print(re.search(r"\b(\d{6})\b", body).group(1))
frappe.destroy()
"""

PAGES = ("/me", "/me/invoices", "/me/services", "/me/tickets", "/me/account", "/appointments")


def check(condition, what: str) -> None:
	if not condition:
		raise SystemExit(f"FAILED: {what}")
	print("ok:", what)


def main(site: str, port: int, bench: str, out: str) -> None:
	os.environ.setdefault("XDG_CONFIG_HOME", tempfile.mkdtemp())
	os.environ.setdefault("XDG_CACHE_HOME", tempfile.mkdtemp())
	base = f"http://{site}:{port}"
	out_dir = Path(out)
	out_dir.mkdir(parents=True, exist_ok=True)

	def helper(action: str, value: str) -> str:
		done = subprocess.run(
			[f"{bench}/env/bin/python", "-c", HELPER, site, action, value],
			capture_output=True,
			text=True,
			cwd=f"{bench}/sites",
			check=True,
		)
		return (done.stdout.strip().splitlines() or [""])[-1]

	for width, height in ((360, 740), (1366, 768)):
		size = f"{width}x{height}"
		number = f"+1514555{random.randint(1000, 9999)}"
		customer = helper("customer", number)
		with sync_playwright() as p:
			browser = p.chromium.launch(
				executable_path="/usr/bin/chromium",
				headless=True,
				args=[f"--host-resolver-rules=MAP {site} 127.0.0.1"],
			)
			page = browser.new_context(viewport={"width": width, "height": height}).new_page()
			page.goto(f"{base}/me?_lang=fr")
			check("/portal-sign-in" in page.url, f"{size}: a visitor on /me is sent to sign in")
			page.fill("#phone", f"514 {number[5:8]}-{number[8:]}")
			page.click("#ask-phone button")
			page.wait_for_selector("#enter-code:not([hidden])")
			page.fill("#code", helper("code", number))
			page.click("#enter-code button")
			page.wait_for_url("**/me")
			check(page.url.rstrip("/").endswith("/me"), f"{size}: signed in, on /me")
			text = page.inner_text(".me-page")
			check(f"Bonjour {customer}" in text, f"{size}: the home page greets {customer} in French")
			check("Solde dû" in text, f"{size}: the balance is shown")
			for route in PAGES:
				page.goto(f"{base}{route}")
				scroll = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
				check(scroll <= 0, f"{size}: {route} does not scroll sideways ({scroll})")
				page.screenshot(
					path=str(out_dir / f"{size}-{route.strip('/').replace('/', '-')}.png"), full_page=True
				)
			page.goto(f"{base}/me/services")
			check(page.locator("[data-light='orange']").count() == 1, f"{size}: the ONT at -26 dBm is orange")
			page.goto(f"{base}/me/tickets")
			page.fill("#me-subject", "Internet lent le soir")
			page.fill("#me-description", "Depuis hier soir, la connexion est lente.")
			page.click(".me-open")
			page.wait_for_url("**/me/tickets?ticket=*")
			check("Internet lent le soir" in page.inner_text("h1"), f"{size}: the ticket opened and shown")
			page.fill("#me-reply", "Toujours lent ce matin.")
			page.click(".me-send")
			page.wait_for_function("document.body.innerText.includes('Toujours lent ce matin.')")
			page.screenshot(path=str(out_dir / f"{size}-ticket.png"), full_page=True)
			check(True, f"{size}: the reply is in the thread")
			page.goto(f"{base}/me")
			page.wait_for_load_state("networkidle")  # the page's handlers bound (frappe.ready)
			page.click(".me-lang button[data-lang='en']")
			page.wait_for_function("document.body.innerText.includes('Hello')")
			check("Balance due" in page.inner_text(".me-page"), f"{size}: switched to English")
			page.screenshot(path=str(out_dir / f"{size}-me-english.png"), full_page=True)
			page.wait_for_load_state("networkidle")  # the page's handlers bound (frappe.ready)
			page.click(".me-lang button[data-lang='fr']")
			page.wait_for_function("document.body.innerText.includes('Bonjour')")
			check(True, f"{size}: back to French")
			browser.close()


if __name__ == "__main__":
	main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4])
