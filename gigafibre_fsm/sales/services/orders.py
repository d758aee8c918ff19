"""The online order, from a served address to a paid first invoice, a provisioned line and a
booked installation.

The decisions are the core's (`sales/orders`: price, validation, status; `sales/contracts`:
acceptance; `dispatch/appointment_slots`: holds); this module loads and saves.

Before the payment a Service Order is all there is: the person is not a customer yet. They
prove their phone or e-mail with the sign-in code or link (`customer_portal`), which leaves a
sealed identity in their browser; `start` refuses anyone without it (or without being signed in
as a customer, when the code found their Contact). The order answers to a
secret token (only its hash is stored) that the page keeps: every later step sends it back.

The contract is made from the contract print format in the order's language (a Service Contract
not yet saved: there is no customer to save it for), stored as a private File on the order, and
accepted through the contracts core on those exact bytes (SHA-256, time, IP, browser, name).

Paying is a Stripe Checkout Session whose metadata carries the order. Stripe's
`checkout.session.completed` (or the PaymentIntent's `payment_intent.succeeded`, whichever comes
first) reaches `billing/services/webhooks.apply_event`, which hands it to `apply_stripe_event`
here: in ONE transaction (a savepoint) the Customer, Contact, Address,
Service Location, Service Subscription (Pending), the Service Contract (Accepted, the File the
person accepted), the Sales Invoice and its Payment Entry, and the installation Dispatch Job
from the hold; the provisioning steps are enqueued after the commit as visible, retried jobs.
Anything failing there rolls all of it back and leaves the order in Needs Attention with the
payment recorded on it (never a charge without an order); staff press Finish to place it again.
A replayed event finds the order placed and does nothing.
"""

import hashlib
import json
import secrets

import frappe
from frappe import _
from frappe.translate import print_language
from frappe.utils import add_to_date, get_datetime, get_url, now_datetime, nowdate

from gigafibre_fsm.billing.money import from_cents, to_cents
from gigafibre_fsm.billing.services import payments
from gigafibre_fsm.billing.services import settings as billing_settings
from gigafibre_fsm.billing.services.taxes import tax_data, template_name
from gigafibre_fsm.errors import GigafibreError
from gigafibre_fsm.network.acs import BackoffPolicy
from gigafibre_fsm.sales import contracts
from gigafibre_fsm.sales import orders as core
from gigafibre_fsm.sales.services import catalog
from gigafibre_fsm.services.core_errors import translate, translated_errors
from gigafibre_fsm.services.frappe_versions import commit_job, in_test

ORDER = "Service Order"
HOLD = "Appointment Hold"
STEP_JOB = "gigafibre_fsm.sales.services.orders.run_step"
STEPS = ("Network Port", "Order Confirmation")
RETRY = BackoffPolicy(base_seconds=300, factor=2, max_seconds=6 * 3600, jitter=0)
MAX_STEP_TRIES = 8
# The installation: one technician able to install an ONT, two hours.
INSTALLATION_TAGS = [{"tag": "ONT Installation", "level": 1}]
INSTALLATION_MINUTES = 120
INSTALLATION_JOB_TYPE = "Installation"
EDITABLE = (core.DRAFT, core.AWAITING_PAYMENT)


# --- the order's secret ---------------------------------------------------------------------


def _hash(token: str) -> str:
	return hashlib.sha256((token or "").encode()).hexdigest()


def order_for(name: str, token: str, for_update: bool = True):
	"""The order `name` if `token` is its secret; anything else is refused the same way."""
	stored = frappe.db.get_value(ORDER, name, "access_token_hash", for_update=for_update) if name else None
	if not stored or not token or not secrets.compare_digest(stored, _hash(token)):
		frappe.throw(_("This order was not found or the link is not valid"), frappe.PermissionError)
	return frappe.get_doc(ORDER, name)


def _set_status(order, status: str) -> None:
	with translated_errors():
		core.check_status_change(order.status, status)
	order.status = status


def _save(order) -> None:
	order.flags.order_service = True
	order.save(ignore_permissions=True)  # the caller proved the order's token (or is staff)


# --- catalog and price ----------------------------------------------------------------------


def company_and_currency() -> tuple[str, str]:
	settings = billing_settings.get()
	company = (
		settings.get("company")
		or frappe.defaults.get_global_default("company")
		or frappe.get_all("Company", pluck="name", limit=1)[0]
	)
	currency = settings.get("currency") or frappe.get_cached_value("Company", company, "default_currency")
	return company, currency


def public_catalog() -> dict:
	_company, currency = company_and_currency()
	return catalog.offers_for_page(currency, tax_data()["taxes"])


def _address_status(served_address: str | None) -> str | None:
	if not served_address:
		return None
	return frappe.db.get_value("Served Address", served_address, "status")


def quote(
	served_address: str | None, plan: str | None, options: dict | None, promotion_code: str | None = None
) -> core.PricedOrder:
	"""The order priced by the core from the catalog, the template's tax rates and promotions."""
	_company, currency = company_and_currency()
	offers = catalog.load(currency)
	request = core.OrderRequest(
		plan or None,
		{code: int(qty) for code, qty in (options or {}).items() if int(qty or 0)},
		_address_status(served_address),
		(promotion_code or "").strip() or None,
	)
	with translated_errors():
		return core.price_order(request, offers, tax_data()["taxes"], catalog.promotions(offers, currency))


def _money(cents: int, currency: str) -> float:
	return float(from_cents(cents, currency))


def priced_view(priced: core.PricedOrder, currency: str) -> dict:
	"""The priced order for the page (cents and formatted amounts)."""
	return {
		"lines": [
			{
				"item_code": line.code,
				"item_name": line.name,
				"kind": line.kind,
				"quantity": line.quantity,
				"amount_cents": line.amount_cents,
				"discount_cents": line.discount_cents,
				"recurring": line.recurring,
			}
			for line in priced.lines
		],
		"net_cents": priced.net_cents,
		"taxes": [{"description": _(t.description), "cents": t.cents} for t in priced.taxes],
		"total_cents": priced.total_cents,
		"monthly_total_cents": priced.monthly_total_cents,
		"promotion": priced.promotion,
		"currency": currency,
	}


# --- the steps before the payment -----------------------------------------------------------


def verified_identity():
	from gigafibre_fsm.customer_portal.services.sign_in import verified_identity as read

	return read()


def start(
	served_address: str,
	contact_name: str,
	email: str | None = None,
	mobile: str | None = None,
	language: str | None = None,
) -> dict:
	"""A Draft order for a served address, by someone who proved their phone or e-mail; returns
	the order's name and its secret token (shown once)."""
	from gigafibre_fsm.customer_portal.sign_in import Channel
	from gigafibre_fsm.messaging.sms.phone import try_normalise_phone

	identity = verified_identity()
	account = None if identity else signed_in_customer()
	if identity is None and account is None:
		frappe.throw(
			_("Confirm your phone number or e-mail address with the code we send you first"),
			frappe.PermissionError,
		)
	status = _address_status(served_address)
	if status is None:
		frappe.throw(_("Choose the address to serve"))
	if status != "Served":
		frappe.throw(_("This address is not served yet: no order can be placed for it"))
	contact_name = " ".join((contact_name or "").split())
	if not contact_name or len(contact_name) > 140:
		frappe.throw(_("Type your full name"))
	email = (email or "").strip().lower() or None
	mobile = try_normalise_phone(mobile) if mobile else None
	if identity and identity.channel == Channel.SMS:
		mobile = identity.destination  # the proven number is the one kept
	elif identity:
		email = identity.destination
	if email:
		frappe.utils.validate_email_address(email, throw=True)
	company, currency = company_and_currency()
	token = secrets.token_urlsafe(32)
	served = frappe.get_doc("Served Address", served_address)
	order = frappe.get_doc(
		{
			"doctype": ORDER,
			"status": core.DRAFT,
			"served_address": served_address,
			"address_display": _address_label(served),
			"company": company,
			"currency": currency,
			"language": language if language in ("fr", "en") else (frappe.local.lang or "fr")[:2],
			"contact_name": contact_name,
			"email": email,
			"mobile": mobile,
			"verified_channel": identity.channel if identity else ACCOUNT,
			"verified_destination": identity.destination if identity else account[0],
			"verified_at": identity.verified_at.replace(tzinfo=None) if identity else now_datetime(),
			# a customer signed in (the sign-in code found their Contact) orders for their Customer
			"customer": account[1] if account else None,
			"access_token_hash": _hash(token),
		}
	)
	order.flags.order_service = True
	order.insert(ignore_permissions=True)
	return {"order": order.name, "token": token, "status": order.status}


ACCOUNT = "Account"  # verified by being signed in as the customer's portal user


def signed_in_customer() -> tuple[str, str] | None:
	"""(user, customer) when the session is a portal user of exactly one Customer."""
	from gigafibre_fsm.permissions.services import scopes

	user = frappe.session.user
	if user == "Guest" or "customer" not in scopes.audiences_of(user):
		return None
	customers = sorted(set(scopes.customers_of(user)))
	return (user, customers[0]) if len(customers) == 1 else None


def _address_label(served) -> str:
	from gigafibre_fsm.sales.eligibility.records import address_label

	return address_label(
		served.civic,
		served.street,
		served.municipality,
		civic_end=served.civic_end,
		unit=served.unit,
		province=served.province,
		postal_code_text=served.postal_code,
	)


def _require_editable(order) -> None:
	if order.status == core.CANCELLED:
		frappe.throw(_("Order {0} was cancelled: start a new order").format(order.name))
	if order.status not in EDITABLE:
		frappe.throw(_("Order {0} is already paid: it can no longer be changed").format(order.name))


def choose(order, plan: str, options: dict | None, promotion_code: str | None = None) -> dict:
	"""Price the plan and options and record them on the order (a paid order cannot change)."""
	_require_editable(order)
	priced = quote(order.served_address, plan, options, promotion_code)
	_back_to_draft(order)
	order.plan = plan
	order.promotion_code = (promotion_code or "").strip() or None
	order.pricing_rule = priced.promotion
	order.set("lines", [])
	for line in priced.lines:
		order.append(
			"lines",
			{
				"item_code": line.code,
				"item_name": line.name,
				"kind": line.kind,
				"quantity": line.quantity,
				"unit_price": _money(line.unit_cents, order.currency),
				"discount": _money(line.discount_cents, order.currency),
				"amount": _money(line.amount_cents, order.currency),
				"recurring": 1 if line.recurring else 0,
			},
		)
	order.net_total = _money(priced.net_cents, order.currency)
	order.total_taxes = _money(priced.tax_cents, order.currency)
	order.grand_total = _money(priced.total_cents, order.currency)
	order.monthly_total = _money(priced.monthly_net_cents, order.currency)
	order.monthly_total_with_taxes = _money(priced.monthly_total_cents, order.currency)
	order.tax_breakdown = json.dumps(
		[{"description": t.description, "rate": str(t.rate), "cents": t.cents} for t in priced.taxes]
	)
	_forget_contract(order)  # a contract shown for another plan says something else
	_save(order)
	return priced_view(priced, order.currency)


def _back_to_draft(order) -> None:
	"""A change before paying: the Checkout Session made for the earlier order is dropped."""
	if order.status == core.AWAITING_PAYMENT:
		_set_status(order, core.DRAFT)
		order.checkout_session = None
		order.checkout_url = None


def _forget_contract(order) -> None:
	order.contract_sha256 = None
	order.signer_name = None
	order.contract_accepted_at = None
	order.accepted_ip = None
	order.accepted_user_agent = None


def offer_slots(order, from_date=None, days: int | None = None) -> list[dict]:
	from gigafibre_fsm.dispatch.services import appointment_slots

	_require_editable(order)
	return appointment_slots.offer(INSTALLATION_TAGS, INSTALLATION_MINUTES, None, from_date, days)


def hold_slot(order, slot: str) -> dict:
	"""Hold `slot` for this order for 15 minutes (the earlier hold of the order is released)."""
	from gigafibre_fsm.dispatch.services import appointment_slots

	_require_editable(order)
	previous = order.appointment_hold
	if previous and frappe.db.get_value(HOLD, previous, "status") != "Active":
		previous = None
	held = appointment_slots.hold(
		slot,
		INSTALLATION_TAGS,
		INSTALLATION_MINUTES,
		None,
		job_type=INSTALLATION_JOB_TYPE,
		replaces_hold=previous,
	)
	_back_to_draft(order)
	order.update(
		{
			"appointment_hold": held["hold"],
			"slot": held["slot"],
			"slot_date": held["date"],
			"window_start": held["window_start"],
			"window_end": held["window_end"],
			"hold_expires_at": held["expires_at"],
		}
	)
	_save(order)
	return {
		**{k: held[k] for k in ("slot", "date", "window_start", "window_end", "expires_at")},
		"expires_in_seconds": _seconds_left(order.hold_expires_at),
	}


def _seconds_left(expires_at) -> int:
	if not expires_at:
		return 0
	return max(0, int((get_datetime(expires_at) - now_datetime()).total_seconds()))


# --- the contract ---------------------------------------------------------------------------


def _default_terms() -> str | None:
	return frappe.db.get_value(
		"Terms and Conditions", {"selling": 1, "disabled": 0}, "name", order_by="creation asc"
	)


def _unsaved_contract(order):
	"""The Service Contract the order will become, not saved (no customer exists yet)."""
	if not order.plan:
		frappe.throw(_("Choose a plan"))
	terms_template = order.terms_template or _default_terms()
	contract = frappe.new_doc("Service Contract")
	contract.update(
		{
			"customer_name": order.contact_name,
			"language": order.language or "fr",
			"company": order.company,
			"currency": order.currency,
			"commitment_months": order.commitment_months or 0,
			"terms_template": terms_template,
			"terms": frappe.db.get_value("Terms and Conditions", terms_template, "terms")
			if terms_template
			else "",
		}
	)
	contract.name = order.name  # shown as the document's number until the contract is saved
	contract.append(
		"lines",
		{
			"location_name": order.address_display,
			"plan": order.plan,
			"plan_name": frappe.db.get_value("Item", order.plan, "item_name"),
			"monthly_price": order.monthly_total,
		},
	)
	contract.set_totals()
	return contract


def show_contract(order) -> dict:
	"""The contract to read (HTML, in the order's language) and the SHA-256 of the PDF the
	person accepts; the PDF is made now and stored as a private File on the order."""
	from gigafibre_fsm.sales.doctype.service_contract import contract_acceptance

	_require_editable(order)
	if not order.lines:
		frappe.throw(_("Choose a plan"))
	contract = _unsaved_contract(order)
	html = contract_acceptance.render_html(contract)
	pdf = contract_acceptance.render_pdf(contract)
	frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"{order.name}-contract-{contracts.sha256_hex(pdf)[:12]}.pdf",
			"is_private": 1,
			"content": pdf,
			"attached_to_doctype": ORDER,
			"attached_to_name": order.name,
		}
	).insert(ignore_permissions=True)
	_forget_contract(order)
	order.terms_template = contract.terms_template
	order.terms = contract.terms  # the words accepted, kept: the template may be edited later
	order.contract_sha256 = contracts.sha256_hex(pdf)
	_save(order)
	return {"html": html, "pdf_sha256": order.contract_sha256}


def _contract_pdf(order) -> tuple[str | None, bytes]:
	from gigafibre_fsm.sales.doctype.service_contract import contract_acceptance

	files = frappe.get_all(
		"File",
		filters={
			"attached_to_doctype": ORDER,
			"attached_to_name": order.name,
			"file_name": ("like", "%-contract-%"),
		},
		fields=["name", "file_name"],
		order_by="creation desc",
	)
	for f in files:
		if order.contract_sha256 and order.contract_sha256[:12] in f.file_name:
			return f.name, contract_acceptance.read_pdf(f.name)
	return None, b""


def accept_contract(order, signer_name: str, agreed: bool, pdf_sha256: str | None) -> dict:
	"""Accept the contract shown, through the contracts core: those exact bytes, once."""
	from gigafibre_fsm.sales.doctype.service_contract.contract_acceptance import _now, _stored

	_require_editable(order)
	if not order.contract_sha256:
		frappe.throw(_("Read the contract first"))
	if pdf_sha256 and pdf_sha256.lower() != order.contract_sha256:
		frappe.throw(_("The contract changed since it was shown to you: read it again"))
	_file, pdf = _contract_pdf(order)
	with translated_errors():
		record = contracts.decide_acceptance(
			contracts.ContractState(order.name, contracts.DRAFT, order.contract_sha256, None),
			pdf,
			_now(),
			signer_name,
			bool(agreed),
			contracts.VIA_ORDER,
			signer_email=order.email,
			ip=getattr(frappe.local, "request_ip", None),
			user_agent=frappe.get_request_header("User-Agent")
			if getattr(frappe.local, "request", None)
			else None,
		)
	order.signer_name = record.signer_name
	order.contract_accepted_at = _stored(record.accepted_at)
	order.accepted_ip = record.ip
	order.accepted_user_agent = record.user_agent
	_save(order)
	return {"accepted_at": str(order.contract_accepted_at), "pdf_sha256": record.pdf_sha256}


# --- paying ---------------------------------------------------------------------------------


def _require_ready(order) -> None:
	if not order.lines:
		frappe.throw(_("Choose a plan"))
	if not order.appointment_hold:
		frappe.throw(_("Choose an installation appointment"))
	if frappe.db.get_value(HOLD, order.appointment_hold, "status") != "Active":
		frappe.throw(_("This appointment hold has lapsed or is not yours; choose a slot again"))
	if not order.contract_accepted_at:
		frappe.throw(_("Accept the contract before paying"))


def checkout(order) -> dict:
	"""A Stripe Checkout Session paying the first invoice; the order waits for its payment."""
	_require_editable(order)
	_require_ready(order)
	# the price is decided again now: a promotion that ended, a price that changed
	priced = quote(order.served_address, order.plan, _options_of(order), order.promotion_code)
	if priced.total_cents != to_cents(order.grand_total, order.currency):
		frappe.throw(_("The price of your order changed: check it again before paying"))
	page = get_url(f"/order?order={order.name}")
	gateway = billing_settings.gateway()
	with print_language(order.language or "fr"), translated_errors():
		session, url = gateway.create_checkout_session(
			order.name,
			priced.total_cents,
			order.currency,
			_("Order {0}: first invoice and installation").format(order.name),
			f"{page}&paid=1",
			page,
			idempotency_key=f"order:{order.name}:{priced.total_cents}:{order.appointment_hold}",
			metadata={"order": order.name},
		)
	if order.status == core.DRAFT:
		_set_status(order, core.AWAITING_PAYMENT)
	order.checkout_session = session
	order.checkout_url = url
	_save(order)
	return {"url": url, "session": session}


def _options_of(order) -> dict:
	return {line.item_code: line.quantity for line in order.lines if line.kind == core.OPTION}


# --- the payment, from Stripe's webhook -----------------------------------------------------

COMPLETING_EVENTS = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
# The PaymentIntent carries the order too (payment_intent_data.metadata): whichever of the
# session's or the PaymentIntent's event comes first places the order, the other finds it placed.
PAYMENT_SUCCEEDED = "payment_intent.succeeded"
ECHO_EVENTS = ("charge.succeeded", "payment_intent.created")


def order_of_event(event: dict) -> str | None:
	obj = (event.get("data") or {}).get("object") or {}
	order = (obj.get("metadata") or {}).get("order")
	return order if order and frappe.db.exists(ORDER, order) else None


def apply_stripe_event(event: dict, event_id: str) -> tuple[str, str] | None:
	"""For `billing/services/webhooks.apply_event`: (status, outcome) of an event that belongs to
	an order (metadata.order), None for any other event (billing applies it as usual)."""
	kind = event.get("type") or ""
	order = order_of_event(event)
	if not order:
		return None
	obj = event["data"]["object"]
	if kind in ECHO_EVENTS:
		return "Acknowledged", f"Order {order}: its payment is recorded with the order"
	if kind == PAYMENT_SUCCEEDED:
		result = complete(
			order,
			frappe.db.get_value(ORDER, order, "checkout_session"),
			obj.get("id"),
			int(obj.get("amount_received") or obj.get("amount") or 0),
			(obj.get("currency") or "").upper(),
			event_id,
		)
		return ("Applied" if result["status"] != core.NEEDS_ATTENTION else "Needs Review"), result["outcome"]
	if kind not in COMPLETING_EVENTS:
		return None  # refunds and disputes find the order's invoice through its payment
	if obj.get("payment_status") != "paid":
		return "Acknowledged", f"Order {order}: checkout completed, payment not settled yet"
	payment_intent = obj.get("payment_intent")
	payment_intent = payment_intent.get("id") if isinstance(payment_intent, dict) else payment_intent
	result = complete(
		order,
		obj.get("id"),
		payment_intent,
		int(obj.get("amount_total") or 0),
		(obj.get("currency") or "").upper(),
		event_id,
	)
	return ("Applied" if result["status"] != core.NEEDS_ATTENTION else "Needs Review"), result["outcome"]


def complete(
	name: str, session: str, payment_intent: str, amount_cents: int, currency: str, event_id: str | None
) -> dict:
	"""Record the payment on the order, then place it in one transaction; a failure leaves the
	order in Needs Attention with the payment recorded. Idempotent."""
	order = frappe.get_doc(ORDER, name, for_update=True)
	if core.is_placed(order.status):
		return {"status": order.status, "outcome": f"Order {name} already placed"}
	if order.payment_intent and payment_intent and order.payment_intent != payment_intent:
		# a second payment for the same order (two Checkout tabs): keep both visible to staff
		frappe.log_error(
			title=_("Order {0} paid twice").format(name),
			message=f"{order.payment_intent} and {payment_intent}",
		)
	payment = {
		"checkout_session": session,
		"payment_intent": payment_intent,
		"amount_paid": _money(amount_cents, currency or order.currency),
		"paid_at": order.paid_at or now_datetime(),
		"stripe_event": event_id,
	}
	if order.status in (core.AWAITING_PAYMENT, core.DRAFT):
		payment["status"] = core.PAID
	frappe.db.set_value(ORDER, name, payment)  # kept whatever happens next
	return place(name, amount_cents, currency)


def place(
	name: str, amount_cents: int | None = None, currency: str | None = None, unscheduled_ok: bool = False
) -> dict:
	"""Create the customer's records for a paid order, all or nothing (a savepoint)."""
	frappe.db.savepoint("service_order_placing")
	user = frappe.session.user
	# the system places the order (Stripe's webhook job runs as Guest; staff's Finish as a billing
	# agent, who may not create customers or submit invoices): its records are the app's doing
	frappe.set_user("Administrator")
	try:
		order = frappe.get_doc(ORDER, name)
		placed = _place(order, amount_cents, currency, unscheduled_ok)
	except Exception as e:
		frappe.set_user(user)
		frappe.db.rollback(save_point="service_order_placing")
		message = translate(e) if isinstance(e, GigafibreError) else (str(e) or type(e).__name__)
		frappe.clear_messages()
		frappe.log_error(title=_("Order {0} could not be placed").format(name))
		frappe.db.set_value(ORDER, name, {"status": core.NEEDS_ATTENTION, "failure": message[:1000]})
		return {"status": core.NEEDS_ATTENTION, "outcome": f"Needs Attention: order {name}: {message}"[:1000]}
	frappe.set_user(user)
	for step in placed.steps:
		if step.status in ("Queued", "Retrying"):
			enqueue_step(placed.name, step.name)
	return {
		"status": placed.status,
		"outcome": f"Order {name} placed: {placed.customer}, {placed.dispatch_job}",
	}


def _place(order, amount_cents: int | None, currency: str | None, unscheduled_ok: bool = False):
	paid = amount_cents if amount_cents is not None else to_cents(order.amount_paid or 0, order.currency)
	currency = currency or order.currency
	if currency != order.currency or paid != to_cents(order.grand_total, order.currency):
		frappe.throw(
			_("The payment ({0} {1}) is not the order's total ({2} {3})").format(
				from_cents(paid, currency), currency, order.grand_total, order.currency
			)
		)
	if not order.payment_intent:
		frappe.throw(_("Order {0} has no recorded payment").format(order.name))
	served = frappe.get_doc("Served Address", order.served_address)
	customer = _customer(order)
	contact = _contact(order, customer)
	address = _address(order, served, customer)
	location = frappe.get_doc(
		{
			"doctype": "Service Location",
			"customer": customer,
			"location_name": order.address_display,
			"status": "Pending Installation",
			"address": address,
			"address_display": order.address_display,
			"olt": served.olt,
			"pon_port": served.pon_port,
		}
	).insert(ignore_permissions=True)
	plan_lines = [line for line in order.lines if line.kind == core.PLAN]
	subscription = frappe.get_doc(
		{
			"doctype": "Service Subscription",
			"customer": customer,
			"service_location": location.name,
			"status": "Pending",
			"plan_type": "Bundle" if frappe.db.exists("Product Bundle", order.plan) else "Internet",
			"plan": order.plan,
			"actual_price": order.monthly_total if plan_lines else 0,
		}
	).insert(ignore_permissions=True)
	contract = _contract(order, customer, location.name)
	invoice = _invoice(order, customer, paid)
	entry = payments.record_payment(invoice, order.payment_intent, paid, currency)
	job = _book_installation(order, customer, location.name, unscheduled_ok)
	order.reload()
	order.update(
		{
			"customer": customer,
			"contact": contact,
			"address": address,
			"service_location": location.name,
			"service_subscription": subscription.name,
			"contract": contract,
			"sales_invoice": invoice,
			"payment_entry": entry,
			"dispatch_job": job,
			"failure": None,
		}
	)
	if order.status == core.AWAITING_PAYMENT:
		_set_status(order, core.PAID)
	_set_status(order, core.PROVISIONING)
	done = {s.step for s in order.steps if s.status == "Done"}
	order.set("steps", [s for s in order.steps if s.step in done])
	for step in STEPS:
		if step not in done:
			order.append("steps", {"step": step, "status": "Queued", "tries": 0})
	_save(order)
	return order


def _customer(order) -> str:
	if order.customer and frappe.db.exists("Customer", order.customer):
		return order.customer
	doc = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": order.contact_name,
			"customer_type": "Individual",
			"customer_group": frappe.db.get_single_value("Selling Settings", "customer_group")
			or frappe.db.get_value("Customer Group", {"is_group": 0}, "name"),
			"territory": frappe.db.get_single_value("Selling Settings", "territory")
			or frappe.db.get_value("Territory", {"is_group": 0}, "name"),
			"language": order.language,
			"email_id": order.email,
			"mobile_no": order.mobile,
		}
	)
	doc.flags.ignore_mandatory = False
	doc.insert(ignore_permissions=True)
	return doc.name


def _contact(order, customer: str) -> str:
	if order.verified_channel == ACCOUNT:  # an existing customer: their own Contact
		mine = frappe.db.get_value("Contact", {"user": order.verified_destination}, "name")
		if mine:
			return mine
	first, _sep, last = order.contact_name.partition(" ")
	doc = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": first,
			"last_name": last or None,
			"email_ids": [{"email_id": order.email, "is_primary": 1}] if order.email else [],
			"phone_nos": [{"phone": order.mobile, "is_primary_mobile_no": 1}] if order.mobile else [],
			"links": [{"link_doctype": "Customer", "link_name": customer}],
		}
	)
	doc.insert(ignore_permissions=True)
	return doc.name


def _address(order, served, customer: str) -> str:
	unit = f"{served.unit}-" if served.unit else ""
	doc = frappe.get_doc(
		{
			"doctype": "Address",
			"address_title": order.contact_name,
			"address_type": "Billing",
			"address_line1": f"{unit}{served.civic} {served.street}",
			"city": served.municipality,
			"state": served.province or "QC",
			"pincode": served.postal_code,
			"country": "Canada"
			if frappe.db.exists("Country", "Canada")
			else frappe.db.get_default("country"),
			"is_primary_address": 1,
			"is_shipping_address": 1,
			"links": [{"link_doctype": "Customer", "link_name": customer}],
		}
	)
	doc.insert(ignore_permissions=True)
	return doc.name


def _contract(order, customer: str, location: str) -> str:
	"""The Service Contract the person accepted before paying: the same File, the same record."""
	file, pdf = _contract_pdf(order)
	if not file or contracts.sha256_hex(pdf) != order.contract_sha256:
		frappe.throw(_("The contract accepted for order {0} is missing or altered").format(order.name))
	contract = frappe.get_doc(
		{
			"doctype": "Service Contract",
			"customer": customer,
			"customer_name": order.contact_name,
			"language": order.language or "fr",
			"company": order.company,
			"currency": order.currency,
			"commitment_months": order.commitment_months or 0,
			"terms_template": order.terms_template,
			"terms": order.terms or "",
			"email": order.email,
			"mobile": order.mobile,
			"lines": [
				{"service_location": location, "plan": order.plan, "monthly_price": order.monthly_total}
			],
			"pdf_file": file,
			"pdf_sha256": order.contract_sha256,
		}
	)
	contract.flags.contract_service = True
	contract.insert(ignore_permissions=True)
	contract.update(
		{
			"status": contracts.ACCEPTED,
			"accepted_at": order.contract_accepted_at,
			"accepted_via": contracts.VIA_ORDER,
			"signer_name": order.signer_name,
			"signer_email": order.email,
			"accepted_ip": order.accepted_ip,
			"accepted_user_agent": order.accepted_user_agent,
			"accepted_pdf_sha256": order.contract_sha256,
		}
	)
	contract.flags.contract_service = True
	contract.save(ignore_permissions=True)
	return contract.name


def _invoice(order, customer: str, paid_cents: int) -> str:
	"""The first invoice: the order's priced lines (promotion in the rate), the GST/QST template."""
	items = []
	for line in order.lines:
		amount = to_cents(line.amount, order.currency)
		qty = line.quantity or 1
		if amount % qty:
			qty = 1  # a discount that does not divide evenly: one line for the whole amount
		items.append(
			{
				"item_code": line.item_code,
				"qty": qty,
				"rate": float(from_cents(amount // qty, order.currency)),
				"description": f"{line.item_name} × {line.quantity}"
				if qty != line.quantity
				else line.item_name,
			}
		)
	si = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"customer": customer,
			"company": order.company,
			"currency": order.currency,
			"posting_date": nowdate(),
			"set_posting_time": 1,
			"due_date": nowdate(),
			"ignore_pricing_rule": 1,  # the order's promotion is already in the rates
			"disable_rounded_total": 1,  # the invoice says to the cent what Checkout charged
			"taxes_and_charges": template_name(order.company),
			"remarks": _("Order {0}").format(order.name),
			"items": items,
		}
	)
	from erpnext.controllers.accounts_controller import get_taxes_and_charges

	for tax in get_taxes_and_charges("Sales Taxes and Charges Template", si.taxes_and_charges) or []:
		si.append("taxes", tax)
	si.insert(ignore_permissions=True)
	if to_cents(si.grand_total, order.currency) != paid_cents:
		frappe.throw(
			_("The invoice's total {0} is not the amount paid {1}").format(
				si.grand_total, from_cents(paid_cents, order.currency)
			)
		)
	si.submit()
	return si.name


def _book_installation(order, customer: str, location: str, unscheduled_ok: bool = False) -> str:
	from gigafibre_fsm.dispatch.services import appointment_slots

	hold = frappe.get_doc(HOLD, order.appointment_hold)
	if hold.status == "Booked" and hold.dispatch_job and frappe.db.exists("Dispatch Job", hold.dispatch_job):
		return hold.dispatch_job
	with print_language(order.language or "fr"):
		subject = _("Installation: order {0}").format(order.name)
	if not unscheduled_ok:
		return appointment_slots.book_new_job(hold, subject, customer=customer, service_location=location)
	frappe.db.savepoint("service_order_booking")
	try:
		return appointment_slots.book_new_job(hold, subject, customer=customer, service_location=location)
	except frappe.ValidationError:
		# staff finishing a paid order whose slot was lost meanwhile: the installation goes to
		# dispatch unscheduled (they call the customer), rather than the order staying unplaced
		frappe.db.rollback(save_point="service_order_booking")
		frappe.clear_messages()
		if frappe.db.get_value(HOLD, hold.name, "status") == "Active":
			frappe.db.set_value(HOLD, hold.name, "status", "Released")
		job = frappe.get_doc(
			{
				"doctype": "Dispatch Job",
				"subject": subject,
				"status": "Open",
				"job_type": INSTALLATION_JOB_TYPE,
				"customer": customer,
				"service_location": location,
				"duration_minutes": INSTALLATION_MINUTES,
				"required_tags": [
					{"tag": t["tag"], "level": t["level"], "required": 1} for t in INSTALLATION_TAGS
				],
			}
		)
		return job.insert(ignore_permissions=True).name


# --- provisioning steps: visible, retried background jobs -----------------------------------


def enqueue_step(order: str, step: str) -> None:
	frappe.enqueue(
		STEP_JOB,
		queue="short",
		job_id=f"service_order_step::{step}",
		deduplicate=not in_test(),
		enqueue_after_commit=True,
		now=bool(in_test()),
		order=order,
		step=step,
	)


def run_step(order: str, step: str) -> str:
	"""Background job: run one provisioning step of a placed order; returns its status."""
	row = frappe.db.get_value(
		"Service Order Step", step, ["name", "step", "status", "tries"], as_dict=True, for_update=True
	)
	if not row or row.status not in ("Queued", "Retrying"):
		return row.status if row else "Missing"
	doc = frappe.get_doc(ORDER, order)
	tries = (row.tries or 0) + 1
	frappe.db.savepoint("service_order_step")
	try:
		result = STEP_RUNNERS[row.step](doc)
	except Exception as e:
		frappe.db.rollback(save_point="service_order_step")
		message = translate(e) if isinstance(e, GigafibreError) else (str(e) or type(e).__name__)
		frappe.clear_messages()
		status = _step_failed(doc, row, tries, message)
		commit_job()
		return status
	frappe.db.set_value(
		"Service Order Step",
		step,
		{
			"status": "Done",
			"tries": tries,
			"done_at": now_datetime(),
			"result": result[:1000],
			"last_error": None,
		},
	)
	_after_steps(order)
	commit_job()
	return "Done"


def _step_failed(order, row, tries: int, message: str) -> str:
	if tries >= MAX_STEP_TRIES:
		frappe.db.set_value(
			"Service Order Step", row.name, {"status": "Failed", "tries": tries, "last_error": message[:1000]}
		)
		frappe.log_error(title=_("Order {0}: {1} failed").format(order.name, _(row.step)), message=message)
		frappe.db.set_value(
			ORDER,
			order.name,
			{
				"status": core.NEEDS_ATTENTION,
				"failure": _("{0} failed: {1}").format(_(row.step), message)[:1000],
			},
		)
		return "Failed"
	wait = RETRY.delay(tries)
	frappe.db.set_value(
		"Service Order Step",
		row.name,
		{
			"status": "Retrying",
			"tries": tries,
			"last_error": message[:1000],
			"next_try_at": add_to_date(now_datetime(), seconds=int(wait)),
		},
	)
	return "Retrying"


def _after_steps(order: str) -> None:
	steps = frappe.get_all(
		"Service Order Step", filters={"parent": order, "parenttype": ORDER}, pluck="status"
	)
	status, job = frappe.db.get_value(ORDER, order, ["status", "dispatch_job"])
	scheduled = bool(job and frappe.db.get_value("Dispatch Job", job, "scheduled_date"))
	if steps and all(s == "Done" for s in steps) and status == core.PROVISIONING and scheduled:
		frappe.db.set_value(ORDER, order, "status", core.SCHEDULED)


def retry_due_steps() -> int:
	"""Scheduler (every 5 minutes): enqueue the steps whose next try is due, and any Queued
	step whose job was lost (a worker died). Returns how many."""
	now = now_datetime()
	rows = frappe.get_all(
		"Service Order Step",
		filters={"parenttype": ORDER, "status": ("in", ["Queued", "Retrying"])},
		fields=["name", "parent", "status", "next_try_at", "modified"],
		limit=500,
	)
	due = [
		r
		for r in rows
		if (r.status == "Retrying" and (not r.next_try_at or r.next_try_at <= now))
		or (r.status == "Queued" and r.modified <= add_to_date(now, minutes=-10))
	]
	for r in due:
		enqueue_step(r.parent, r.name)
	return len(due)


def _network_port(order) -> str:
	"""The location gets the fibre drop the served address is on (OLT and PON port), which the
	installation's pre-authorisation plan (api.network.preauthorisation_plan) then uses."""
	served = frappe.db.get_value("Served Address", order.served_address, ["olt", "pon_port"], as_dict=True)
	if not served or not served.olt or not served.pon_port:
		frappe.throw(_("Served Address {0} has no OLT and PON port yet").format(order.served_address))
	if not frappe.db.exists("OLT", served.olt):
		frappe.throw(_("OLT {0} does not exist").format(served.olt))
	frappe.db.set_value(
		"Service Location", order.service_location, {"olt": served.olt, "pon_port": served.pon_port}
	)
	return _("OLT {0}, PON port {1}").format(served.olt, served.pon_port)


def _confirmation(order) -> str:
	"""The order's confirmation, by e-mail and/or SMS, in the order's language."""
	sent = []
	with print_language(order.language or "fr"):
		text = _("Thank you! Order {0} is paid. Installation on {1} between {2} and {3}.").format(
			order.name, order.slot_date, order.window_start, order.window_end
		)
		if order.email:
			frappe.sendmail(
				recipients=[order.email],
				subject=_("Your order {0}").format(order.name),
				message=f"<p>{frappe.utils.escape_html(text)}</p>",
				reference_doctype=ORDER,
				reference_name=order.name,
				now=False,
			)
			sent.append(order.email)
		if order.mobile and frappe.db.get_single_value("Messaging Settings", "enabled"):
			from gigafibre_fsm.messaging.services.sms import send_sms

			send_sms(order.mobile, text, ORDER, order.name)
			sent.append(order.mobile)
	if not sent:
		return _("Nothing to send: no e-mail address and SMS is not enabled")
	return _("Sent to {0}").format(", ".join(sent))


STEP_RUNNERS = {"Network Port": _network_port, "Order Confirmation": _confirmation}


# --- staff -----------------------------------------------------------------------------------


def finish(name: str) -> dict:
	"""Staff's Finish on an order in Needs Attention: place it again from the recorded payment,
	or run its failed steps again."""
	order = frappe.get_doc(ORDER, name, for_update=True)
	if order.status != core.NEEDS_ATTENTION:
		frappe.throw(_("Only an order that needs attention can be finished"))
	if not order.payment_intent:
		frappe.throw(_("Order {0} has no recorded payment").format(name))
	if not order.customer or not order.dispatch_job:
		return place(name, unscheduled_ok=True)
	for step in order.steps:
		if step.status in ("Failed", "Retrying"):
			frappe.db.set_value("Service Order Step", step.name, {"status": "Queued", "tries": 0})
	frappe.db.set_value(ORDER, name, {"status": core.PROVISIONING, "failure": None})
	for step in frappe.get_doc(ORDER, name).steps:
		if step.status == "Queued":
			enqueue_step(name, step.name)
	return {"status": frappe.db.get_value(ORDER, name, "status"), "outcome": f"Order {name}: steps again"}


ABANDONED_AFTER_DAYS = 2  # Stripe's Checkout Sessions expire after 24 hours by default


def cancel_abandoned_orders() -> int:
	"""Scheduler (daily): orders left unpaid for two days are Cancelled and their hold released
	(a payment arriving later still lands on the order, in Needs Attention). Returns how many."""
	names = frappe.get_all(
		ORDER,
		filters={
			"status": ("in", [core.DRAFT, core.AWAITING_PAYMENT]),
			"modified": ("<", add_to_date(now_datetime(), days=-ABANDONED_AFTER_DAYS)),
			"payment_intent": ("is", "not set"),
		},
		pluck="name",
		limit=500,
	)
	for name in names:
		hold = frappe.db.get_value(ORDER, name, "appointment_hold")
		if hold and frappe.db.get_value(HOLD, hold, "status") == "Active":
			frappe.db.set_value(HOLD, hold, "status", "Released")
		frappe.db.set_value(ORDER, name, "status", core.CANCELLED)
	commit_job()
	return len(names)


def on_dispatch_job_update(doc, method=None) -> None:
	"""Dispatch Job on_update: the installation done completes its order; an installation that
	dispatch schedules (one placed unscheduled by staff's Finish) makes its order Scheduled."""
	if doc.status in ("Assigned", "En Route", "In Progress") and doc.scheduled_date:
		waiting = frappe.db.get_value(ORDER, {"dispatch_job": doc.name, "status": core.PROVISIONING})
		if waiting:
			_after_steps(waiting)
		return
	if doc.status != "Completed" or not doc.customer:
		return
	order = frappe.db.get_value(
		ORDER, {"dispatch_job": doc.name, "status": ("in", [core.PROVISIONING, core.SCHEDULED])}
	)
	if order:
		frappe.db.set_value(ORDER, order, "status", core.COMPLETED)


def status_view(order) -> dict:
	"""What the thank-you page shows."""
	return {
		"order": order.name,
		"status": order.status,
		"status_label": _(order.status),
		"slot_date": str(order.slot_date or ""),
		"window_start": order.window_start,
		"window_end": order.window_end,
		"grand_total": order.grand_total,
		"currency": order.currency,
		"paid": bool(order.payment_intent),
		"hold_expires_in_seconds": _seconds_left(order.hold_expires_at) if order.status in EDITABLE else 0,
		"needs_attention": order.status == core.NEEDS_ATTENTION,
	}
