"""Customer notifications in Frappe: the triggers, the background job that decides and texts,
the quiet-hours sweep, the opt-out keywords of incoming SMS, and the default templates.

Every context tells a customer something through one function:

	notify_customer(event, customer, reference_doctype, reference_name, context=None, discriminator="")

It computes the de-duplication key and enqueues `prepare_notification` after the caller's
commit (a rolled-back caller texts nobody). The job writes one Customer Notification per key
(a unique index: the same news twice, even from two jobs at once, is one row), chooses the
template in the customer's language, renders it, and either sends it through `send_sms` (so it
is on the customer's thread, with Twilio's statuses) or leaves it Waiting until the end of the
quiet hours, when the `send_due_notifications` sweep sends it. The opt-out is checked when the
text actually goes, so a STOP received during the night still stops the 8:00 text.
"""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import frappe
from frappe import _
from frappe.utils import add_days, get_system_timezone, get_url, getdate, now_datetime, nowdate

from gigafibre_fsm.errors import GigafibreError
from gigafibre_fsm.messaging import notifications as core
from gigafibre_fsm.messaging.sms import SMS, InboundSms, last_digits, try_normalise_phone
from gigafibre_fsm.services.core_errors import translate, translated_errors
from gigafibre_fsm.services.frappe_versions import commit_job, in_test
from gigafibre_fsm.services.times import aware, system_naive

SETTINGS = "Messaging Settings"
LOG = "Customer Notification"
TEMPLATE = "Customer Notification Template"
PREPARE_JOB = "gigafibre_fsm.messaging.services.notifications.prepare_notification"
REMIND_JOB = "gigafibre_fsm.messaging.services.notifications.remind_invoices_due"
DEFAULT_RESCHEDULE_PATH = "/appointments"  # the customer portal's appointments page (www/appointments)
CALENDAR_METHOD = "/api/method/gigafibre_fsm.api.dispatch.appointment_calendar?job="
SWEEP_LIMIT = 500
CLOSED_JOB = ("Completed", "Cancelled")


# --- the one entry point -------------------------------------------------------------------


def notify_customer(
	event: str,
	customer: str | None,
	reference_doctype: str | None = None,
	reference_name: str | None = None,
	context: dict | None = None,
	discriminator: str = "",
) -> str | None:
	"""Tell `customer` about `event` (one of core.EVENTS), about the document
	`reference_doctype`/`reference_name`, once. `context` adds or overrides template values
	(strings: "amount", "invoice_link", "code"...); `discriminator` makes a later notice of the
	same event and document news (see core.dedupe_key). Returns the de-duplication key, or None
	when notifications are off or there is no customer. Never throws for the customer's sake
	(no number, opted out, no template): that is recorded on the Customer Notification."""
	if not customer or not frappe.db.get_single_value(SETTINGS, "notifications_enabled"):
		return None
	with translated_errors():
		key = core.dedupe_key(event, reference_doctype, reference_name, customer, discriminator)
	frappe.enqueue(
		PREPARE_JOB,
		queue="short",
		timeout=300,
		job_id=f"customer_notification::{key}",
		enqueue_after_commit=True,
		now=bool(in_test()),
		notification=event,  # not `event`: frappe.enqueue has a parameter of that name
		customer=customer,
		reference_doctype=reference_doctype,
		reference_name=reference_name,
		context=context or {},
		dedupe_key=key,
		decided_at=now_datetime().isoformat(),
	)
	return key


def prepare_notification(
	notification: str,
	customer: str,
	reference_doctype: str | None,
	reference_name: str | None,
	context: dict,
	dedupe_key: str,
	decided_at: str | None = None,
) -> str | None:
	"""Background job: write the Customer Notification for this key (once), then send it now or
	leave it Waiting for the end of the quiet hours. Returns its name (None: already there).
	`notification` is the event (one of core.EVENTS)."""
	event = notification
	if frappe.db.exists(LOG, {"dedupe_key": dedupe_key}):
		return None
	settings = frappe.get_cached_doc(SETTINGS)
	language = customer_language(customer)
	row = {
		"doctype": LOG,
		"event": event,
		"customer": customer,
		"language": language,
		"reference_doctype": reference_doctype if reference_name else None,
		"reference_name": reference_name if reference_doctype else None,
		"dedupe_key": dedupe_key,
		"status": "Waiting",
	}
	now = aware(now_datetime())
	decided = aware(datetime.fromisoformat(decided_at)) if decided_at else now
	zone = ZoneInfo(get_system_timezone())
	try:
		values = template_values(event, customer, reference_doctype, reference_name, language, context)
		row["context"] = json.dumps(values, ensure_ascii=False, sort_keys=True, default=str)
		row["phone"] = customer_phone(customer)
		template = _choose_template(event, language)
		if not row["phone"]:
			row.update(status="Skipped", skip_reason=_("The customer has no mobile number"))
		elif template is None:
			row.update(status="Skipped", skip_reason=_("No enabled template for this event"))
		else:
			row["template"] = template.name
			row["body"] = core.render(template.body, values)
			start = core.parse_wall_time(settings.quiet_hours_start)
			end = core.parse_wall_time(settings.quiet_hours_end)
			# decided during the quiet hours but run after them (a slow queue): due now
			row["send_after"] = system_naive(max(core.send_at(event, decided, start, end, zone), now))
	except GigafibreError as e:
		row.update(status="Failed", skip_reason=translate(e))
	name = _insert_once(row)
	if name is None:
		return None
	if row["status"] == "Waiting":
		_supersede_older(event, customer, row["reference_doctype"], row["reference_name"], name)
		if aware(row["send_after"]) <= now:
			send_notification(name)
	commit_job()
	return name


def _insert_once(row: dict) -> str | None:
	"""Insert the row; None when another job inserted the same key first (unique index)."""
	frappe.db.savepoint("customer_notification")
	try:
		return frappe.get_doc(row).insert(ignore_permissions=True).name
	except (frappe.DuplicateEntryError, frappe.UniqueValidationError):
		frappe.db.rollback(save_point="customer_notification")
		frappe.clear_messages()
		return None


def _supersede_older(event, customer, reference_doctype, reference_name, keep: str) -> None:
	"""Two moves in the night: only the last one is worth texting at 8:00."""
	older = core.SUPERSEDES.get(event)
	if not older or not reference_name:
		return
	for name in frappe.get_all(
		LOG,
		filters={
			"status": "Waiting",
			"customer": customer,
			"reference_doctype": reference_doctype,
			"reference_name": reference_name,
			"event": ["in", list(older)],
			"name": ["!=", keep],
		},
		pluck="name",
	):
		frappe.db.set_value(
			LOG, name, {"status": "Superseded", "skip_reason": _("A newer notification replaced it")}
		)


def send_notification(name: str) -> None:
	"""Hand one Waiting notification to `send_sms` (recorded on the thread, sent after commit),
	unless the customer has opted out since."""
	row = frappe.db.get_value(
		LOG,
		name,
		["name", "status", "event", "phone", "body", "reference_doctype", "reference_name"],
		as_dict=True,
		for_update=True,
	)
	if not row or row.status != "Waiting":
		return
	if row.event not in core.CUSTOMER_REQUESTED and is_opted_out(row.phone):
		frappe.db.set_value(
			LOG, name, {"status": "Skipped", "skip_reason": _("The customer opted out of automatic texts")}
		)
		return
	from gigafibre_fsm.messaging.services.sms import send_sms

	frappe.db.savepoint("customer_notification_send")
	try:
		message = send_sms(row.phone, row.body, row.reference_doctype, row.reference_name)
	except frappe.ValidationError as e:  # SMS turned off, a number Twilio cannot take...
		frappe.db.rollback(save_point="customer_notification_send")
		frappe.clear_messages()
		frappe.db.set_value(LOG, name, {"status": "Failed", "skip_reason": str(e)[:1000]})
		return
	frappe.db.set_value(LOG, name, {"status": "Sent", "sms_message": message, "sent_at": now_datetime()})


def send_due_notifications() -> None:
	"""Scheduler (every 5 minutes): send what waited for the end of the quiet hours. A quick
	sweep: `send_sms` only records each message and enqueues its Twilio request."""
	for name in frappe.get_all(
		LOG,
		filters={"status": "Waiting", "send_after": ["<=", now_datetime()]},
		order_by="send_after asc",
		limit=SWEEP_LIMIT,
		pluck="name",
	):
		send_notification(name)
		commit_job()


# --- who, in which language, at which number -----------------------------------------------


def customer_language(customer: str) -> str:
	"""The customer's language (Customer.language, else their contacts' or portal users' user
	language), French when none is one we write in."""
	language, primary = frappe.db.get_value(
		"Customer", customer, ["language", "customer_primary_contact"]
	) or (
		None,
		None,
	)
	users = []
	if primary:
		users.append(frappe.db.get_value("Contact", primary, "user"))
	users += frappe.get_all(
		"Portal User", filters={"parent": customer, "parenttype": "Customer"}, pluck="user"
	)
	user_languages = [frappe.db.get_value("User", u, "language") for u in users if u]
	return core.customer_language(language, *user_languages)


def customer_phone(customer: str) -> str | None:
	"""The number to text: the customer's mobile, else their primary contact's, else a mobile of
	any of their contacts; E.164, or None."""
	mobile, primary = frappe.db.get_value(
		"Customer", customer, ["mobile_no", "customer_primary_contact"]
	) or (
		None,
		None,
	)
	candidates = [mobile]
	contacts = frappe.get_all(
		"Dynamic Link",
		filters={"parenttype": "Contact", "link_doctype": "Customer", "link_name": customer},
		pluck="parent",
	)
	ordered = [primary, *sorted(c for c in contacts if c != primary)] if primary else sorted(contacts)
	for contact in ordered:
		rows = frappe.get_all(
			"Contact Phone",
			filters={"parent": contact, "parenttype": "Contact"},
			fields=["phone", "is_primary_mobile_no", "is_primary_phone"],
			order_by="is_primary_mobile_no desc, is_primary_phone desc, idx asc",
		)
		candidates += [r.phone for r in rows]
	for candidate in candidates:
		number = try_normalise_phone(candidate) if candidate else None
		if number:
			return number
	return None


def contacts_with_phone(phone: str) -> list[str]:
	"""Contacts whose phone numbers include `phone` (compared once normalised)."""
	tail = f"%{last_digits(phone)}%"
	rows = frappe.get_all(
		"Contact Phone",
		filters={"phone": ["like", tail], "parenttype": "Contact"},
		fields=["parent", "phone"],
	)
	return sorted({r.parent for r in rows if try_normalise_phone(r.phone) == phone})


def is_opted_out(phone: str | None) -> bool:
	"""Whether a Contact with this number answered STOP / ARRET (and not START since)."""
	number = try_normalise_phone(phone) if phone else None
	if not number:
		return False
	contacts = contacts_with_phone(number)
	return bool(contacts) and bool(
		frappe.get_all("Contact", filters={"name": ["in", contacts], "sms_opt_out": 1}, limit=1)
	)


def record_opt_out(phone: str, opted_out: bool, customer: str | None = None) -> list[str]:
	"""Record STOP (or START) on every Contact with this number; a number no Contact has gets
	one (linked to `customer` when known), so that the opt-out is never lost."""
	contacts = contacts_with_phone(phone)
	if not contacts and opted_out:
		contact = frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": phone,
				"phone_nos": [{"phone": phone, "is_primary_mobile_no": 1}],
				"links": [{"link_doctype": "Customer", "link_name": customer}] if customer else [],
			}
		)
		contact.insert(ignore_permissions=True)
		contacts = [contact.name]
	for contact in contacts:
		frappe.db.set_value(
			"Contact",
			contact,
			{"sms_opt_out": int(opted_out), "sms_opt_out_at": now_datetime() if opted_out else None},
		)
	return contacts


# --- incoming keywords (called by sms.receive_inbound) ---------------------------------------


def on_inbound(inbound: InboundSms, conversation: str, customer: str | None) -> None:
	"""An incoming SMS that is an opt-out keyword: record it on the Contact; answer ARRET and
	AIDE (Twilio answers its own keywords, and blocks texts to a number that sent STOP).
	Called once per stored message (a retried webhook is not stored again). A failure here is
	logged, never the webhook's: the message itself is stored either way."""
	if inbound.channel != SMS:
		return
	keyword = core.classify(inbound.body)
	if keyword is None:
		return
	frappe.db.savepoint("sms_keyword")
	try:
		if keyword.action in (core.OPT_OUT, core.OPT_IN):
			record_opt_out(inbound.from_number, keyword.action == core.OPT_OUT, customer)
		settings = frappe.get_cached_doc(SETTINGS)
		company = frappe.defaults.get_global_default("company") or "Gigafibre"
		answer = core.reply_for(keyword, company, settings.support_contact or "")
		if answer and settings.enabled:
			from gigafibre_fsm.messaging.services.sms import send_sms

			send_sms(inbound.from_number, answer)
	except Exception:
		frappe.db.rollback(save_point="sms_keyword")
		frappe.clear_messages()
		frappe.log_error(title=_("SMS opt-out keyword"))


# --- what the templates say ----------------------------------------------------------------


def template_values(event, customer, reference_doctype, reference_name, language, given) -> dict:
	"""The placeholders' values for this customer, document and language; `given` (from the
	trigger) wins over what is read here."""
	values = {
		"customer_name": frappe.db.get_value("Customer", customer, "customer_name") or customer,
		"company": frappe.defaults.get_global_default("company") or "Gigafibre",
		"reference": reference_name or "",
	}
	if reference_doctype == "Dispatch Job" and reference_name:
		values.update(_job_values(event, reference_name, language, given))
	elif reference_doctype == "Sales Invoice" and reference_name:
		values.update(_invoice_values(reference_name, language))
	values.update({k: v for k, v in (given or {}).items() if k in core.PLACEHOLDERS})
	return values


def _choose_template(event: str, language: str):
	rows = frappe.get_all(
		TEMPLATE,
		filters={"event": event, "enabled": 1},
		fields=["name", "event", "language", "body", "enabled"],
	)
	return core.choose_template(event, language, [core.Template(**r) for r in rows])


def job_slot(job) -> dict | None:
	"""The appointment the customer was given: the date with the arrival window, or the start
	time when there is no window; None when the job has no date or no time yet. A planner that
	moves the start time inside the window has not moved the appointment."""
	if not job.get("scheduled_date"):
		return None
	start = job.get("window_start") or job.get("start_time")
	if not start:
		return None
	end = job.get("window_end") if job.get("window_start") else None
	return {"date": str(getdate(job.scheduled_date)), "start": _hhmm(start), "end": _hhmm(end) if end else ""}


def slot_key(slot: dict) -> str:
	return f"{slot['date']} {slot['start']}" + (f"-{slot['end']}" if slot.get("end") else "")


def _hhmm(value) -> str:
	text = str(value)
	parts = text.split(":")
	return f"{int(parts[0]):02d}:{int(parts[1]):02d}" if len(parts) >= 2 else text


def _dispatch_zone():
	from gigafibre_fsm.dispatch.services.settings import dispatch_zone

	return dispatch_zone()


def _slot_text(slot: dict, language: str) -> str:
	zone = _dispatch_zone()  # the job's times are the dispatch zone's wall clock
	day = getdate(slot["date"])
	start = datetime.combine(day, datetime.strptime(slot["start"], "%H:%M").time(), tzinfo=zone)
	end = (
		datetime.combine(day, datetime.strptime(slot["end"], "%H:%M").time(), tzinfo=zone)
		if slot.get("end")
		else None
	)
	return core.format_appointment(start, language, ZoneInfo(get_system_timezone()), window_end=end)


def reschedule_link(job: str) -> str:
	base = (frappe.db.get_single_value(SETTINGS, "reschedule_url") or "").strip() or get_url(
		DEFAULT_RESCHEDULE_PATH
	)
	return f"{base}{'&' if '?' in base else '?'}job={job}"


def _job_values(event: str, job_name: str, language: str, given: dict) -> dict:
	job = frappe.db.get_value(
		"Dispatch Job",
		job_name,
		[
			"name",
			"scheduled_date",
			"start_time",
			"window_start",
			"window_end",
			"technician",
			"technician_name",
			"latitude",
			"longitude",
		],
		as_dict=True,
	)
	if not job:
		return {}
	slot = (given or {}).get("slot") or job_slot(job)
	values = {
		"reference": job.name,
		"calendar_link": get_url(f"{CALENDAR_METHOD}{job.name}"),
		"reschedule_link": reschedule_link(job.name),
		"technician": (job.technician_name or "").split(" ")[0],
	}
	if slot:
		values["appointment"] = _slot_text(slot, language)
	if event == core.TECHNICIAN_ON_THE_WAY:
		eta = arrival_estimate(job)
		if eta:
			values["eta"] = core.format_time(eta, language, ZoneInfo(get_system_timezone()))
	return values


def arrival_estimate(job) -> datetime | None:
	"""When the technician should arrive: now plus the drive from where the planned route has
	them (their last job finished today, else home) to the job, through dispatch's travel-time
	provider; without coordinates, the planned start time. (GPS positions come later.)"""
	now = aware(now_datetime())
	origin = None
	if job.technician:
		previous = frappe.get_all(
			"Dispatch Job",
			filters={
				"technician": job.technician,
				"scheduled_date": getdate(job.scheduled_date or nowdate()),
				"status": "Completed",
				"name": ["!=", job.name],
			},
			fields=["latitude", "longitude"],
			order_by="start_time desc",
			limit=1,
		)
		if previous and (previous[0].latitude or previous[0].longitude):
			origin = (previous[0].latitude, previous[0].longitude)
		else:
			home = frappe.db.get_value(
				"Dispatch Technician", job.technician, ["home_latitude", "home_longitude"], as_dict=True
			)
			if home and (home.home_latitude or home.home_longitude):
				origin = (home.home_latitude, home.home_longitude)
	if origin and (job.latitude or job.longitude):
		from gigafibre_fsm.dispatch.services.settings import travel_time_provider

		try:
			seconds = travel_time_provider().matrix([origin, (job.latitude, job.longitude)])[0][1]
			return now + timedelta(seconds=int(seconds))
		except Exception:  # a road-network service down must not stop the text: the plan's time
			frappe.log_error(title=_("Travel time for an arrival estimate"))
	start = job.start_time or job.window_start
	if job.scheduled_date and start:
		moment = datetime.combine(
			getdate(job.scheduled_date),
			datetime.strptime(_hhmm(start), "%H:%M").time(),
			tzinfo=_dispatch_zone(),
		)
		return max(moment, now)
	return None


def _invoice_values(invoice: str, language: str) -> dict:
	row = frappe.db.get_value(
		"Sales Invoice",
		invoice,
		["name", "grand_total", "outstanding_amount", "currency", "due_date", "portal_link"],
		as_dict=True,
	)
	if not row:
		return {}
	amount = row.outstanding_amount if row.outstanding_amount else row.grand_total
	values = {
		"invoice": row.name,
		"amount": core.format_amount(amount, row.currency, language),
		"invoice_link": row.get("portal_link") or get_url(f"/invoices/{row.name}"),
	}
	if row.due_date:
		values["due_date"] = core.format_date(
			datetime.combine(getdate(row.due_date), datetime.min.time()), language
		)
	return values


# --- triggers: doc_events and the scheduler --------------------------------------------------


def on_dispatch_job_update(doc, method=None) -> None:
	"""doc_events Dispatch Job on_update: booked, moved, cancelled, on the way, done."""
	if not doc.customer:
		return
	before = doc.get_doc_before_save()
	slot, old_slot = job_slot(doc), job_slot(before) if before else None
	status_changed = bool(before) and before.status != doc.status
	if doc.status == "Cancelled":
		if status_changed and (old_slot or slot):
			notify_customer(
				core.APPOINTMENT_CANCELLED,
				doc.customer,
				"Dispatch Job",
				doc.name,
				{"slot": old_slot or slot},
			)
		return
	if doc.status == "En Route" and status_changed:
		notify_customer(core.TECHNICIAN_ON_THE_WAY, doc.customer, "Dispatch Job", doc.name)
	if doc.status == "Completed" and status_changed:
		notify_customer(core.JOB_DONE, doc.customer, "Dispatch Job", doc.name)
	if doc.status in CLOSED_JOB or not slot:
		return
	customer_changed = bool(before) and before.customer != doc.customer
	reopened = bool(before) and before.status == "Cancelled"
	if old_slot is None or customer_changed or reopened:
		if doc.recurring_series and not before:
			return  # a series' occurrences are not each announced when generated
		notify_customer(
			core.APPOINTMENT_BOOKED,
			doc.customer,
			"Dispatch Job",
			doc.name,
			{"slot": slot},
			# booked again after a cancellation, or for another customer: news again
			discriminator=f"{doc.customer}@{before.modified}" if (reopened or customer_changed) else "",
		)
	elif slot_key(slot) != slot_key(old_slot):
		notify_customer(
			core.APPOINTMENT_MOVED,
			doc.customer,
			"Dispatch Job",
			doc.name,
			{"slot": slot},
			discriminator=core.move_discriminator(slot_key(slot), str(before.modified)),
		)


def on_payment_entry_submit(doc, method=None) -> None:
	"""doc_events Payment Entry on_submit: a customer's payment is thanked, once."""
	if doc.payment_type != "Receive" or doc.party_type != "Customer" or not doc.party:
		return
	invoices = [r.reference_name for r in doc.references if r.reference_doctype == "Sales Invoice"]
	language = customer_language(doc.party)
	notify_customer(
		core.INVOICE_PAID,
		doc.party,
		"Payment Entry",
		doc.name,
		{
			"amount": core.format_amount(
				doc.received_amount or doc.paid_amount, doc.paid_to_account_currency, language
			),
			"invoice": ", ".join(invoices),
		},
	)


def enqueue_invoice_reminders() -> None:
	"""Scheduler (daily): only enqueues the reminder run."""
	frappe.enqueue(REMIND_JOB, queue="long", timeout=1800, job_id="customer_notification::invoices_due")


def remind_invoices_due(today=None) -> int:
	"""Background job: remind the customers of unpaid invoices due in N days (Messaging
	Settings), once per invoice and due date. Returns how many were queued."""
	days = int(frappe.db.get_single_value(SETTINGS, "invoice_due_days") or 0)
	if days <= 0:
		return 0
	due = add_days(getdate(today or nowdate()), days)
	invoices = frappe.get_all(
		"Sales Invoice",
		filters={"docstatus": 1, "outstanding_amount": [">", 0], "due_date": due, "is_return": 0},
		fields=["name", "customer", "due_date"],
	)
	for invoice in invoices:
		notify_customer(
			core.INVOICE_DUE,
			invoice.customer,
			"Sales Invoice",
			invoice.name,
			discriminator=str(invoice.due_date),
		)
	commit_job()
	return len(invoices)


# --- install / migrate -----------------------------------------------------------------------


def install_default_templates() -> int:
	"""Create the default template of every (event, language) that has none. Idempotent; never
	touches an existing template, edited or not (to get a default back: delete the template,
	then migrate). Returns how many were created."""
	created = 0
	for (event, language), body in sorted(core.DEFAULT_TEMPLATES.items()):
		if frappe.db.exists(TEMPLATE, {"event": event, "language": language}):
			continue
		frappe.get_doc(
			{"doctype": TEMPLATE, "event": event, "language": language, "body": body, "enabled": 1}
		).insert(ignore_permissions=True)
		created += 1
	return created
