"""OLT walks: one background job per OLT, so one OLT's timeout never delays another's.

Each walk is compared with the previous one (kept in the cache), the ONU state changes are
recorded, and the correlator turns them into outage incidents (services/outages.py).

A walk that must not be believed changes nothing but the OLT's status and last error: an OLT
that answers as another model (DeviceMismatch, nothing walked: "Model Mismatch") or that
suddenly reports no ONUs (ImplausibleAnswer: "Anomaly"; the previous walk is kept, no ONU is
"removed"). An OLT whose model is "auto" keeps the model its first walk identified.
"""

from dataclasses import asdict

import frappe
from frappe import _
from frappe.utils import now_datetime

from gigafibre_fsm.errors import DeviceMismatch, ImplausibleAnswer
from gigafibre_fsm.network import olt as core
from gigafibre_fsm.network.services import outages
from gigafibre_fsm.network.services.settings import network_settings
from gigafibre_fsm.services.core_errors import translate, translated_errors
from gigafibre_fsm.services.frappe_versions import in_test
from gigafibre_fsm.services.times import system_naive

WALK_JOB = "gigafibre_fsm.network.services.olt.walk_olt"
SNAPSHOT_KEY = "gigafibre_fsm:olt_snapshot:{olt}"
OLT_EVENT = "olt_changed"


def enqueue_olt_walks() -> int:
	"""Scheduler event: one background job per enabled OLT (never two for the same OLT)."""
	settings = network_settings()
	if not settings.olt_walks_enabled:
		return 0
	names = frappe.get_all("OLT", filters={"enabled": 1}, pluck="name", order_by="name asc")
	for name in names:
		frappe.enqueue(
			WALK_JOB,
			queue="long",
			timeout=int(settings.olt_walk_deadline or 120) + 120,
			job_id=f"olt-walk-{name}",
			deduplicate=True,
			now=bool(in_test()),
			olt=name,
		)
	return len(names)


def olt_target(doc, settings=None) -> core.OltTarget:
	settings = settings or network_settings()
	if doc.snmp_version == "v3":
		credentials = core.SnmpV3Credentials(
			user=doc.v3_user,
			auth_key=doc.get_password("v3_auth_key", raise_exception=False) if doc.v3_auth_key else None,
			priv_key=doc.get_password("v3_priv_key", raise_exception=False) if doc.v3_priv_key else None,
		)
	else:
		community = doc.get_password("community", raise_exception=False) if doc.community else None
		credentials = core.SnmpV2cCredentials(community or "public")
	return core.OltTarget(
		name=doc.name,
		host=doc.host,
		layout_key=doc.layout,
		credentials=credentials,
		port=int(doc.port or 161),
		timeout=float(settings.snmp_timeout or 2),
		deadline=float(settings.olt_walk_deadline or 120),
	)


def walk_olt(olt: str) -> dict:
	"""Background job: walk one OLT, record its ONU state changes, correlate them into incidents."""
	doc = frappe.get_doc("OLT", olt)
	(result,) = core.walk_olts_blocking([olt_target(doc)])
	if not result.ok:
		return _walk_refused(doc, result.error)
	snapshot = result.snapshot
	before = latest_snapshot(olt)
	try:
		changes = core.diff_snapshots(before, snapshot)
	except ImplausibleAnswer as anomaly:
		return _walk_refused(doc, anomaly)
	if doc.layout == core.AUTO and result.layout_key:
		doc.db_set("layout", result.layout_key, update_modified=False)
	served = served_onus(olt)
	correlator = outages.correlator_for(olt, snapshot, served)
	record_changes(olt, changes, served)
	outages.correlate(olt, correlator, changes, served)
	frappe.cache.set_value(SNAPSHOT_KEY.format(olt=olt), snapshot)
	doc.db_set(
		{
			"status": "Online",
			"last_error": None,
			"last_walk_at": now_datetime(),
			"last_walk_seconds": round(result.seconds, 3),
			"onu_count": len(snapshot.onus),
			"onus_online": sum(1 for o in snapshot.onus.values() if o.oper_state == core.ONLINE),
		},
		update_modified=False,
	)
	_publish(doc)
	return {"ok": True, "onus": len(snapshot.onus), "changes": len(changes)}


def _walk_refused(doc, error) -> dict:
	"""A walk that failed or cannot be believed: record why on the OLT, change nothing else."""
	if isinstance(error, DeviceMismatch):
		status = "Model Mismatch"
	elif isinstance(error, ImplausibleAnswer):
		status = "Anomaly"
	else:
		status = "Unreachable"
	message = translate(error)
	doc.db_set({"status": status, "last_error": message}, update_modified=False)
	_publish(doc)
	return {"ok": False, "status": status, "error": message}


def latest_snapshot(olt: str) -> core.OltSnapshot | None:
	try:
		return frappe.cache.get_value(SNAPSHOT_KEY.format(olt=olt))
	except Exception:  # pickled by an older release of the code: walk afresh
		return None


def onu_id_of(location) -> str | None:
	"""`olt/frame/slot/port:onu` of a Service Location, None when its fibre fields are incomplete."""
	if not (location.olt and location.pon_port and location.onu_id is not None):
		return None
	return f"{location.olt}/{location.pon_port.strip()}:{int(location.onu_id)}"


def served_onus(olt: str) -> dict[str, tuple[str, str]]:
	"""ONU id -> (Service Location, Customer) for the locations fed by this OLT."""
	rows = frappe.get_all(
		"Service Location",
		filters={"olt": olt, "pon_port": ["is", "set"]},
		fields=["name", "customer", "olt", "pon_port", "onu_id"],
	)
	return {onu: (row.name, row.customer) for row in rows if (onu := onu_id_of(row))}


def record_changes(olt: str, changes: list, served: dict) -> None:
	for change in changes:
		pon, _sep, _onu = change.onu.rpartition(":")
		frappe.get_doc(
			{
				"doctype": "ONU State Change",
				"olt": olt,
				"onu": change.onu,
				"pon_port": pon.split("/", 1)[1] if "/" in pon else pon,
				"serial": change.serial,
				"service_location": served.get(change.onu, (None, None))[0],
				"change": change.kind,
				"from_state": change.previous,
				"to_state": change.current,
				"changed_at": system_naive(change.at),
				"cause": change.cause,
			}
		).insert(ignore_permissions=True)


def pon_port_onus(olt: str, pon_port: str) -> dict:
	"""The ONUs of one PON port as the latest walk saw them, with the locations they serve."""
	snapshot = _snapshot_or_throw(olt)
	frame, slot, port = _pon_numbers(pon_port)
	served = served_onus(olt)
	onus = []
	for onu in snapshot.onus_on(frame, slot, port):
		location, customer = served.get(onu.id, (None, None))
		onus.append(asdict(onu) | {"id": onu.id, "service_location": location, "customer": customer})
	return {"olt": olt, "pon_port": pon_port, "walked_at": str(system_naive(snapshot.taken_at)), "onus": onus}


def olt_status(olt: str | None = None) -> list[dict]:
	fields = ["name", "layout", "enabled", "status", "last_walk_at", "last_walk_seconds", "onu_count"]
	fields += ["onus_online", "last_error"]
	filters = {"name": olt} if olt else {}
	return frappe.get_all("OLT", filters=filters, fields=fields, order_by="name asc")


def preauthorisation_plan(
	service_location: str, serial: str | None = None, onu_id: int | None = None
) -> dict:
	"""The vendor commands that register the location's ONU on its PON port (nothing is run)."""
	location = frappe.get_doc("Service Location", service_location)
	if not (location.olt and location.pon_port):
		frappe.throw(_("Service Location {0} has no OLT and PON port").format(location.name))
	serial = serial or location.onu_serial
	if not serial:
		frappe.throw(_("Give the ONU serial, or set it on Service Location {0}").format(location.name))
	layout_key = frappe.db.get_value("OLT", location.olt, "layout")
	if not layout_key:
		frappe.throw(_("OLT {0} does not exist").format(location.olt), frappe.DoesNotExistError)
	snapshot = _snapshot_or_throw(location.olt)
	frame, slot, port = _pon_numbers(location.pon_port)
	vlans = tuple(
		v
		for v in (location.internet_vlan, location.iptv_vlan, location.voip_vlan, location.management_vlan)
		if v
	)
	with translated_errors():
		plan = core.plan_preauthorisation(
			core.get_layout(layout_key),
			snapshot,
			core.PreauthorisationRequest(
				olt=location.olt,
				frame=frame,
				slot=slot,
				port=port,
				serial=serial,
				vlans=vlans,
				description=location.name,
				onu_id=int(onu_id) if onu_id not in (None, "") else None,
			),
		)
	return asdict(plan)


def _snapshot_or_throw(olt: str) -> core.OltSnapshot:
	snapshot = latest_snapshot(olt)
	if snapshot is None:
		frappe.throw(
			_("OLT {0} has not been walked yet, or its last walk failed; try again in a few minutes").format(
				olt
			),
			title=_("No OLT Data"),
		)
	return snapshot


def _pon_numbers(pon_port: str) -> tuple[int, int, int]:
	try:
		frame, slot, port = (int(p) for p in str(pon_port).strip().split("/"))
	except ValueError:
		frappe.throw(_("PON port {0} is not frame/slot/port").format(pon_port))
	return frame, slot, port


def _publish(doc) -> None:
	frappe.publish_realtime(
		OLT_EVENT,
		{"olt": doc.name, "status": doc.status, "last_error": doc.last_error},
		doctype="OLT",
		after_commit=True,
	)
