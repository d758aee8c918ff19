"""Importing an existing operator's data: the folder of CSV exports in, one outcome per row out.

The core (`subscribers/migration/`) reads the files and plans every row against what this site
holds (loaded here as a `SiteState`); this applies the plan with the documents the desk uses —
Customer (whose primary Contact ERPNext creates from its e-mail and mobile), Address, Service
Location, Service Equipment, Service Subscription — each through its controller, so the desk's
rules run again. Each row is written inside its own savepoint: a row that fails is rolled back
whole and reported refused, with the reason in the user's language. A record keeps the seed's
name, and the naming series is moved past it so that records made later do not collide.
A dry run plans and writes nothing; the caller commits a real run.
"""

import frappe
from frappe import _
from frappe.model.naming import NamingSeries

from gigafibre_fsm.services.core_errors import translate, translated_errors
from gigafibre_fsm.subscribers.migration import files as migration_files
from gigafibre_fsm.subscribers.migration import plan as migration_plan
from gigafibre_fsm.subscribers.migration.files import (
	CUSTOMERS,
	EQUIPMENT,
	LOCATIONS,
	SUBSCRIPTIONS,
	record_fields,
)
from gigafibre_fsm.subscribers.migration.plan import CREATE, REFUSE, UNCHANGED, UPDATE, RowOutcome, SiteState

CHUNK = 500  # names per query when loading what the site holds
ADDRESS_COLUMNS = ("address_line1", "address_line2", "city", "state", "pincode")
# the fields each file sets, from the core's columns (a location's address goes to its Address)
LOCATION_FIELDS = tuple(c for c in record_fields(LOCATIONS) if c not in ADDRESS_COLUMNS)
EQUIPMENT_FIELDS = record_fields(EQUIPMENT)
SUBSCRIPTION_FIELDS = record_fields(SUBSCRIPTIONS)


def _get_all(doctype: str, field: str, values, fields) -> list:
	values = sorted(v for v in values if v)
	found = []
	for i in range(0, len(values), CHUNK):
		found += frappe.get_all(doctype, filters={field: ("in", values[i : i + CHUNK])}, fields=fields)
	return found


def _plain(row: dict) -> dict:
	return {k: (str(v) if hasattr(v, "isoformat") else v) for k, v in row.items()}


def site_state(rows: dict) -> SiteState:
	"""What the site holds that these files name: their records, in the files' columns."""
	wanted = migration_plan.lookups(rows)
	customers = {}
	for c in _get_all(
		"Customer",
		"name",
		wanted.names[CUSTOMERS],
		["name", "customer_name", "customer_type", "is_commercial", "language", "customer_primary_contact"],
	):
		contact = c.pop("customer_primary_contact")
		email, mobile = (
			frappe.db.get_value("Contact", contact, ["email_id", "mobile_no"]) if contact else (None, None)
		) or (None, None)
		customers[c.name] = {**c, "email_id": email, "mobile_no": mobile}
	locations = {}
	for loc in _get_all(
		"Service Location", "name", wanted.names[LOCATIONS], ["name", "address", *LOCATION_FIELDS]
	):
		address = loc.pop("address")
		values = frappe.db.get_value("Address", address, ADDRESS_COLUMNS, as_dict=True) if address else None
		locations[loc.name] = {**loc, **(values or {})}
	equipment = {
		e.name: dict(e)
		for e in _get_all("Service Equipment", "name", wanted.names[EQUIPMENT], ["name", *EQUIPMENT_FIELDS])
	}
	subscriptions = {
		s.name: _plain(s)
		for s in _get_all(
			"Service Subscription", "name", wanted.names[SUBSCRIPTIONS], ["name", *SUBSCRIPTION_FIELDS]
		)
	}
	return SiteState(
		customers=customers,
		locations=locations,
		equipment=equipment,
		subscriptions=subscriptions,
		equipment_by_serial={
			e.serial_number: e.name
			for e in _get_all("Service Equipment", "serial_number", wanted.serials, ["name", "serial_number"])
		},
		equipment_by_mac={
			e.mac_address: e.name
			for e in _get_all("Service Equipment", "mac_address", wanted.macs, ["name", "mac_address"])
		},
		plans=frozenset(e.name for e in _get_all("Item", "name", wanted.plans, ["name"])),
	)


# --- writing one row --------------------------------------------------------------------------


def _advance_series(doctype: str, name: str) -> None:
	"""Move the doctype's naming series past an imported name (LOC-00042 → at least 42), so that
	the next record made on the site is not given a name the import already used."""
	series = NamingSeries(frappe.get_meta(doctype).autoname)
	number = int(name[len(series.get_prefix()) :])
	if number > series.get_current_value():
		series.update_counter(number)


def _default(setting: str, doctype: str, fallback: str) -> str:
	return (
		frappe.db.get_single_value("Selling Settings", setting)
		or frappe.db.get_value(doctype, {"is_group": 0})
		or fallback
	)


def _write_customer(outcome: RowOutcome) -> str:
	v = outcome.values
	fields = {k: v[k] for k in ("customer_name", "customer_type", "is_commercial", "language")}
	if outcome.action == CREATE:
		doc = frappe.get_doc(
			{
				"doctype": "Customer",
				**fields,
				"customer_group": _default("customer_group", "Customer Group", "All Customer Groups"),
				"territory": _default("territory", "Territory", "All Territories"),
				# ERPNext makes the customer's primary Contact from these two on insert
				"email_id": v["email_id"],
				"mobile_no": v["mobile_no"],
			}
		)
		doc.insert(set_name=outcome.key)
		return doc.name
	doc = frappe.get_doc("Customer", outcome.key)
	doc.update({k: fields[k] for k in outcome.changed if k in fields})
	doc.save()
	if {"email_id", "mobile_no"} & set(outcome.changed):
		_write_contact(doc, v["email_id"], v["mobile_no"])
	return doc.name


def _write_contact(customer, email: str | None, mobile: str | None) -> None:
	if not customer.customer_primary_contact:
		from erpnext.selling.doctype.customer.customer import make_contact

		customer.email_id, customer.mobile_no = email, mobile
		contact = make_contact(customer)
		customer.db_set("customer_primary_contact", contact.name)
	else:
		contact = frappe.get_doc("Contact", customer.customer_primary_contact)
		# rebuilt rather than Contact.add_email/add_phone, which skip a value already saved on
		# the contact even when the row holding it is being replaced
		contact.set("email_ids", [{"email_id": email, "is_primary": 1}] if email else [])
		contact.set("phone_nos", [{"phone": mobile, "is_primary_mobile_no": 1}] if mobile else [])
		contact.save()
	customer.db_set({"email_id": email, "mobile_no": mobile})


def _write_address(outcome: RowOutcome, address: str | None) -> str:
	v = outcome.values
	values = {k: v[k] for k in ADDRESS_COLUMNS}
	if address:
		doc = frappe.get_doc("Address", address)
		doc.update(values)
		doc.save()
		return doc.name
	doc = frappe.get_doc(
		{
			"doctype": "Address",
			"address_title": v["location_name"] or outcome.key,
			"address_type": "Other",
			"country": "Canada",
			**values,
			"links": [{"link_doctype": "Customer", "link_name": v["customer"]}],
		}
	)
	doc.insert()
	return doc.name


def _write_location(outcome: RowOutcome) -> str:
	v = outcome.values
	fields = {k: v[k] for k in LOCATION_FIELDS}
	if outcome.action == CREATE:
		address = _write_address(outcome, None)
		doc = frappe.get_doc({"doctype": "Service Location", **fields, "address": address})
		doc.insert(set_name=outcome.key)
		_advance_series("Service Location", doc.name)
		return doc.name
	doc = frappe.get_doc("Service Location", outcome.key)
	if set(ADDRESS_COLUMNS) & set(outcome.changed) or not doc.address:
		doc.address = _write_address(outcome, doc.address)
	doc.update({k: fields[k] for k in outcome.changed if k in fields})
	doc.save()
	return doc.name


def _write_equipment(outcome: RowOutcome) -> str:
	fields = {k: outcome.values[k] for k in EQUIPMENT_FIELDS}
	if outcome.action == CREATE:
		doc = frappe.get_doc({"doctype": "Service Equipment", **fields})
		doc.insert(set_name=outcome.key)
		_advance_series("Service Equipment", doc.name)
		return doc.name
	doc = frappe.get_doc("Service Equipment", outcome.key)
	doc.update({k: fields[k] for k in outcome.changed})
	doc.save()
	return doc.name


def _write_subscription(outcome: RowOutcome) -> str:
	"""Created in the lifecycle's first status, then moved through `outcome.statuses`, one save
	each, so that its status history says how it got there and why."""
	fields = {k: outcome.values[k] for k in SUBSCRIPTION_FIELDS if k != "status"}
	if outcome.action == CREATE:
		doc = frappe.get_doc(
			{
				"doctype": "Service Subscription",
				**fields,
				"status": migration_plan.SUBSCRIPTION_LIFECYCLE.initial,
				"status_reason": _("Imported from the previous system"),
			}
		)
		doc.insert(set_name=outcome.key)
		_advance_series("Service Subscription", doc.name)
	else:
		doc = frappe.get_doc("Service Subscription", outcome.key)
		doc.update({k: fields[k] for k in outcome.changed if k in fields})
		if set(outcome.changed) - {"status"}:
			doc.save()
	for status in outcome.statuses:
		doc.status = status
		doc.status_reason = _("Imported from the previous system")
		doc.save()
	return doc.name


WRITERS = {
	CUSTOMERS: _write_customer,
	LOCATIONS: _write_location,
	EQUIPMENT: _write_equipment,
	SUBSCRIPTIONS: _write_subscription,
}


# --- the run ----------------------------------------------------------------------------------


def _result(outcome: RowOutcome) -> dict:
	return {
		"file": outcome.file,
		"line": outcome.line,
		"doctype": migration_plan.DOCTYPES[outcome.kind],
		"name": outcome.key,
		"action": outcome.action,
		"changed": list(outcome.changed),
		"statuses": list(outcome.statuses),
		"column": outcome.column,
		"error": translate(outcome.error) if outcome.error else None,
	}


def import_rows(rows: dict, dry_run: bool = False) -> list[dict]:
	"""Plan `rows` (kind → rows, as `files.read_folder` returns them) against the site, then,
	unless `dry_run`, write every row to create or update, each whole or not at all. One result
	per row: file, line, doctype, name, action, changed columns, statuses gone through, and the
	translated reason of a refusal. The caller commits (or rolls back a dry run)."""
	outcomes = migration_plan.plan_import(rows, site_state(rows))
	results = []
	for outcome in outcomes:
		result = _result(outcome)
		if not dry_run and outcome.action in (CREATE, UPDATE):
			savepoint = f"migration_{outcome.kind}_{outcome.line}"
			frappe.db.savepoint(savepoint)
			try:
				WRITERS[outcome.kind](outcome)
			except (frappe.ValidationError, frappe.DuplicateEntryError, frappe.LinkValidationError) as e:
				frappe.db.rollback(save_point=savepoint)  # nothing of the row stays
				frappe.clear_last_message()
				result.update(action=REFUSE, error=str(e) or type(e).__name__)
		results.append(result)
	return results


def import_folder(folder: str, dry_run: bool = False) -> list[dict]:
	"""`import_rows` over a folder holding customers.csv, locations.csv, equipment.csv and/or
	subscriptions.csv (columns: subscribers/migration/README.md). A wrong file (an unknown or
	missing column) raises a translated ValidationError before anything is planned."""
	with translated_errors():
		rows = migration_files.read_folder(folder)
	return import_rows(rows, dry_run)


def preview_archive(data: bytes) -> dict:
	"""The dry-run report of a zip of the export (the desk's upload): every row's result, its
	line of the report in the user's language, and the summary. Writes nothing."""
	with translated_errors():
		rows = migration_files.read_zip(data)
	results = import_rows(rows, dry_run=True)
	for result in results:
		result["report"] = describe(result, dry_run=True)
	return {"rows": results, "summary": summary(results, dry_run=True)}


def describe(result: dict, dry_run: bool) -> str:
	"""One line of the report, in the user's language."""
	where = _("{0}, line {1}").format(result["file"], result["line"])
	name, action = result["name"] or "", result["action"]
	if action == REFUSE:
		if result.get("column"):
			return _("{0}: refused ({1}): {2}").format(where, result["column"], result["error"])
		return _("{0}: refused: {1}").format(where, result["error"])
	if action == UNCHANGED:
		return _("{0}: unchanged {1} {2}").format(where, _(result["doctype"]), name)
	statuses = ""
	if result["statuses"]:
		statuses = " " + _("(status: {0})").format(" → ".join(_(s) for s in result["statuses"]))
	if action == CREATE:
		text = _("to create {0} {1}") if dry_run else _("created {0} {1}")
		return f"{where}: {text.format(_(result['doctype']), name)}{statuses}"
	text = _("to update {0} {1}: {2}") if dry_run else _("updated {0} {1}: {2}")
	return f"{where}: {text.format(_(result['doctype']), name, ', '.join(result['changed']))}{statuses}"


def summary(results: list[dict], dry_run: bool) -> str:
	"""The closing line of the report: how many rows were (or would be) created, updated, left
	unchanged and refused."""
	counts = {a: 0 for a in (CREATE, UPDATE, UNCHANGED, REFUSE)}
	for r in results:
		counts[r["action"]] += 1
	text = _("{0} created, {1} updated, {2} unchanged, {3} refused").format(
		counts[CREATE], counts[UPDATE], counts[UNCHANGED], counts[REFUSE]
	)
	return _("Dry run, nothing written: {0}").format(text) if dry_run else text
