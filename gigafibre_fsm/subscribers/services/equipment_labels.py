"""A label photo, read, matched to Service Equipment, or recorded as new equipment in stock.

The shell of `subscribers/label_reading`: it takes the photo from a File (the desk uploads
one) or from the request (the technician's page posts it), reads it with the core, finds the
equipment by every serial, GPON serial and MAC read, and creates it when asked. The caller's
right to do so is checked before (api/subscribers.py); here, what a technician is shown of a
match is narrowed to what they may see.
"""

import frappe
from frappe import _

from gigafibre_fsm.permissions.services import scopes
from gigafibre_fsm.services.core_errors import translated_errors
from gigafibre_fsm.subscribers.label_reading import (
	GPON_SERIAL,
	MAC,
	SERIAL,
	LabelReading,
	proposed_equipment,
	read_label,
)

# A phone photo is a few megabytes; Frappe's own upload limit is 10 MB by default.
MAX_PHOTO_BYTES = 25 * 1024 * 1024
SHOWN_FIELDS = ("name", "equipment_type", "status", "serial_number", "mac_address", "manufacturer", "model")


def photo_from_file(file_url: str) -> tuple[bytes, "frappe.model.document.Document"]:
	"""The bytes of the File at `file_url`, if the user may read that File."""
	name = frappe.db.get_value("File", {"file_url": file_url}, "name") if file_url else None
	if not name:
		frappe.throw(_("The photo {0} was not found").format(file_url), frappe.DoesNotExistError)
	file_doc = frappe.get_doc("File", name)
	if not frappe.has_permission("File", "read", doc=file_doc):
		frappe.throw(_("You are not permitted to read this photo"), frappe.PermissionError)
	content = file_doc.get_content()
	return (content.encode() if isinstance(content, str) else content), file_doc


def photo_from_request(field: str = "photo") -> bytes:
	"""The photo posted with the request as multipart form data (the phone page's upload)."""
	upload = (
		frappe.request.files.get(field) if getattr(frappe, "request", None) and frappe.request.files else None
	)
	if upload is None:
		frappe.throw(_("Take or choose a photo of the label"))
	content = upload.stream.read(MAX_PHOTO_BYTES + 1)
	if len(content) > MAX_PHOTO_BYTES:
		frappe.throw(_("The photo is too large"))
	return content


def read(photo: bytes) -> LabelReading:
	if len(photo) > MAX_PHOTO_BYTES:
		frappe.throw(_("The photo is too large"))
	with translated_errors():
		return read_label(photo)


def matching_equipment(reading: LabelReading) -> list[str]:
	"""The Service Equipment whose serial number is any serial or GPON serial on the label, or
	whose MAC is any MAC on it (a label often prints several)."""
	serials = [i.value for i in reading.identities if i.kind in (SERIAL, GPON_SERIAL)]
	macs = [i.value for i in reading.identities if i.kind == MAC]
	found: list[str] = []
	for field, values in (("serial_number", serials), ("mac_address", macs)):
		if values:
			found += frappe.get_all(
				"Service Equipment", filters={field: ("in", values)}, pluck="name", order_by="name asc"
			)
	return list(dict.fromkeys(found))


def _visible_to_technician(name: str, technicians: list[str]) -> bool:
	"""Equipment of their jobs, or in stock (nowhere yet: the modem in their hands)."""
	if name in scopes.team_equipment(technicians):
		return True
	row = frappe.db.get_value(
		"Service Equipment", name, ["status", "service_location", "customer"], as_dict=True
	)
	return bool(row and row.status == "En stock" and not row.service_location and not row.customer)


def describe(name: str) -> dict:
	row = frappe.db.get_value("Service Equipment", name, list(SHOWN_FIELDS), as_dict=True)
	row["url"] = f"/app/service-equipment/{name}"
	return row


def label_answer(reading: LabelReading, job: str | None = None) -> dict:
	"""What the person is shown: what was read, the matching equipment (or the proposal to
	record it), and one sentence saying which. A technician sees a match only if it is
	equipment of their jobs or in stock; of other equipment, only that it exists elsewhere."""
	names = matching_equipment(reading)
	hidden = 0
	if names and not scopes.is_staff():
		technicians = scopes.technicians_of(frappe.session.user)
		visible = [n for n in names if _visible_to_technician(n, technicians)]
		hidden = len(names) - len(visible)
		names = visible
	matches = [describe(n) for n in names]
	proposal = None if (matches or hidden) else proposed_equipment(reading)
	if not reading.symbols:
		message = _("No barcode or QR code was found on the photo; take it again, closer and in focus")
	elif hidden:
		message = _("This equipment is already recorded elsewhere; ask your dispatcher")
	elif len(matches) > 1:
		message = _("The label matches {0} equipment records; check which one is right").format(len(matches))
	elif matches:
		message = _("This is {0}").format(matches[0]["name"])
	elif proposal:
		message = _("No equipment has these identifiers yet; it can be recorded in stock")
	else:
		message = _("No serial number was read on the label")
	return {
		"reading": reading.as_dict(),
		"match": matches[0] if len(matches) == 1 else None,
		"matches": matches,
		"proposal": proposal,
		"job": job,
		"message": message,
	}


def create_from_reading(reading: LabelReading, values: dict, job: str | None = None) -> tuple[str, bool]:
	"""The Service Equipment the label designates: the existing one if any (nothing is
	created twice from the same label), else a new one in stock from the label's serial
	number and MAC, completed by `values` (equipment type, manufacturer, model). With `job`,
	the equipment is also listed on the job as installed (once). A technician cannot take
	equipment recorded at another customer's onto their job. Returns (name, created)."""
	names = matching_equipment(reading)
	if names and not scopes.is_staff():
		technicians = scopes.technicians_of(frappe.session.user)
		if not all(_visible_to_technician(n, technicians) for n in names):
			# another customer's equipment: moving it onto this job is the office's call
			frappe.throw(
				_("This equipment is already recorded elsewhere; ask your dispatcher"), frappe.PermissionError
			)
	if len(names) > 1:
		frappe.throw(
			_("The label matches {0} equipment records; check which one is right").format(len(names))
		)
	created = False
	if names:
		name = names[0]
	else:
		proposal = proposed_equipment(reading)
		if not proposal:
			frappe.throw(_("No serial number was read on the label"))
		doc = frappe.new_doc("Service Equipment")
		doc.update(proposal)
		for field in ("equipment_type", "manufacturer", "model"):
			if values.get(field):
				doc.set(field, values[field])
		doc.flags.dispatch_job = job  # in the equipment's history of moves
		# the caller's right was checked by the method (a technician: on an open job of theirs)
		doc.insert(ignore_permissions=True)
		name, created = doc.name, True
	if job:
		attach_to_job(job, name)
	return name, created


def attach_to_job(job: str, equipment: str) -> None:
	"""List the equipment on the job as installed, unless it already is (the technician's own
	save: the job controller limits what they may change)."""
	doc = frappe.get_doc("Dispatch Job", job)
	if any(row.equipment == equipment for row in doc.equipment):
		return
	serial = frappe.db.get_value("Service Equipment", equipment, "serial_number")
	doc.append("equipment", {"action": "Installed", "equipment": equipment, "serial_number": serial})
	doc.save()


def keep_photo(
	equipment: str, file_doc=None, content: bytes | None = None, filename: str = "label.jpg"
) -> None:
	"""Keep the label photo on the equipment, private: the File the desk uploaded, or a new one."""
	if file_doc is not None:
		if not file_doc.attached_to_name:
			file_doc.db_set({"attached_to_doctype": "Service Equipment", "attached_to_name": equipment})
		return
	if content:
		frappe.get_doc(
			{
				"doctype": "File",
				"file_name": filename,
				"content": content,
				"is_private": 1,
				"attached_to_doctype": "Service Equipment",
				"attached_to_name": equipment,
			}
		).insert(ignore_permissions=True)
