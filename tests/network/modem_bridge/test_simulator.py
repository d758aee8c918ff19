"""The local peer itself: it must behave like the encrypted GUI, or the bridge tests prove nothing."""

import json
import os
import tempfile
import urllib.request

from playwright.async_api import async_playwright

from simulators.modem_gui import ModemGuiSimulator, shared_test_key

from .conftest import run


def post(url, body: bytes, headers=None):
	req = urllib.request.Request(url, data=body, headers=headers or {}, method="POST")
	try:
		with urllib.request.urlopen(req, timeout=5) as resp:
			return resp.status, resp.read().decode()
	except urllib.error.HTTPError as err:
		return err.code, err.read().decode()


def test_plaintext_api_calls_are_refused():
	with ModemGuiSimulator(rsa_key=shared_test_key()) as sim:
		plain = json.dumps({"actions": [{"type": 1, "oid": "DEV_INFO"}]}).encode()
		status, text = post(sim.base_url + "/cgi_gdpr?9", plain)
		assert json.loads(text)["errorcode"] == "expired"  # no session cookie at all
		status, text = post(sim.base_url + "/cgi/login", b'{"username":"admin","password":"admin"}')
		assert status == 403 and json.loads(text)["errorcode"] == "encryption_required"
		assert sim.stats.logins_ok == 0 and sim.stats.data_requests == 0


def test_page_logs_in_with_webcrypto_and_a_captured_request_cannot_be_replayed():
	tmp = tempfile.mkdtemp()
	env = {**os.environ, "HOME": tmp, "XDG_CONFIG_HOME": tmp, "XDG_CACHE_HOME": tmp}

	async def scenario(sim):
		async with async_playwright() as pw:
			browser = await pw.chromium.launch(
				executable_path="/usr/bin/chromium", headless=True, env=env, args=["--no-first-run"]
			)
			try:
				page = await browser.new_page()
				captured = []
				page.on("request", lambda r: r.url.endswith("/cgi_gdpr?9") and captured.append(r))
				await page.goto(sim.base_url + "/")
				assert await page.evaluate("$.login('admin', 'wrong')") == "denied"
				assert await page.evaluate("$.login('admin', 'admin')") == "ok"
				model = await page.evaluate("$.dm.get('DEV_INFO', ['modelName'])")
				assert model["attrs"] == {"modelName": "XX230v"}
				request = captured[-1]
				body = request.post_data_buffer
				assert b"XX230v" not in body and body.startswith(b"sign=")  # encrypted on the wire
				cookies = "; ".join(f"{c['name']}={c['value']}" for c in await page.context.cookies())
				headers = {"Cookie": cookies, "TokenID": await request.header_value("TokenID")}
				return body, headers
			finally:
				await browser.close()

	with ModemGuiSimulator(rsa_key=shared_test_key()) as sim:
		body, headers = run(scenario(sim))
		status, text = post(sim.base_url + "/cgi_gdpr?9", body, headers)
		assert status == 403 and json.loads(text)["errorcode"] == "replay"
		status, text = post(sim.base_url + "/cgi_gdpr?9", body, {**headers, "TokenID": "forged"})
		assert status == 403
		assert sim.stats.logins_failed == 1 and sim.stats.logins_ok == 1
		assert sim.stats.refused["replay"] == 1
		sim.expire_sessions()
		status, text = post(sim.base_url + "/cgi_gdpr?9", body, headers)
		assert json.loads(text)["errorcode"] == "expired"
