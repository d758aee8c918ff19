"""REST surface of subscribers: /api/method/gigafibre_fsm.api.subscribers.<name>.

Thin: check the caller, parse the arguments, call `subscribers.services`.
"""

import frappe
from frappe import _

from gigafibre_fsm.permissions import policy, roles
from gigafibre_fsm.permissions.services import guards, scopes
from gigafibre_fsm.permissions.services.guards import require_role
from gigafibre_fsm.subscribers.services import equipment_labels, migration


def _may_use_labels(job: str | None, create: bool = False) -> None:
	"""Staff who may create equipment (and, with a job, change that job); a technician only
	from an open job of theirs, to list the equipment on it."""
	if scopes.is_staff():
		if create and not frappe.has_permission("Service Equipment", "create"):
			guards.deny()
		if job:
			guards.require_doc("Dispatch Job", job, "write")
		return
	if not job:
		guards.deny(_("Read a label from one of your jobs"))
	guards.require_on_job(job)
	if frappe.db.get_value("Dispatch Job", job, "status") not in policy.OPEN_JOB_STATUSES:
		guards.deny(_("This job is not open any more"))


def _photo(file_url: str | None):
	if file_url:
		return equipment_labels.photo_from_file(file_url)
	return equipment_labels.photo_from_request(), None


@frappe.whitelist(methods=["POST"])
def read_equipment_label(file_url: str | None = None, job: str | None = None) -> dict:
	"""Read a label photo: a File already uploaded (`file_url`, the desk), or the photo posted
	with the request as `photo` (the phone page). Returns what was read (serial, GPON serial,
	MAC, each with its confidence and symbology; never a Wi-Fi password), the matching Service
	Equipment, or the proposal to record it in stock."""
	require_role(roles.DEVICE_USERS)
	_may_use_labels(job)
	photo, _file = _photo(file_url)
	return equipment_labels.label_answer(equipment_labels.read(photo), job)


@frappe.whitelist(methods=["POST"])
def create_equipment_from_label(
	file_url: str | None = None,
	job: str | None = None,
	equipment_type: str | None = None,
	manufacturer: str | None = None,
	model: str | None = None,
) -> dict:
	"""The Service Equipment of a label photo: the existing one when its serial, GPON serial or
	MAC is already recorded (the same photo twice creates nothing twice), else a new one in
	stock. The identifiers come from the photo, read again here, never from the caller. With
	`job`, it is also listed on the job as installed; the photo is kept on new equipment."""
	require_role(roles.DEVICE_USERS)
	_may_use_labels(job, create=True)
	photo, file_doc = _photo(file_url)
	reading = equipment_labels.read(photo)
	values = {"equipment_type": equipment_type, "manufacturer": manufacturer, "model": model}
	name, created = equipment_labels.create_from_reading(reading, values, job)
	if created:
		equipment_labels.keep_photo(name, file_doc=file_doc, content=None if file_doc else photo)
	return {"equipment": equipment_labels.describe(name), "created": created, "job": job}


@frappe.whitelist(methods=["POST"])
def preview_operator_import(file_url: str) -> dict:
	"""The dry-run report of an operator's export uploaded as a zip File (customers.csv,
	locations.csv, equipment.csv, subscriptions.csv; columns in subscribers/migration/README.md):
	row by row what `bench import-operator-data` would create, update or refuse, and why.
	System Managers only; writes nothing."""
	require_role({roles.SYSTEM_MANAGER})
	name = frappe.db.get_value("File", {"file_url": file_url}, "name") if file_url else None
	if not name:  # only a System Manager gets here: a missing file's name is no secret to them
		frappe.throw(_("The file {0} was not found").format(file_url), frappe.DoesNotExistError)
	guards.require_doc("File", name, "read")
	content = frappe.get_doc("File", name).get_content()
	return migration.preview_archive(content.encode() if isinstance(content, str) else content)
