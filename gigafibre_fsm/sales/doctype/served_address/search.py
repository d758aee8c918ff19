"""Finding served addresses as a person types them, and telling whether one is served.

The shell of the eligibility core: read the query (core), scan the indexes for candidates in
one statement (the civic number then the street key's prefix, the civic ranges holding it, or
a postal code: never the table), rank them (core), answer with what a guest may see (no OLT or
PON port unless the caller may read the record).
"""

from functools import reduce

import frappe
from frappe import _
from frappe.utils import formatdate

from gigafibre_fsm.sales.eligibility import matching, records
from gigafibre_fsm.sales.eligibility import query as address_query
from gigafibre_fsm.sales.eligibility.normalise import Street
from gigafibre_fsm.services.core_errors import translated_errors

DOCTYPE = "Served Address"
MAX_LIMIT = 20
SCAN_LIMIT = 200  # rows read per scan at most (a name of two letters being typed finds many)
MUNICIPALITIES_CACHE = "gigafibre:served-address-municipalities"
# what an address is, as read back for a match or a check, and the keys the matching compares
ADDRESS_FIELDS = (
	"name",
	"civic",
	"civic_end",
	"unit",
	"street",
	"municipality",
	"province",
	"postal_code",
	"status",
	"expected_date",
	"olt",
	"pon_port",
)
MATCH_FIELDS = ("search_key", "street_name", "street_type", "direction", "municipality_key", "unit_key")


def municipalities() -> frozenset[str]:
	"""The keys of the municipalities served (cached ten minutes; a new one clears the cache).

	Read with `expires=True`: a value stored with an expiry is not kept in Frappe's per-process
	cache, which would otherwise keep answering the miss it saw first."""
	cached = frappe.cache.get_value(MUNICIPALITIES_CACHE, expires=True)
	if cached is None:
		table = frappe.qb.DocType(DOCTYPE)
		cached = [
			r[0] for r in frappe.qb.from_(table).select(table.municipality_key).distinct().run() if r[0]
		]
		frappe.cache.set_value(MUNICIPALITIES_CACHE, cached, expires_in_sec=600)
	return frozenset(cached)


def forget_municipalities(key: str | None = None) -> None:
	"""Clear the cached municipalities if `key` is not among them (or always, without a key)."""
	cached = frappe.cache.get_value(MUNICIPALITIES_CACHE, expires=True)
	if cached is not None and (key is None or key not in cached):
		frappe.cache.delete_value(MUNICIPALITIES_CACHE)


def candidates(scan: matching.Scan) -> list[dict]:
	"""The rows `scan` reads (see matching.Scan), at most SCAN_LIMIT: index range scans only."""
	table = frappe.qb.DocType(DOCTYPE)
	fields = [getattr(table, f) for f in (*ADDRESS_FIELDS, *MATCH_FIELDS)]
	select = frappe.qb.from_(table).select(*fields)
	if scan.civic is None:  # a street being looked at, or a postal code: one scan, its first rows
		by_name = [table.search_key.like(f"{prefix}%") for prefix in scan.prefixes]
		if by_name:
			statement = select.where(reduce(lambda a, b: a | b, by_name)).orderby(table.search_key)
		else:
			statement = select.where(table.postal_code == scan.postal_code)
		statement = statement.orderby(table.civic).limit(SCAN_LIMIT)
	else:
		# the civic number and each prefix (index civic, search_key), the ranges holding it
		# (index civic_end, search_key); few rows each, in one statement (one round trip)
		low, high = scan.range_ends
		scans = []
		for prefix in scan.prefixes:
			by_name = table.search_key.like(f"{prefix}%")
			scans.append(select.where(table.civic == scan.civic).where(by_name))
			scans.append(
				select.where(table.civic_end[low:high]).where(table.civic <= scan.civic).where(by_name)
			)
		if not scan.prefixes:
			in_code = table.postal_code == scan.postal_code
			scans.append(select.where(table.civic == scan.civic).where(in_code))
			scans.append(
				select.where(table.civic_end[low:high]).where(table.civic <= scan.civic).where(in_code)
			)
		statement = reduce(lambda a, b: a.union_all(b), scans).limit(SCAN_LIMIT)
	found: dict[str, dict] = {}
	for row in statement.run(as_dict=True):
		found.setdefault(row.name, row)
	return list(found.values())


def _served(row) -> matching.Served:
	return matching.Served(
		ref=row.name,
		civic=row.civic,
		street=Street(row.street_name or "", row.street_type or "", row.direction or ""),
		municipality=row.municipality_key or "",
		unit=row.unit_key or "",
		civic_end=row.civic_end or None,
		postal_code=row.postal_code,
	)


def _label(row) -> str:
	return records.address_label(
		row.civic, row.street, row.municipality, row.civic_end, row.unit, row.province, row.postal_code
	)


def _status_message(row) -> str:
	if row.status == records.SOON:
		if row.expected_date:
			return _("This address will be served from {0}.").format(formatdate(row.expected_date))
		return _("This address will be served soon.")
	if row.status == records.SERVED:
		return _("This address is served: you can order.")
	return _("This address is not served yet.")


def _answer(row, staff: bool) -> dict:
	answer = {
		"name": row.name,
		"label": _label(row),
		"status": row.status,
		"status_label": _(row.status),
		"eligible": row.status == records.SERVED,
		"expected_date": str(row.expected_date) if row.expected_date else None,
		"message": _status_message(row),
	}
	if staff:  # the fibre drop: for who may read the record, never for guests
		answer.update(olt=row.olt, pon_port=row.pon_port)
	return answer


def _may_read_records() -> bool:
	return frappe.session.user != "Guest" and bool(frappe.has_permission(DOCTYPE, "read"))


def search(text: str, limit: int = 8) -> dict:
	"""The served addresses that answer `text`, best first, each with its status.

	An address not found is an answer (`found: False` and a message), not an error; so is a
	postal code that is not the one of the address found. Bad input (empty, too long, not an
	address, a limit out of range) raises a translated ValidationError."""
	limit = frappe.utils.cint(limit)
	if not 1 <= limit <= MAX_LIMIT:
		frappe.throw(_("The number of answers must be between 1 and {0}").format(MAX_LIMIT))
	with translated_errors():
		parsed = address_query.parse_query(text, municipalities())
	scan = matching.scan_for(parsed)
	rows = {row.name: row for row in candidates(scan)}
	ranked = matching.rank(parsed, [_served(r) for r in rows.values()], limit)
	staff = _may_read_records()
	answers = [
		{**_answer(rows[m.served.ref], staff), "postal_code_matches": m.postal_code_matches} for m in ranked
	]
	message = None
	if not answers:
		message = _("No served address matches {0}. Check the civic number and the street.").format(
			frappe.bold(frappe.utils.escape_html(text.strip()))
		)
	elif matching.postal_code_disagrees(parsed, ranked):
		message = _("The postal code {0} is not the one of this address: check it.").format(
			parsed.postal_code
		)
	return {"found": bool(answers), "candidates": answers, "message": message}


def eligibility(name: str) -> dict:
	"""Whether the served address `name` is served, soon (from when) or not; an unknown name is
	an answer (`found: False`), not an error."""
	name = (name or "").strip()
	if not name or len(name) > 140:
		frappe.throw(_("Choose an address among those the search found"))
	table = frappe.qb.DocType(DOCTYPE)
	rows = (
		frappe.qb.from_(table)
		.select(*(getattr(table, f) for f in ADDRESS_FIELDS))
		.where(table.name == name)
		.run(as_dict=True)
	)
	if not rows:
		return {"found": False, "name": name, "message": _("Address {0} not found").format(name)}
	return {"found": True, **_answer(rows[0], _may_read_records())}
