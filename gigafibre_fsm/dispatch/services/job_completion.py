"""What completing a job does to the rest of the books: equipment moves, materials leave stock.

Equipment installed at the customer becomes Active at the job's service location; equipment
removed goes back as Retourne. Materials used are posted as one Material Issue stock entry in
a background job after the job is saved, so a stock problem (no stock left, a warehouse
missing, or ERPNext v15's stock queries on PostgreSQL) never blocks the technician closing the
job; the error is kept on the job for the dispatcher, and posting again is safe.
"""

import frappe
from frappe import _

POST_MATERIALS = "gigafibre_fsm.dispatch.services.job_completion.post_materials"


def on_job_completed(job) -> None:
	move_equipment(job)
	if job.materials and not job.stock_entry:
		frappe.enqueue(
			POST_MATERIALS,
			job=job.name,
			queue="short",
			enqueue_after_commit=True,
			job_id=f"gigafibre_fsm::post_materials::{job.name}",
			deduplicate=True,
		)


def move_equipment(job) -> None:
	for row in job.equipment:
		equipment = frappe.get_doc("Service Equipment", row.equipment)
		if row.action == "Installed":
			equipment.service_location = job.service_location
			equipment.status = "Active"
		else:
			equipment.service_location = None
			equipment.status = "Retourne"
		equipment.flags.dispatch_job = job.name  # recorded in the equipment's history of moves
		equipment.save(ignore_permissions=True)


def post_materials(job: str) -> str | None:
	"""Issue the job's materials from stock, once; returns the Stock Entry's name."""
	doc = frappe.get_doc("Dispatch Job", job)
	if doc.stock_entry or not doc.materials:
		return doc.stock_entry
	company = frappe.defaults.get_global_default("company")
	default_warehouse = frappe.db.get_single_value("Stock Settings", "default_warehouse")
	frappe.db.savepoint("post_materials")
	try:
		entry = frappe.new_doc("Stock Entry")
		entry.stock_entry_type = "Material Issue"
		entry.purpose = "Material Issue"
		entry.company = company
		entry.remarks = _("Materials used on job {0}").format(doc.name)
		for row in doc.materials:
			warehouse = row.warehouse or default_warehouse
			if not warehouse:
				frappe.throw(_("Row {0}: choose the warehouse {1} comes from").format(row.idx, row.item))
			entry.append(
				"items",
				{"item_code": row.item, "qty": row.qty, "uom": row.uom, "s_warehouse": warehouse},
			)
		entry.insert(ignore_permissions=True)
		entry.submit()
	except Exception as e:
		# undo the half-made entry only; the background job commits the error note
		frappe.db.rollback(save_point="post_materials")
		frappe.log_error(title=_("Materials of job {0} not posted").format(doc.name))
		frappe.db.set_value("Dispatch Job", doc.name, "stock_error", frappe.utils.strip_html(str(e))[:500])
		return None
	frappe.db.set_value("Dispatch Job", doc.name, {"stock_entry": entry.name, "stock_error": None})
	return entry.name
