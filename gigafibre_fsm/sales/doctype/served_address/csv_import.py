"""The bench import of served addresses: a CSV file in, one outcome per row out.

The core plans (`records.import_plan`: create, update, unchanged or refuse, and why); this loads
the records the file's addresses already have, then writes each planned row through the
Served Address controller inside its own savepoint, so that a row is written whole or not at
all. Importing the same file again changes nothing. A dry run plans and writes nothing.
"""

import frappe
from frappe import _

from gigafibre_fsm.errors import GigafibreError
from gigafibre_fsm.sales.eligibility import records
from gigafibre_fsm.services.core_errors import translate, translated_errors

DOCTYPE = "Served Address"
CHUNK = 500  # address keys per query when loading what exists


def _existing(rows: list[dict]) -> dict[str, dict]:
	keys = []
	for row in rows:
		try:
			keys.append(records.record_from_row(row).address_key)
		except GigafibreError:
			continue  # refused by the plan, with its reason
	found = {}
	for i in range(0, len(keys), CHUNK):
		for r in frappe.get_all(
			DOCTYPE,
			filters={"address_key": ("in", keys[i : i + CHUNK])},
			fields=["name", "address_key", *records.STORED_FIELDS],
		):
			found[r.address_key] = r
	return found


def _write(outcome: records.RowOutcome) -> str:
	"""Write one planned row; returns the record's name."""
	values = {f: getattr(outcome.record, f) for f in records.STORED_FIELDS}
	values["civic_end"] = values["civic_end"] or 0
	if outcome.action == records.CREATE:
		doc = frappe.get_doc({"doctype": DOCTYPE, **values})
		doc.insert()
	else:
		doc = frappe.get_doc(DOCTYPE, outcome.existing)
		doc.update(values)
		doc.save()
	return doc.name


def import_rows(rows: list[dict], dry_run: bool = False) -> list[dict]:
	"""Plan, then (unless `dry_run`) write, row by row. Each result: line, action, name, the
	changed fields, and the translated reason of a refusal. The caller commits."""
	plan = records.import_plan(rows, _existing(rows), frappe.get_all("OLT", pluck="name"))
	results = []
	for outcome in plan:
		result = {
			"line": outcome.line,
			"action": outcome.action,
			"name": outcome.existing,
			"changed": list(outcome.changed),
			"error": translate(outcome.error) if outcome.error else None,
		}
		if outcome.record:
			result["address"] = records.address_label(
				outcome.record.civic,
				outcome.record.street,
				outcome.record.municipality,
				outcome.record.civic_end,
				outcome.record.unit,
			)
		if not dry_run and outcome.action in (records.CREATE, records.UPDATE):
			savepoint = f"served_address_{outcome.line}"
			frappe.db.savepoint(savepoint)
			try:
				result["name"] = _write(outcome)
			except (frappe.ValidationError, frappe.DuplicateEntryError) as e:  # nothing of the row stays
				frappe.db.rollback(save_point=savepoint)
				frappe.clear_last_message()
				result.update(action=records.REFUSE, error=str(e))
		results.append(result)
	return results


def import_text(text: str, dry_run: bool = False) -> list[dict]:
	"""`import_rows` over a CSV file's text (columns: sales/eligibility/README.md)."""
	with translated_errors():
		rows = records.read_csv(text)
	return import_rows(rows, dry_run)


def describe(result: dict) -> str:
	"""One line of the command's report, in the user's language."""
	line, name, address = result["line"], result.get("name") or "", result.get("address") or ""
	action = result["action"]
	if action == records.REFUSE:
		return _("Line {0}: refused: {1}").format(line, result["error"])
	if action == records.CREATE and not name:  # a dry run
		return _("Line {0}: to create ({1})").format(line, address)
	if action == records.CREATE:
		return _("Line {0}: created {1} ({2})").format(line, name, address)
	if action == records.UPDATE:
		return _("Line {0}: updated {1} ({2}): {3}").format(line, name, address, ", ".join(result["changed"]))
	return _("Line {0}: unchanged {1} ({2})").format(line, name, address)


def summary(results: list[dict], dry_run: bool) -> str:
	counts = {a: 0 for a in (records.CREATE, records.UPDATE, records.UNCHANGED, records.REFUSE)}
	for r in results:
		counts[r["action"]] += 1
	text = _("{0} created, {1} updated, {2} unchanged, {3} refused").format(
		counts[records.CREATE], counts[records.UPDATE], counts[records.UNCHANGED], counts[records.REFUSE]
	)
	return _("Dry run, nothing written: {0}").format(text) if dry_run else text
