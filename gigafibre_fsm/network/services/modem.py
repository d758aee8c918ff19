"""The modem bridge from Frappe: each call is a background job (Chromium runs in the worker),
whose result is published to the user who asked (realtime event `modem_result`)."""

import base64

import frappe
from frappe import _

from gigafibre_fsm.errors import GigafibreError
from gigafibre_fsm.network import modem_bridge
from gigafibre_fsm.network.services.settings import bridge_settings, modem_credentials, network_settings
from gigafibre_fsm.services.core_errors import translate, translated_errors

MODEM_JOB = "gigafibre_fsm.network.services.modem.run_modem_operation"
RESULT_EVENT = "modem_result"
OPERATIONS = ("status", "dm_get", "screenshot")


def enqueue_operation(equipment: str, operation: str, oid: str | None = None) -> dict:
	"""Check the request now (clear errors), run it in a background job; returns the job id."""
	if operation not in OPERATIONS:
		frappe.throw(_("Unknown modem operation {0}").format(operation))
	ip = _management_ip(equipment)
	settings = network_settings()
	with translated_errors():
		modem_bridge.check_management_address(ip, allow_loopback=bool(settings.modem_allow_loopback))
	job_id = f"modem-{operation}-{equipment}-{oid or ''}"
	frappe.enqueue(
		MODEM_JOB,
		queue="long",
		timeout=180,
		job_id=job_id,
		deduplicate=True,
		equipment=equipment,
		operation=operation,
		oid=oid,
		user=frappe.session.user,
	)
	return {"job_id": job_id, "queued": True, "event": RESULT_EVENT}


def run_modem_operation(
	equipment: str, operation: str, oid: str | None = None, user: str | None = None
) -> dict:
	"""Background job: log in to the modem's GUI, read, close; publish the result or the error."""
	user_name, password = modem_credentials()
	payload = {"equipment": equipment, "operation": operation, "oid": oid}
	try:
		result = modem_bridge.run_bridge_operation(
			bridge_settings(),
			operation,
			ip=_management_ip(equipment),
			user=user_name,
			password=password,
			oid=oid,
		)
	except GigafibreError as e:
		payload["error"] = translate(e)
	else:
		if isinstance(result, bytes):
			payload["png_base64"] = base64.b64encode(result).decode()
		else:
			payload["result"] = result
	frappe.publish_realtime(RESULT_EVENT, payload, user=user or frappe.session.user, after_commit=True)
	return payload


def _management_ip(equipment: str) -> str:
	ip = frappe.db.get_value("Service Equipment", equipment, "management_ip")
	if not ip:
		frappe.throw(_("Service Equipment {0} has no management IP").format(equipment))
	return ip
