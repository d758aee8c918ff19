"""The customer's account: their contact details (the Contact of the signed-in user), their
phone numbers (validated and stored in E.164, the form the SMS sign-in looks them up by), and
the portal's language (French or English).
"""

import frappe
from frappe import _

from gigafibre_fsm.errors import InvalidInput
from gigafibre_fsm.messaging.sms.phone import normalise_phone
from gigafibre_fsm.permissions.services.guards import deny
from gigafibre_fsm.services.core_errors import translate

LANGUAGES = {"fr": "Français", "en": "English"}
MAX_PHONES = 3


def contact_of(customers: list[str], user: str | None = None) -> str | None:
	"""The Contact of the user (its User field, else its e-mail) linked to one of `customers`."""
	user = user or frappe.session.user
	candidates = frappe.get_all("Contact", filters={"user": user}, pluck="name")
	candidates += frappe.get_all(
		"Contact Email", filters={"email_id": user, "parenttype": "Contact"}, pluck="parent"
	)
	if not candidates:
		return None
	linked = frappe.get_all(
		"Dynamic Link",
		filters={
			"parenttype": "Contact",
			"parent": ("in", candidates),
			"link_doctype": "Customer",
			"link_name": ("in", customers),
		},
		pluck="parent",
		order_by="parent asc",
	)
	return linked[0] if linked else None


def account(customers: list[str]) -> dict:
	contact = contact_of(customers)
	details = {"contact": contact, "phones": [], "emails": [], "full_name": None}
	if contact:
		doc = frappe.get_doc("Contact", contact)
		details.update(
			full_name=" ".join(p for p in (doc.first_name, doc.last_name) if p),
			phones=[p.phone for p in doc.phone_nos],
			emails=[e.email_id for e in doc.email_ids if not e.email_id.endswith(".invalid")],
		)
	details["language"] = frappe.local.lang if frappe.local.lang in LANGUAGES else "fr"
	details["languages"] = LANGUAGES
	details["customers"] = customers
	return details


def set_phones(customers: list[str], phones: list[str]) -> list[str]:
	"""Replace the Contact's phone numbers by `phones` (the first is the mobile the SMS sign-in
	and notifications use). Every number is checked before anything is written."""
	if not isinstance(phones, list) or not phones:
		frappe.throw(_("At least one phone number is required"))
	if len(phones) > MAX_PHONES:
		frappe.throw(_("At most {0} phone numbers").format(MAX_PHONES))
	normalised = []
	for number in phones:
		try:
			e164 = normalise_phone(number)
		except InvalidInput as e:
			frappe.throw(translate(e))
		if e164 not in normalised:
			normalised.append(e164)
	contact = contact_of(customers)
	if not contact:
		deny(_("No contact is linked to your account; please call us"))
	doc = frappe.get_doc("Contact", contact)
	doc.set("phone_nos", [])
	for i, e164 in enumerate(normalised):
		doc.append(
			"phone_nos", {"phone": e164, "is_primary_mobile_no": int(i == 0), "is_primary_phone": int(i == 0)}
		)
	doc.save(ignore_permissions=True)  # the caller checked the customer; the Contact is the user's own
	return normalised


def set_language(language: str) -> str:
	"""The signed-in user's language for the portal, their messages and Frappe's pages; and the
	`preferred_language` cookie Frappe reads for a visitor (after signing out)."""
	if language not in LANGUAGES:
		frappe.throw(_("Choose French or English"))
	frappe.db.set_value("User", frappe.session.user, "language", language)
	frappe.local.lang = language
	if getattr(frappe.local, "cookie_manager", None):
		frappe.local.cookie_manager.set_cookie("preferred_language", language)
	return language
