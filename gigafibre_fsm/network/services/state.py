"""The state of a customer's fibre, modem and Wi-Fi in one call, from a Customer, a Service
Location, an Issue or a Dispatch Job. The ACS being down makes the modem part stale with a
clear error instead of failing the whole answer."""

import frappe
from frappe import _

from gigafibre_fsm.errors import GigafibreError
from gigafibre_fsm.network import acs as acs_core
from gigafibre_fsm.network.services import acs, olt, outages
from gigafibre_fsm.network.services.settings import nbi_client, network_settings
from gigafibre_fsm.services.core_errors import translate

EQUIPMENT_STATE = [
	"name", "equipment_type", "model", "serial_number", "acs_device_id", "online", "last_inform",
	"optical_rx_dbm", "optical_status", "uptime_seconds", "wan_ip", "state_updated_on", "state_stale",
	"state_error",
]  # fmt: skip
SOURCES = ("Customer", "Service Location", "Issue", "Dispatch Job")


def locations_of(doctype: str, name: str) -> list[str]:
	if doctype not in SOURCES:
		frappe.throw(_("The network state is shown for a Customer, Service Location, Issue or Dispatch Job"))
	if not frappe.db.exists(doctype, name):
		frappe.throw(_("{0} {1} does not exist").format(_(doctype), name), frappe.DoesNotExistError)
	if doctype == "Service Location":
		return [name]
	if doctype == "Customer":
		customer = name
	else:
		location, customer = frappe.db.get_value(doctype, name, ["service_location", "customer"])
		if location:
			return [location]
	if not customer:
		return []
	return frappe.get_all(
		"Service Location", filters={"customer": customer}, pluck="name", order_by="name asc"
	)


def network_state(doctype: str, name: str, live: bool = True) -> dict:
	locations = locations_of(doctype, name)
	client = None
	if live and network_settings().acs_url:
		client = nbi_client()
	try:
		return {
			"doctype": doctype,
			"name": name,
			"locations": [_location_state(loc, client) for loc in locations],
		}
	finally:
		if client is not None:
			client.close()


def _location_state(name: str, client) -> dict:
	loc = frappe.db.get_value(
		"Service Location",
		name,
		["name", "customer", "status", "olt", "pon_port", "onu_id", "onu_serial"],
		as_dict=True,
	)
	equipment = frappe.get_all(
		"Service Equipment", filters={"service_location": name}, fields=EQUIPMENT_STATE, order_by="name asc"
	)
	modem = None
	for eq in equipment:
		if eq.acs_device_id:
			modem = _modem(eq, client)
			break
	return {
		"service_location": name,
		"customer": loc.customer,
		"status": loc.status,
		"fibre": _fibre(loc),
		"equipment": equipment,
		"modem": modem,
		"incident": outages.open_incident_of_location(name),
	}


def _fibre(loc) -> dict:
	onu_id = olt.onu_id_of(loc)
	fibre = {"olt": loc.olt, "pon_port": loc.pon_port, "onu": onu_id, "state": None}
	if not onu_id:
		return fibre
	snapshot = olt.latest_snapshot(loc.olt)
	status = snapshot.onus.get(onu_id) if snapshot else None
	if status is not None:
		fibre.update(
			state=status.oper_state,
			rx_power_dbm=status.rx_power_dbm,
			distance_m=status.distance_m,
			last_down_cause=status.last_down_cause,
			walked_at=str(frappe.utils.get_datetime(snapshot.taken_at.replace(tzinfo=None))),
		)
	fibre["last_change"] = (
		frappe.get_all(
			"ONU State Change",
			filters={"onu": onu_id},
			fields=["change", "changed_at", "cause"],
			order_by="changed_at desc",
			limit=1,
		)
		or [None]
	)[0]
	return fibre


def _modem(eq, client) -> dict:
	cached = {k: eq.get(k) for k in ("online", "last_inform", "optical_rx_dbm", "optical_status", "wan_ip")}
	if client is None:
		return {"device_id": eq.acs_device_id, "live": False, "cached": cached, "stale": bool(eq.state_stale)}
	try:
		doc = client.get_device(eq.acs_device_id, acs_core.SUMMARY_PROJECTION)
	except GigafibreError as e:
		return {
			"device_id": eq.acs_device_id,
			"live": False,
			"cached": cached,
			"stale": True,
			"error": translate(e),
		}
	if doc is None:
		return {
			"device_id": eq.acs_device_id,
			"live": False,
			"cached": cached,
			"stale": True,
			"error": _("No device {0} in the ACS").format(eq.acs_device_id),
		}
	summary = acs.summarize(doc)
	return {
		"device_id": eq.acs_device_id,
		"live": True,
		"summary": summary,
		"wifi": {"radios": summary["radios"], "ssids": summary["ssids"], "mesh_nodes": summary["mesh_nodes"]},
	}
