"""Devices through GenieACS for a Service Equipment or a serial: lookup, summary, hosts, tasks,
fleet, configuration export. Errors from the ACS become translated errors (HTTP 502)."""

import frappe
from frappe import _

from gigafibre_fsm.network import acs, usp
from gigafibre_fsm.network.services.settings import (
	nbi_client,
	network_settings,
	oktopus_client,
	online_minutes,
	optical_thresholds,
)
from gigafibre_fsm.services.core_errors import translated_errors
from gigafibre_fsm.services.times import utc_now

TASKS = ("reboot", "refresh", "factory_reset")
EXPORTABLE = ("presets", "provisions", "virtualParameters", "files")


def summarize(doc: dict) -> dict:
	settings = network_settings()
	summary = acs.summarize(
		doc, now=utc_now(), thresholds=optical_thresholds(settings), online_minutes=online_minutes(settings)
	)
	out = summary.to_dict()
	out["optical"]["reasons"] = [_(r) for r in out["optical"]["reasons"]]  # the core's are untranslated
	return out


def lookup(serial: str | None = None, mac: str | None = None) -> dict:
	"""The device found by serial (or MAC) with its summary, and the equipment it belongs to."""
	with translated_errors(), nbi_client() as client:
		found = acs.lookup_device(client, serial=serial, mac=mac)
	if found is None:
		frappe.throw(_("No device matches {0} in the ACS").format(serial or mac), frappe.DoesNotExistError)
	summary = summarize(found.device)
	equipment = frappe.db.get_value("Service Equipment", {"acs_device_id": summary["device_id"]})
	if not equipment and serial:
		# the record holds one spelling of a GPON serial (the printed one), the caller may type the other
		spellings = acs.serial_variants(serial)
		if summary.get("gpon_serial"):
			spellings.append(summary["gpon_serial"])
		equipment = frappe.db.get_value("Service Equipment", {"serial_number": ["in", spellings]})
	return {"strategy": found.strategy, "equipment": equipment, "summary": summary}


def device_id_of(equipment: str | None = None, device_id: str | None = None) -> str:
	"""The ACS id of a Service Equipment (found by its serial and remembered when not set yet)."""
	if device_id:
		return device_id
	if not equipment:
		frappe.throw(_("Give a Service Equipment or an ACS device id"))
	row = frappe.db.get_value(
		"Service Equipment", equipment, ["acs_device_id", "serial_number", "mac_address"], as_dict=True
	)
	if row is None:
		frappe.throw(_("Service Equipment {0} does not exist").format(equipment), frappe.DoesNotExistError)
	if row.acs_device_id:
		return row.acs_device_id
	with translated_errors(), nbi_client() as client:
		found = acs.lookup_device(client, serial=row.serial_number, mac=row.mac_address, projection=["_id"])
	if found is None:
		frappe.throw(
			_("Service Equipment {0} (serial {1}) is not known to the ACS").format(
				equipment, row.serial_number
			),
			frappe.DoesNotExistError,
		)
	frappe.db.set_value("Service Equipment", equipment, "acs_device_id", found.device["_id"])
	return found.device["_id"]


def summary(equipment: str | None = None, device_id: str | None = None) -> dict:
	"""The device's summary, from GenieACS (TR-069) or the USP controller (TR-369): one shape."""
	if equipment and not device_id:
		protocol, serial = frappe.db.get_value(
			"Service Equipment", equipment, ["management_protocol", "serial_number"]
		) or (None, None)
		if protocol == "TR-369":
			return usp_summary(serial)
	device_id = device_id_of(equipment, device_id)
	with translated_errors(), nbi_client() as client:
		doc = client.get_device(device_id, acs.SUMMARY_PROJECTION)
	if doc is None:
		frappe.throw(_("No device {0} in the ACS").format(device_id), frappe.DoesNotExistError)
	return summarize(doc)


def usp_summary(serial: str) -> dict:
	"""A TR-369 device's summary through the Oktopus controller."""
	settings = network_settings()
	client = oktopus_client(settings)
	try:
		with translated_errors():
			found = usp.usp_summary(client, serial, now=utc_now(), thresholds=optical_thresholds(settings))
	finally:
		client.close()
	return found.to_dict()


def hosts(equipment: str | None = None, device_id: str | None = None, refresh: bool = True) -> dict:
	"""Hosts grouped by mesh node; with `refresh`, the device re-reads its tables first."""
	device_id = device_id_of(equipment, device_id)
	with translated_errors(), nbi_client() as client:
		listing = acs.list_hosts(client, device_id, refresh_first=refresh)
	return {
		"device_id": device_id,
		"last_inform": listing.last_inform,
		"nodes": [group.to_dict() for group in listing.groups],
		"refresh": [_outcome(o) for o in listing.refresh],
	}


def run_task(
	task: str, equipment: str | None = None, device_id: str | None = None, confirm_serial: str | None = None
) -> dict:
	"""Reboot, refresh or factory reset (the last confirmed by typing the device's serial)."""
	if task not in TASKS:
		frappe.throw(_("Unknown device task {0}").format(task))
	device_id = device_id_of(equipment, device_id)
	with translated_errors(), nbi_client() as client:
		if task == "reboot":
			result = acs.reboot(client, device_id)
		elif task == "refresh":
			result = acs.refresh(client, device_id)
		else:
			result = acs.factory_reset(client, device_id, confirm_serial)
	frappe.publish_realtime(
		"network_device_changed",
		{"device_id": device_id, "equipment": equipment, "task": task, "status": result.status},
		after_commit=True,
	)
	return _outcome(result) | {"device_id": device_id}


def fleet() -> dict:
	with translated_errors(), nbi_client() as client:
		summary = acs.fetch_fleet_summary(client, now=utc_now(), online_minutes=online_minutes())
	return summary.to_dict()


def export(collection: str = "presets") -> list[dict]:
	"""The ACS's configuration (presets, provisions, virtual parameters, files), as the NBI gives it."""
	if collection not in EXPORTABLE:
		frappe.throw(_("The ACS configuration has no collection {0}").format(collection))
	with translated_errors(), nbi_client() as client:
		_total, docs = client.query(collection, None, None, 0, 1000, None)
	return docs


def _outcome(outcome) -> dict:
	params = {k: _(v) if isinstance(v, str) else v for k, v in outcome.params.items()}
	return {
		"task": outcome.name,
		"status": outcome.status,
		"message": _(outcome.message).format(**params),
		"task_id": outcome.task_id,
		"fault_code": outcome.fault_code,
	}
