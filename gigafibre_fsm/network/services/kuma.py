"""Uptime-Kuma's webhook: authenticated, idempotent; a monitor going down opens one incident,
coming back up resolves it.

A monitor named after an OLT (its OLT name) or a PON port (`OLT/frame/slot/port`) covers the
Service Locations behind it; any other monitor opens an incident of scope Monitor without
locations. Deliveries are kept as Network Webhook Events named by their idempotency key, so
a repeated delivery changes nothing twice, even when two arrive together (unique name).
"""

import frappe
from frappe import _

from gigafibre_fsm.network import outages as core
from gigafibre_fsm.network.services import outages
from gigafibre_fsm.network.services.settings import kuma_secret
from gigafibre_fsm.services.core_errors import translate, translated_errors


def handle_delivery(
	headers: dict,
	body: bytes,
	content_type: str | None = "application/json",
	form: dict | None = None,
	query: dict | None = None,
) -> dict:
	"""Check, record and apply one delivery. A delivery failing authentication raises
	PermissionError (HTTP 403) before anything is read or written."""
	try:
		core.verify_kuma_request(headers, body, kuma_secret() or "")
	except core.WebhookRejected as e:
		frappe.throw(translate(e), frappe.PermissionError, title=_("Not Permitted"))
	lowered = {str(k).lower(): v for k, v in (headers or {}).items()}
	with translated_errors():
		event = core.parse_kuma_webhook(
			body, content_type, form=form, query=query, idempotency_key=lowered.get("idempotency-key")
		)
	if frappe.db.exists("Network Webhook Event", event.key):
		return {"status": "duplicate", "key": event.key}
	monitor = str(event.monitor_id if event.monitor_id is not None else event.monitor_name)
	try:
		record = frappe.get_doc(
			{
				"doctype": "Network Webhook Event",
				"idempotency_key": event.key,
				"source": "Uptime-Kuma",
				"monitor": event.monitor_name or monitor,
				"event_status": event.status,
				"received_at": frappe.utils.now_datetime(),
				"message": event.msg[:1000],
			}
		).insert(ignore_permissions=True)
	except frappe.DuplicateEntryError:
		return {"status": "duplicate", "key": event.key}
	incident = None
	if event.status == "down":
		incident = _monitor_down(event, monitor)
	elif event.status == "up":
		incident = _monitor_up(event, monitor)
	if incident:
		record.db_set("outage_incident", incident)
	return {"status": "accepted", "event": event.status, "incident": incident, "key": event.key}


def _open_for(monitor: str) -> str | None:
	return frappe.db.get_value(
		"Outage Incident", {"kuma_monitor": monitor, "status": "Open", "source": "Uptime-Kuma"}
	)


def _monitor_down(event, monitor: str) -> str:
	existing = _open_for(monitor)
	if existing:
		return existing
	scope, olt, filters = _watched(event.monitor_name)
	rows = []
	if filters:
		from gigafibre_fsm.network.services.olt import onu_id_of

		for loc in frappe.get_all(
			"Service Location", filters=filters, fields=["name", "customer", "olt", "pon_port", "onu_id"]
		):
			rows.append({"service_location": loc.name, "customer": loc.customer, "onu": onu_id_of(loc)})
	doc = outages.open_incident(
		key=f"kuma:{monitor}@{int(event.at)}",
		scope=scope,
		olt=olt,
		node=event.monitor_name or monitor,
		at=event.at,
		rows=rows,
		onu_count=len(rows),
		source="Uptime-Kuma",
		kuma_monitor=monitor,
	)
	if doc is None:  # the same outage delivered under another key
		return _open_for(monitor)
	outages.after_open(doc)
	return doc.name


def _monitor_up(event, monitor: str) -> str | None:
	existing = _open_for(monitor)
	if not existing:
		return None
	key = frappe.db.get_value("Outage Incident", existing, "correlation_key")
	return outages.resolve_incident(key, event.at)


def _watched(name: str) -> tuple[str, str | None, dict | None]:
	"""(scope, OLT, Service Location filters) of what a monitor named `name` watches."""
	name = (name or "").strip()
	if name and frappe.db.exists("OLT", name):
		return "OLT", name, {"olt": name}
	olt, sep, pon = name.partition("/")
	if sep and frappe.db.exists("OLT", olt) and pon.count("/") == 2:
		return "PON Port", olt, {"olt": olt, "pon_port": pon}
	return "Monitor", None, None
