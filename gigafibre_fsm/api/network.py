"""REST surface of the network: /api/method/gigafibre_fsm.api.network.<name>.

Mirrors the replaced hub's /devices, /olt, /modem, /network and /acs endpoints and its Kuma
webhook. Thin: check the caller's role, parse the arguments, call `network.services`.
"""

import frappe
from frappe.rate_limiter import rate_limit

from gigafibre_fsm.network.services import acs, kuma, modem, olt, poller, state
from gigafibre_fsm.permissions import roles
from gigafibre_fsm.permissions.services.guards import require_device, require_network_state, require_role
from gigafibre_fsm.subscribers.services import network_changes


def _flag(value) -> bool:
	return str(value).lower() in ("1", "true", "yes", "on")


# /devices ---------------------------------------------------------------------------------


@frappe.whitelist(methods=["GET"])
def lookup_device(serial: str | None = None, mac: str | None = None) -> dict:
	"""GET /devices/lookup?serial=X: the device by serial or MAC (three fallbacks), summarised."""
	require_device("diagnose", serial=serial, mac=mac)
	return acs.lookup(serial=serial, mac=mac)


@frappe.whitelist(methods=["GET"])
def device_summary(equipment: str | None = None, device_id: str | None = None) -> dict:
	"""One device's summary: identity, WAN, optical levels, Ethernet, Wi-Fi, mesh nodes."""
	require_device("diagnose", equipment=equipment, device_id=device_id)
	return acs.summary(equipment=equipment, device_id=device_id)


@frappe.whitelist(methods=["GET", "POST"])
def device_hosts(equipment: str | None = None, device_id: str | None = None, refresh: str | int = 1) -> dict:
	"""GET /devices/:id/hosts?refresh: connected clients grouped by mesh node (refreshing them is a task)."""
	require_device(
		"task" if _flag(refresh) else "diagnose",
		equipment=equipment,
		device_id=device_id,
		task="refresh" if _flag(refresh) else None,
	)
	return acs.hosts(equipment=equipment, device_id=device_id, refresh=_flag(refresh))


@frappe.whitelist(methods=["POST"])
def device_task(
	task: str, equipment: str | None = None, device_id: str | None = None, confirm_serial: str | None = None
) -> dict:
	"""POST /devices/:id/tasks: reboot or refresh (staff); factory reset (NOC, typed serial)."""
	require_device("task", equipment=equipment, device_id=device_id, task=task)
	return acs.run_task(task, equipment=equipment, device_id=device_id, confirm_serial=confirm_serial)


@frappe.whitelist(methods=["GET"])
def fleet_summary() -> dict:
	"""GET /devices/summary: counts by model, firmware, data model, online."""
	require_role(roles.NETWORK_OFFICE)
	return acs.fleet()


@frappe.whitelist(methods=["POST"])
def poll_devices_now() -> dict:
	"""Enqueue the device poll now instead of at the next scheduler run."""
	require_role(roles.NOC)
	return {"batches": poller.enqueue_device_polls()}


# /acs -------------------------------------------------------------------------------------


@frappe.whitelist(methods=["GET"])
def acs_export(collection: str = "presets") -> list[dict]:
	"""GET /acs/*: the ACS configuration (presets, provisions, virtual parameters, files)."""
	require_role(roles.NOC)
	return acs.export(collection)


# /olt -------------------------------------------------------------------------------------


@frappe.whitelist(methods=["GET"])
def olt_status(olt_name: str | None = None) -> list[dict]:
	"""Each OLT's last walk: status, ONU counts, last error."""
	require_role(roles.NETWORK_OFFICE)
	return olt.olt_status(olt_name)


@frappe.whitelist(methods=["GET"])
def pon_port_onus(olt_name: str, pon_port: str) -> dict:
	"""The ONUs of one PON port (state, rx power, distance) and the locations they serve."""
	require_role(roles.NETWORK_OFFICE)
	return olt.pon_port_onus(olt_name, pon_port)


@frappe.whitelist(methods=["POST"])
def walk_olt_now(olt_name: str) -> dict:
	"""Walk one OLT now, in a background job."""
	require_role(roles.NOC)
	frappe.get_doc("OLT", olt_name).check_permission("read")
	frappe.enqueue(olt.WALK_JOB, queue="long", job_id=f"olt-walk-{olt_name}", deduplicate=True, olt=olt_name)
	return {"queued": True}


@frappe.whitelist(methods=["GET"])
def preauthorisation_plan(
	service_location: str, serial: str | None = None, onu_id: int | None = None
) -> dict:
	"""The commands that register a new subscriber's ONU on its PON port (shown, not run)."""
	require_role(roles.NOC)
	return olt.preauthorisation_plan(service_location, serial=serial, onu_id=onu_id)


# /network ---------------------------------------------------------------------------------


@frappe.whitelist(methods=["GET"])
def network_state(doctype: str, name: str, live: str | int = 1) -> dict:
	"""Fibre, modem, Wi-Fi and open outage of a Customer, Service Location, Issue or Dispatch Job."""
	require_network_state(doctype, name)  # technicians: their own job or its location only
	return state.network_state(doctype, name, live=_flag(live))


# /modem (NOC only: the bridge logs in to the customer's modem) ---------------------------


@frappe.whitelist(methods=["POST"])
def modem_status(equipment: str) -> dict:
	"""The modem's own status page, read by the bridge in a background job."""
	require_role(roles.NOC)
	return modem.enqueue_operation(equipment, "status")


@frappe.whitelist(methods=["POST"])
def modem_dm_get(equipment: str, oid: str) -> dict:
	"""One data-model object read from the modem's web GUI by the bridge."""
	require_role(roles.NOC)
	return modem.enqueue_operation(equipment, "dm_get", oid=oid)


@frappe.whitelist(methods=["POST"])
def modem_screenshot(equipment: str) -> dict:
	"""A screenshot of the modem's web GUI, taken by the bridge."""
	require_role(roles.NOC)
	return modem.enqueue_operation(equipment, "screenshot")


# Uptime-Kuma webhook --------------------------------------------------------------------


@frappe.whitelist(allow_guest=True, methods=["GET", "POST"])
@rate_limit(limit=120, seconds=60)  # per IP
def uptime_kuma() -> dict:
	"""Uptime-Kuma's webhook (JSON, form-data or GET); the shared secret is the authority."""
	request = frappe.request
	return kuma.handle_delivery(
		headers=dict(request.headers),
		body=request.get_data(cache=True) or b"",
		content_type=request.content_type,
		form=request.form.to_dict() if request.form else None,
		query=request.args.to_dict() if request.method == "GET" else None,
	)


# suspensions and reactivations on the devices -----------------------------------------------


@frappe.whitelist(methods=["POST"])
def retry_network_change(change: str) -> dict:
	"""Try a Retrying or Failed Service Network Change again now (NOC)."""
	require_role(roles.NOC)
	frappe.has_permission("Service Network Change", "read", change, throw=True)
	return {"change": change, "status": network_changes.retry_now(change)}
