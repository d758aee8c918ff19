"""Suspension and reactivation carried to the network: the subscriber's devices get (or lose)
the ACS tag a GenieACS preset matches.

When a Service Subscription goes Active → Suspended or Suspended → Active (for whatever reason:
an unpaid invoice, Stripe, a billing agent), `on_subscription_update` writes one Service
Network Change per device at its location that the ACS manages (an `acs_device_id`, TR-069),
and enqueues, after the commit, a background job per change. A location with no such device
gets one change marked "Nothing to Change", so the subscription shows that nothing was done
and why. Older changes of the same device still waiting are Superseded.

The job (`apply_change`) takes the change under a row lock and makes the device's tag match
what the location's subscriptions say *now* (`location_suspended_on_network`), so two changes
applied out of order still end right; `acs.set_tag` reads first, so suspending twice tags
once. A failure (ACS down, refused, unknown device, no ACS configured) is written on the
change (last error, tries) and tried again by `retry_due_changes` (every 5 minutes) after
5 min, 10, 20 … up to 6 h, until the maximum of tries (Billing Settings): then the change is
Failed and an Error Log says so.
"""

import frappe
from frappe import _
from frappe.utils import add_to_date, now_datetime

from gigafibre_fsm.errors import GigafibreError
from gigafibre_fsm.network.acs import BackoffPolicy, check_tag, set_tag
from gigafibre_fsm.services.core_errors import translate, translated_errors
from gigafibre_fsm.services.frappe_versions import commit_job, in_test
from gigafibre_fsm.subscribers.subscription_lifecycle import location_suspended_on_network

CHANGE = "Service Network Change"
APPLY_JOB = "gigafibre_fsm.subscribers.services.network_changes.apply_change"
OPEN = ("Queued", "Retrying")
ACTIONS = {("Active", "Suspended"): "Suspend", ("Suspended", "Active"): "Reactivate"}
RETRY = BackoffPolicy(base_seconds=300, factor=2, max_seconds=6 * 3600, jitter=0)
DEFAULT_TAG = "suspended"
DEFAULT_MAX_TRIES = 8
LOST_JOB_MINUTES = 10  # a change still Queued after this lost its job (a worker died): sent again


def settings() -> tuple[str, int]:
	"""(the tag, the maximum of tries) from Billing Settings."""
	doc = frappe.get_cached_doc("Billing Settings")
	return (doc.get("suspension_acs_tag") or DEFAULT_TAG).strip(), int(
		doc.get("network_change_max_tries") or DEFAULT_MAX_TRIES
	)


def on_subscription_update(doc, method=None) -> None:
	"""Service Subscription on_update: a suspension or reactivation is carried to the network."""
	before = doc.get_doc_before_save()
	action = ACTIONS.get((before.status if before else None, doc.status))
	if action:
		request_changes(doc, action)


def request_changes(subscription, action: str) -> list[str]:
	"""Write the changes for `subscription`'s devices and enqueue them; returns their names."""
	tag, _max_tries = settings()
	equipment = frappe.get_all(
		"Service Equipment",
		filters={"service_location": subscription.service_location},
		fields=["name", "acs_device_id", "management_protocol"],
		order_by="name",
	)
	managed = [e for e in equipment if e.acs_device_id and e.management_protocol != "TR-369"]
	common = {
		"doctype": CHANGE,
		"service_subscription": subscription.name,
		"action": action,
		"service_location": subscription.service_location,
		"customer": subscription.customer,
		"acs_tag": tag,
		"requested_at": now_datetime(),
	}
	if not managed:
		note = _("No device at {0} is managed by the ACS ({1} equipment there without an ACS device id)")
		doc = frappe.get_doc(
			{
				**common,
				"status": "Nothing to Change",
				"applied_at": now_datetime(),
				"outcome": note.format(subscription.service_location, len(equipment)),
			}
		)
		doc.insert(ignore_permissions=True)
		return [doc.name]
	names = []
	for eq in managed:
		_supersede(eq.name)
		doc = frappe.get_doc(
			{**common, "status": "Queued", "service_equipment": eq.name, "acs_device_id": eq.acs_device_id}
		)
		doc.insert(ignore_permissions=True)
		names.append(doc.name)
		enqueue(doc.name)
	return names


def _supersede(equipment: str) -> None:
	for name in frappe.get_all(
		CHANGE, filters={"service_equipment": equipment, "status": ["in", [*OPEN, "Failed"]]}, pluck="name"
	):
		frappe.db.set_value(
			CHANGE, name, {"status": "Superseded", "next_try_at": None}, update_modified=False
		)


def enqueue(change: str, deduplicate: bool = False) -> None:
	frappe.enqueue(
		APPLY_JOB,
		queue="short",
		job_id=f"network_change::{change}",
		deduplicate=deduplicate,
		enqueue_after_commit=not deduplicate,
		now=bool(in_test()),
		change=change,
	)


def apply_change(change: str) -> str:
	"""Background job: make the device's tag what its location's subscriptions call for.
	Returns the change's final status."""
	row = frappe.db.get_value(
		CHANGE,
		change,
		["status", "action", "service_location", "acs_device_id", "acs_tag", "tries", "service_subscription"],
		as_dict=True,
		for_update=True,
	)
	if not row or row.status not in OPEN:
		return row.status if row else "Missing"
	statuses = frappe.get_all(
		"Service Subscription", filters={"service_location": row.service_location}, pluck="status"
	)
	present = location_suspended_on_network(statuses)
	tries = (row.tries or 0) + 1
	try:
		from gigafibre_fsm.network.services.settings import nbi_client

		with translated_errors():
			tag = check_tag(row.acs_tag)
		with translated_errors(), nbi_client() as client:
			result = set_tag(client, row.acs_device_id, tag, present)
	except (GigafibreError, frappe.ValidationError) as e:
		message = translate(e) if isinstance(e, GigafibreError) else str(e)
		frappe.clear_messages()
		return _failed(change, row, tries, message)
	values = {
		"status": "Done" if result.changed else "Nothing to Change",
		"tries": tries,
		"next_try_at": None,
		"last_error": None,
		"applied_at": now_datetime(),
		"outcome": _describe(result, row),
	}
	frappe.db.set_value(CHANGE, change, values, update_modified=True)
	_publish(row.service_subscription, change, values["status"])
	commit_job()
	return values["status"]


def _describe(result, row) -> str:
	if row.action == "Suspend" and not result.present:
		return _("Not restricted: another subscription at {0} is still active").format(row.service_location)
	if row.action == "Reactivate" and result.present:
		return _("Still restricted: every subscription at {0} is suspended").format(row.service_location)
	if result.outcome == "added":
		return _("Tag {0} added on {1}: the ACS restricts the device at its next session").format(
			result.tag, result.device_id
		)
	if result.outcome == "removed":
		return _("Tag {0} removed from {1}: the ACS restores the service at its next session").format(
			result.tag, result.device_id
		)
	if result.present:
		return _("Tag {0} was already on {1}").format(result.tag, result.device_id)
	return _("{1} did not carry tag {0}: nothing to remove").format(result.tag, result.device_id)


def _failed(change: str, row, tries: int, message: str) -> str:
	_tag, max_tries = settings()
	given_up = tries >= max_tries
	values = {
		"status": "Failed" if given_up else "Retrying",
		"tries": tries,
		"last_error": message[:1000],
		"next_try_at": None if given_up else add_to_date(now_datetime(), seconds=RETRY.delay(tries)),
	}
	frappe.db.set_value(CHANGE, change, values, update_modified=True)
	if given_up:
		frappe.log_error(
			title=_("Network change {0} failed").format(change),
			message=_("{0} on {1} for {2} failed {3} times; last error: {4}").format(
				change, row.acs_device_id, row.service_subscription, tries, message
			),
			reference_doctype=CHANGE,
			reference_name=change,
		)
	_publish(row.service_subscription, change, values["status"])
	commit_job()
	return values["status"]


def _publish(subscription: str, change: str, status: str) -> None:
	frappe.publish_realtime(
		"service_network_change",
		{"change": change, "status": status, "service_subscription": subscription},
		doctype="Service Subscription",
		docname=subscription,
		after_commit=True,
	)


def retry_due_changes() -> int:
	"""Scheduler event (every 5 minutes): enqueue the changes whose next try is due, and those
	still Queued long after their job should have run. Returns how many."""
	now = now_datetime()
	due = frappe.get_all(
		CHANGE, filters={"status": "Retrying", "next_try_at": ["<=", now]}, pluck="name", limit=500
	)
	lost = frappe.get_all(
		CHANGE,
		filters={"status": "Queued", "modified": ["<", add_to_date(now, minutes=-LOST_JOB_MINUTES)]},
		pluck="name",
		limit=500,
	)
	for name in due + lost:
		enqueue(name, deduplicate=True)
	return len(due) + len(lost)


def retry_now(change: str) -> str:
	"""A NOC operator's "Try Again Now" on a Retrying or Failed change."""
	status = frappe.db.get_value(CHANGE, change, "status")
	if status not in ("Retrying", "Failed"):
		frappe.throw(
			_("Only a Retrying or Failed network change can be tried again (this one is {0})").format(
				_(status)
			)
		)
	frappe.db.set_value(CHANGE, change, {"status": "Retrying", "next_try_at": now_datetime()})
	enqueue(change)
	return "Retrying"


def subscription_dashboard(data):
	"""The Service Subscription form lists its network changes (Connections)."""
	data = frappe._dict(data or {})
	data.fieldname = data.get("fieldname") or "service_subscription"
	data.setdefault("transactions", []).append({"label": _("Network"), "items": [CHANGE]})
	return data
