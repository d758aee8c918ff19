"""The sign-in page in a real browser (Playwright + Debian's Chromium), against a served bench
site; not collected by pytest. Screenshots at 360 × 740 and 1366 × 768.

    # a site served by the bench, e.g.
    #   cd frappe-bench/sites && ../env/bin/python -m frappe.utils.bench_helper frappe \\
    #       --site SITE serve --port 8047 --noreload
    .venv/bin/python tests/customer_portal/sign_in_in_browser.py SITE 8047 /path/to/frappe-bench OUT_DIR

For each size: a customer whose Contact holds a number (created through the bench's Python, as
are the reads of what the site sent: no RQ worker runs, so the code is read from the SMS Message
and the link from the Email Queue); the page in French; a wrong code (the message in place); the
right code (signed in, on /me); then the e-mail path: a link asked on the page, opened (the page
asks before using it), used (signed in); and a stranger's number (verified, not signed in).
"""

import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

HELPER = r"""
import email, re, sys, frappe
site, action, value = sys.argv[1:4]
frappe.init(site=site); frappe.connect()
if action == "customer":
    from gigafibre_fsm.tests.factories import make_customer, make_location
    settings = frappe.get_single("Messaging Settings")
    if not settings.enabled:
        settings.update({"enabled": 1, "account_sid": "AC" + "0" * 32, "auth_token": "x" * 32,
            "sender": "+15005550006", "public_base_url": "https://portail.example.ca",
            "api_base_url": "http://127.0.0.1:9"})
        settings.save(ignore_permissions=True)
    if not frappe.db.exists("Email Account", {"default_outgoing": 1, "enable_outgoing": 1}):
        account = frappe.get_doc({"doctype": "Email Account", "email_account_name": "Portal outgoing",
            "email_id": "portail@example.ca", "smtp_server": "127.0.0.1", "enable_outgoing": 1,
            "default_outgoing": 1, "no_smtp_authentication": 1})
        account.flags.ignore_validate = True
        account.insert(ignore_permissions=True)
    number, address = value.split(",")
    customer = make_customer(f"_Browser Sign-in {number}")
    frappe.db.set_value("Customer", customer, "language", "fr")
    make_location(customer)
    frappe.get_doc({"doctype": "Contact", "first_name": "Navigateur",
        "phone_nos": [{"phone": number, "is_primary_mobile_no": 1}],
        "email_ids": [{"email_id": address, "is_primary": 1}],
        "links": [{"link_doctype": "Customer", "link_name": customer}]}).insert(ignore_permissions=True)
    frappe.db.commit()
elif action == "code":
    body = frappe.get_all("SMS Message", filters={"to_number": value}, pluck="body", order_by="creation desc")[0]
    print(re.search(r"\b(\d{6})\b", body).group(1))
elif action == "link":
    queue = frappe.get_all("Email Queue Recipient", filters={"recipient": value}, pluck="parent", order_by="creation desc")[0]
    raw = frappe.db.get_value("Email Queue", queue, "message")
    html = "".join(p.get_payload(decode=True).decode() for p in email.message_from_string(raw).walk() if p.get_content_type() == "text/html")
    print(re.search(r'href="(https?://[^"]*/portal-sign-in\?token=[A-Za-z0-9_-]+)"', html).group(1))
frappe.destroy()
"""


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
		address = f"navigateur.{random.randint(10**5, 10**6)}@example.ca"
		helper("customer", f"{number},{address}")
		with sync_playwright() as p:
			browser = p.chromium.launch(
				executable_path="/usr/bin/chromium",
				headless=True,
				args=[f"--host-resolver-rules=MAP {site} 127.0.0.1"],
			)
			for path in ("code", "link", "stranger"):
				page = browser.new_context(viewport={"width": width, "height": height}).new_page()
				page.goto(f"{base}/portal-sign-in?_lang=fr")
				if path == "link":
					page.click("#use-email")
					page.fill("#email", address)
					page.click("#ask-email button")
					page.wait_for_function("document.getElementById('sign-in-status').textContent.length > 0")
					print(size, "link asked:", page.inner_text("#sign-in-status"))
					link = helper("link", address)  # the site's own URL: opened here on the served port
					page.goto(f"{base}/portal-sign-in?{link.split('?', 1)[1]}&_lang=fr")
					page.screenshot(path=str(out_dir / f"{size}-4-link-opened.png"))
					page.click("#use-link")
					page.wait_for_url("**/me**")
					print(size, "signed in by the link, at", page.url)
					continue
				phone = number if path == "code" else f"+1514555{random.randint(1000, 9999)}"
				page.screenshot(path=str(out_dir / f"{size}-1-phone.png"))
				page.fill("#phone", f"514 {phone[5:8]}-{phone[8:]}")
				page.click("#ask-phone button")
				page.wait_for_selector("#enter-code:not([hidden])")
				code = helper("code", phone)
				if path == "code":
					page.fill("#code", f"{(int(code) + 1) % 10**6:06d}")
					page.click("#enter-code button")
					page.wait_for_function("document.getElementById('sign-in-status').textContent.length > 0")
					print(size, "after a wrong code:", page.inner_text("#sign-in-status"))
					page.screenshot(path=str(out_dir / f"{size}-2-wrong-code.png"))
				page.fill("#code", code)
				page.click("#enter-code button")
				if path == "code":
					page.wait_for_url("**/me**")
					print(size, "signed in by the code, at", page.url)
					page.screenshot(path=str(out_dir / f"{size}-3-signed-in.png"))
				else:
					page.wait_for_function(
						"document.getElementById('sign-in-status').textContent.includes('vérifié')"
					)
					print(size, "stranger:", page.inner_text("#sign-in-status"))
					page.screenshot(path=str(out_dir / f"{size}-5-stranger-verified.png"))
			browser.close()


if __name__ == "__main__":
	main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4])
