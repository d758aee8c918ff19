"""Outage incidents from the correlator's decisions (and from Uptime-Kuma, see kuma.py).

The correlator of each OLT is kept in the cache between walks (pickled). When the cache has
lost it, or the OLT's ONUs or the locations they serve have changed, it is rebuilt and the
ONU State Changes recorded since the oldest open incident of that OLT (at least one flapping
window back) are replayed through it. Every decision is applied idempotently (an incident is
found by its correlation key), so a replay re-creates only what is missing.

When an incident opens: one Dispatch Job, the open Issues of its customers link to it, and the
customers are told by SMS. Merged incidents hand their Issues and customers to the broader one.
"""

from datetime import timedelta

import frappe
from frappe import _

from gigafibre_fsm.network import outages as core
from gigafibre_fsm.network.services.settings import network_settings, outage_policy
from gigafibre_fsm.services import tickets
from gigafibre_fsm.services.times import aware, system_naive

CORRELATOR_KEY = "gigafibre_fsm:outage_correlator:{olt}"
INCIDENT_EVENT = "outage_incident_changed"
FLAPPING_EVENT = "onu_flapping"
SCOPES = {"pon": "PON Port", "card": "Card", "olt": "OLT"}
# Correlator state ---------------------------------------------------------------------


def correlator_for(olt: str, snapshot, served: dict) -> core.OutageCorrelator:
	"""The OLT's correlator as it was after the previous walk, or rebuilt by replay."""
	policy = outage_policy()
	topology = core.Topology.from_snapshots([snapshot], served)
	try:
		cached = frappe.cache.get_value(CORRELATOR_KEY.format(olt=olt))
	except Exception:  # pickled by an older release of the code: rebuild it
		cached = None
	if cached is not None and cached.policy == policy and cached.topology.onus == topology.onus:
		return cached
	correlator = core.OutageCorrelator(topology, policy)
	open_since = frappe.get_all(
		"Outage Incident",
		filters={"olt": olt, "status": "Open", "source": "Correlation"},
		pluck="started_at",
		order_by="started_at asc",
		limit=1,
	)
	now = frappe.utils.now_datetime()
	since = min([*open_since, now]) - timedelta(seconds=max(policy.window_s, policy.flap_window_s))
	history = frappe.get_all(
		"ONU State Change",
		filters={"olt": olt, "change": ["in", ["down", "up"]], "changed_at": [">=", since]},
		fields=["onu", "change", "changed_at"],
		order_by="changed_at asc",
	)
	decisions = correlator.feed(core.Change(r.onu, r.change, aware(r.changed_at)) for r in history)
	apply_decisions(olt, decisions, served)
	return correlator


def correlate(olt: str, correlator: core.OutageCorrelator, changes: list, served: dict) -> list:
	"""Feed one walk's changes, apply the decisions, keep the correlator for the next walk."""
	decisions = correlator.feed(changes)
	apply_decisions(olt, decisions, served)
	frappe.cache.set_value(CORRELATOR_KEY.format(olt=olt), correlator)
	return decisions


def forget_correlator(olt: str) -> None:
	frappe.cache.delete_value(CORRELATOR_KEY.format(olt=olt))


# Decisions -> documents ----------------------------------------------------------------


def apply_decisions(olt: str, decisions: list, served: dict) -> None:
	opened = []
	for decision in decisions:
		if isinstance(decision, core.IncidentOpened):
			doc = open_incident(
				key=decision.incident,
				scope=SCOPES.get(decision.scope, "Monitor"),
				olt=olt,
				node=decision.node,
				at=decision.at,
				rows=_rows(decision.onus, served),
				onu_count=len(decision.onus),
				source="Correlation",
			)
			if doc is not None:
				opened.append(doc)
		elif isinstance(decision, core.IncidentExtended):
			extend_incident(decision.incident, _rows(decision.onus, served), len(decision.onus))
		elif isinstance(decision, core.IncidentMerged):
			merge_incident(decision.incident, decision.into)
		elif isinstance(decision, core.IncidentResolved):
			resolve_incident(decision.incident, decision.at)
		elif isinstance(decision, core.OnuFlapping):
			frappe.publish_realtime(
				FLAPPING_EVENT,
				{"olt": olt, "onu": decision.onu, "downs": decision.downs},
				doctype="Outage Incident",
				after_commit=True,
			)
	# Side effects once merges are known: a broader incident takes over its children's tickets
	# and does not text the customers they already told.
	for doc in opened:
		doc.reload()
		if doc.status == "Open":
			after_open(doc)


def _rows(onus, served: dict) -> list[dict]:
	rows = []
	for onu in sorted(onus):
		location, customer = served.get(onu, (None, None))
		if location:
			rows.append({"service_location": location, "customer": customer, "onu": onu})
	return rows


def _by_key(key: str):
	name = frappe.db.get_value("Outage Incident", {"correlation_key": key})
	return frappe.get_doc("Outage Incident", name) if name else None


def open_incident(
	key: str,
	scope: str,
	olt: str | None,
	node: str,
	at,
	rows: list[dict],
	onu_count: int,
	source: str,
	kuma_monitor: str | None = None,
):
	"""A new Open incident, or None when one with this key exists already (a replay)."""
	if frappe.db.exists("Outage Incident", {"correlation_key": key}):
		return None
	doc = frappe.get_doc(
		{
			"doctype": "Outage Incident",
			"title": _("Outage on {0}").format(node),
			"status": "Open",
			"source": source,
			"scope": scope,
			"olt": olt,
			"node": node,
			"started_at": system_naive(at),
			"affected_onu_count": onu_count,
			"correlation_key": key,
			"kuma_monitor": kuma_monitor,
			"affected_locations": rows,
		}
	)
	return doc.insert(ignore_permissions=True)


def extend_incident(key: str, rows: list[dict], onu_count: int) -> None:
	doc = _by_key(key)
	if doc is None or doc.status != "Open":
		return
	known = {r.onu for r in doc.affected_locations}
	added = [r for r in rows if r["onu"] not in known]
	for row in added:
		doc.append("affected_locations", row)
	doc.affected_onu_count = (doc.affected_onu_count or 0) + onu_count
	doc.save(ignore_permissions=True)
	if added:
		_link_issues(doc)
		_notify(doc, opened=True)


def merge_incident(key: str, into_key: str) -> None:
	child, parent = _by_key(key), _by_key(into_key)
	if child is None or parent is None or child.status != "Open":
		return
	child.status = "Merged"
	child.merged_into = parent.name
	child.resolved_at = parent.started_at
	child.save(ignore_permissions=True)
	for ticket in tickets.tickets_of_incident(child.name):
		tickets.link_ticket_to_incident(ticket, parent.name)
	notified = {r.service_location for r in child.affected_locations if r.notified}
	for row in parent.affected_locations:
		if row.service_location in notified and not row.notified:
			row.db_set("notified", 1)
	if child.dispatch_job:
		job = frappe.get_doc("Dispatch Job", child.dispatch_job)
		if job.status == "Open" and not parent.dispatch_job:
			parent.db_set("dispatch_job", job.name)  # the crew already sent keeps going
			job.db_set("subject", _("Outage on {0}").format(parent.node))
		elif job.status == "Open":
			job.status = "Cancelled"
			job.save(ignore_permissions=True)


def resolve_incident(key: str, at=None) -> str | None:
	doc = _by_key(key)
	if doc is None or doc.status != "Open":
		return None
	doc.status = "Resolved"
	doc.resolved_at = system_naive(at) if at is not None else frappe.utils.now_datetime()
	doc.save(ignore_permissions=True)
	_notify(doc, opened=False)
	return doc.name


# On open: one dispatch job, tickets linked, customers told ------------------------------


def after_open(doc) -> None:
	if not doc.dispatch_job:
		job = frappe.get_doc(
			{
				"doctype": "Dispatch Job",
				"subject": _("Outage on {0}").format(doc.node),
				"job_type": "Outage",
				"priority": "Urgent",
				"status": "Open",
				"notes": _("Outage Incident {0}: {1} ONUs, {2} locations").format(
					doc.name, doc.affected_onu_count or 0, len(doc.affected_locations)
				),
			}
		).insert(ignore_permissions=True)
		doc.db_set("dispatch_job", job.name)
	_link_issues(doc)
	_notify(doc, opened=True)
	publish_incident(doc)


def _link_issues(doc) -> None:
	customers = sorted({r.customer for r in doc.affected_locations if r.customer})
	for ticket in tickets.open_tickets_of_customers(customers):
		tickets.link_ticket_to_incident(ticket, doc.name)


def _notify(doc, opened: bool) -> None:
	"""Text each affected customer once when the outage opens, and again when it is resolved:
	Messaging's customer notifications (the staff's template in the customer's language, one
	per customer and incident, sent after this transaction commits, at any hour)."""
	if not network_settings().notify_customers:
		return
	from gigafibre_fsm.messaging import notifications as messaging_events
	from gigafibre_fsm.messaging.services.notifications import notify_customer

	event = messaging_events.OUTAGE_ON_YOUR_LINE if opened else messaging_events.OUTAGE_RESOLVED
	done = set()
	for row in doc.affected_locations:
		if (
			not row.customer
			or row.customer in done
			or (opened and row.notified)
			or (not opened and not row.notified)
		):
			continue
		done.add(row.customer)
		notify_customer(event, row.customer, "Outage Incident", doc.name)
		if opened:
			for same in doc.affected_locations:
				if same.customer == row.customer:
					same.db_set("notified", 1)


def publish_incident(doc) -> None:
	frappe.publish_realtime(
		INCIDENT_EVENT,
		{
			"name": doc.name,
			"status": doc.status,
			"scope": doc.scope,
			"olt": doc.olt,
			"node": doc.node,
			"affected_onu_count": doc.affected_onu_count,
			"dispatch_job": doc.dispatch_job,
		},
		doctype="Outage Incident",
		after_commit=True,
	)


def open_incident_of_location(service_location: str) -> dict | None:
	"""The open incident covering a location, if any."""
	parent = frappe.qb.DocType("Outage Incident")
	child = frappe.qb.DocType("Outage Affected Location")
	rows = (
		frappe.qb.from_(parent)
		.join(child)
		.on(child.parent == parent.name)
		.select(parent.name, parent.title, parent.scope, parent.started_at, parent.dispatch_job)
		.where((child.service_location == service_location) & (parent.status == "Open"))
		.where(child.parenttype == "Outage Incident")
		.orderby(parent.started_at)
		.limit(1)
	).run(as_dict=True)
	return rows[0] if rows else None


def link_new_issue(doc, method=None) -> None:
	"""doc_events: a ticket opened during an outage joins the incident of its location or
	customer, so the NOC sees one incident and its tickets, not fifty separate tickets."""
	if doc.get("outage_incident"):
		return
	incident = None
	if doc.get("service_location"):
		incident = open_incident_of_location(doc.service_location)
	if not incident and doc.get("customer"):
		parent = frappe.qb.DocType("Outage Incident")
		child = frappe.qb.DocType("Outage Affected Location")
		rows = (
			frappe.qb.from_(parent)
			.join(child)
			.on(child.parent == parent.name)
			.select(parent.name)
			.where((child.customer == doc.customer) & (parent.status == "Open"))
			.where(child.parenttype == "Outage Incident")
			.orderby(parent.started_at)
			.limit(1)
		).run(as_dict=True)
		incident = rows[0] if rows else None
	if incident:
		doc.outage_incident = incident["name"]
