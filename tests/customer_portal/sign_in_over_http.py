"""Sign-in by code over real HTTP requests, against a bench site (not collected by pytest).

Run from the bench's sites folder with the bench's Python:

    ../env/bin/python /path/to/gigafibre_fsm/tests/customer_portal/sign_in_over_http.py SITE

It drives Frappe's WSGI application (`frappe.app.application`) the way a browser would, so each
call is its own request and transaction: a customer whose Contact holds a number (as typed by
staff), `request_code`, a wrong code (403, and the try is still counted after Frappe's rollback),
the right code (Frappe's `sid` session cookie; `get_logged_user`), a POST without the CSRF token
(refused), one with it (the customer lists only their own Service Location), and the code again
(refused). It writes to the site (a customer, a contact, a user, a location) and leaves them.
Messaging is enabled with a Twilio API base URL that answers nothing: no worker runs here, and
the code is read from the SMS Message that `send_sms` records (see the README's known limits).
"""

import json
import random
import re
import sys

import frappe
import frappe.app
from werkzeug.test import Client

API = "/api/method/gigafibre_fsm.api.customer_portal."


def main(site: str) -> None:
	number = f"+1514555{random.randint(1000, 9999)}"
	frappe.init(site=site)
	frappe.connect()
	from gigafibre_fsm.tests.factories import make_customer, make_location

	settings = frappe.get_single("Messaging Settings")
	if not settings.enabled:
		settings.update(
			{
				"enabled": 1,
				"account_sid": "AC" + "0" * 32,
				"auth_token": "x" * 32,
				"sender": "+15005550006",
				"public_base_url": "https://portail.example.ca",
				"api_base_url": "http://127.0.0.1:9",
			}
		)
		settings.save(ignore_permissions=True)
	customer = make_customer(f"_HTTP Sign-in {number}")
	mine = make_location(customer).name
	theirs = make_location(make_customer("_HTTP Sign-in someone else")).name
	frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "Http",
			"phone_nos": [
				{"phone": f"({number[2:5]}) {number[5:8]}-{number[8:]}", "is_primary_mobile_no": 1}
			],
			"links": [{"link_doctype": "Customer", "link_name": customer}],
		}
	).insert(ignore_permissions=True)
	frappe.db.commit()
	frappe.destroy()

	client = Client(frappe.app.application)
	headers = {"Host": site, "X-Forwarded-For": f"10.9.{random.randint(0, 255)}.{random.randint(1, 254)}"}

	def post(method, extra_headers=None, **data):
		r = client.post(
			method if method.startswith("/") else API + method,
			data=data,
			headers={**headers, **(extra_headers or {})},
		)
		return r.status_code, r.get_json() or {}

	print("request_code:", post("request_code", phone=number))
	frappe.init(site=site)
	frappe.connect()
	body = frappe.get_all("SMS Message", filters={"to_number": number}, pluck="body")[0]
	frappe.destroy()
	code = re.search(r"\b(\d{6})\b", body).group(1)
	print("wrong code:", post("verify_code", phone=number, code=f"{(int(code) + 1) % 10**6:06d}")[0])
	status, answer = post("verify_code", phone=number, code=code)
	print("verify_code:", status, answer.get("message"))
	print("logged user:", client.get("/api/method/frappe.auth.get_logged_user", headers=headers).get_json())
	page = client.get("/me", headers=headers).get_data(as_text=True)
	token = re.search(r'frappe.csrf_token = "([^"]+)"', page).group(1)
	listing = {
		"doctype": "Service Location",
		"fields": '["name"]',
		"filters": json.dumps([["name", "in", [mine, theirs]]]),
	}
	print(
		"POST without the CSRF token:",
		post("/api/method/frappe.client.get_list", **listing)[1].get("exc_type"),
	)
	status, answer = post("/api/method/frappe.client.get_list", {"X-Frappe-CSRF-Token": token}, **listing)
	print("POST with it:", status, answer.get("message"), "(own:", mine, ")")
	status, answer = post("verify_code", {"X-Frappe-CSRF-Token": token}, phone=number, code=code)
	print("the code again:", status, json.loads(json.loads(answer["_server_messages"])[0])["message"])
	frappe.init(site=site)
	frappe.connect()
	print(
		"stored:",
		frappe.get_all(
			"Sign-in Challenge", filters={"destination": number}, fields=["tries", "used_at", "user"]
		),
	)
	frappe.destroy()


if __name__ == "__main__":
	main(sys.argv[1])
