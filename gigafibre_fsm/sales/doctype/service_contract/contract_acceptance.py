"""Sending a contract for acceptance, accepting it, and giving back exactly what was accepted.

The decisions are the core's (`gigafibre_fsm.sales.contracts`); this module loads and saves:

- `send_for_acceptance`: staff. Makes the PDF from the print format in the contract's language,
  stores it as a private File attached to the contract, records its SHA-256, creates the secret
  link (only its hash is stored) and e-mails and/or texts it to the customer.
- `accept_with_token`: the page `/contract?token=…` (anyone holding the link). The contract's row
  is locked (SELECT … FOR UPDATE) before its state is read, so two acceptances arriving together
  are decided one after the other: the second is told it was already accepted.
- `prepare_for_order` / `accept_as_customer`: the online order, for a signed-in customer (no link):
  the order shows the stored PDF, then accepts those bytes.
- `accepted_pdf`: the stored bytes, checked against the recorded SHA-256 on the way out.
"""

from contextlib import contextmanager
from datetime import datetime, timedelta

import frappe
from frappe import _
from frappe.translate import print_language
from frappe.utils import get_system_timezone, get_url

from gigafibre_fsm.dispatch import work_schedule
from gigafibre_fsm.permissions.services import scopes
from gigafibre_fsm.sales import contracts
from gigafibre_fsm.services.core_errors import translate, translated_errors
from gigafibre_fsm.services.transactions import with_fresh_attempts

DOCTYPE = "Service Contract"
PRINT_FORMAT = "Service Contract"
LINK_BASE = "/contract?token={token}"


# --- time: Datetime fields hold naive values in the site's system time zone ------------------


def _zone():
	return work_schedule.get_zone(get_system_timezone())


def _now() -> datetime:
	return datetime.now(_zone())


def _aware(value) -> datetime | None:
	if not value:
		return None
	if isinstance(value, str):
		value = frappe.utils.get_datetime(value)
	return value.replace(tzinfo=_zone())


def _stored(value: datetime) -> datetime:
	return value.astimezone(_zone()).replace(tzinfo=None)


# --- errors --------------------------------------------------------------------------------


@contextmanager
def refusals():
	"""The core's refusals as translated Frappe errors; a link that does not answer is a
	PermissionError (the same one for a wrong, withdrawn or someone else's token)."""
	with translated_errors():
		try:
			yield
		except contracts.InvalidLink:
			invalid_link()
		except contracts.DocumentAltered as e:
			# staff must know: a stored contract no longer matches what was recorded
			frappe.log_error(title=_("Contract document altered"), message=translate(e))
			raise


def invalid_link() -> None:
	frappe.throw(_(contracts.INVALID_LINK), frappe.PermissionError, title=_("Contract"))


# --- the document --------------------------------------------------------------------------


def render_html(contract) -> str:
	"""The contract as one self-contained HTML document, in its language: the print format's
	body and the print styles inline, nothing fetched from the site. The page shows it and the
	PDF is made from it, so both say the same."""
	from frappe.www.printview import get_print_style, get_rendered_template

	with _printing(contract):
		print_format = frappe.get_doc("Print Format", PRINT_FORMAT)
		body = get_rendered_template(contract, print_format=print_format, meta=contract.meta, no_letterhead=1)
		style = get_print_style(print_format=print_format)
		lang = frappe.local.lang
	title = frappe.utils.escape_html(contract.name)
	return (
		f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
		f'<style>{style}</style></head><body><div class="print-format">{body}</div></body></html>'
	)


def render_pdf(contract) -> bytes:
	"""The contract as a PDF, from `render_html` (Frappe's get_pdf: wkhtmltopdf)."""
	from frappe.utils.pdf import get_pdf

	pdf = get_pdf(render_html(contract))
	with translated_errors():
		contracts.require_pdf(pdf)
	return bytes(pdf)


@contextmanager
def _printing(contract):
	"""The contract's language, and printing allowed: the caller was checked (staff, the
	customer, or the link's holder)."""
	ignore = frappe.flags.ignore_print_permissions
	lang = frappe.local.lang
	frappe.flags.ignore_print_permissions = True
	try:
		with print_language(contract.language or "fr"):
			yield
	finally:
		frappe.flags.ignore_print_permissions = ignore
		frappe.local.lang = lang
		# Frappe's printing marks the document in_print, and save() then silently does nothing
		contract.flags.in_print = False


def store_pdf(contract, pdf: bytes):
	"""A private File attached to the contract, holding exactly `pdf`."""
	digest = contracts.sha256_hex(pdf)
	return frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"{contract.name}-{digest[:12]}.pdf",
			"is_private": 1,
			"content": pdf,
			"attached_to_doctype": DOCTYPE,
			"attached_to_name": contract.name,
			"attached_to_field": "pdf_file",
		}
	).insert(ignore_permissions=True)


def read_pdf(file_name: str | None) -> bytes:
	"""The stored bytes of the contract's File, as they are on disk (never re-rendered)."""
	if not file_name or not frappe.db.exists("File", file_name):
		return b""
	path = frappe.get_doc("File", file_name).get_full_path()
	try:
		with open(path, "rb") as fh:
			return fh.read()
	except FileNotFoundError:
		return b""


def _attach_new_pdf(contract) -> bytes:
	pdf = render_pdf(contract)
	file = store_pdf(contract, pdf)
	contract.pdf_file = file.name
	contract.pdf_sha256 = contracts.sha256_hex(pdf)
	return pdf


def _require_sendable(contract) -> None:
	if not contract.lines:
		frappe.throw(_("A contract needs at least one location with its plan"))
	if not (contract.terms or "").strip():
		frappe.throw(_("Choose the operator's Terms and Conditions before sending the contract"))


# --- sending -------------------------------------------------------------------------------


def send_for_acceptance(name: str, valid_days: int | None = None) -> dict:
	"""Make the PDF, store it, create the secret link and send it; returns where it went."""
	contract = frappe.get_doc(DOCTYPE, name, for_update=True)
	with refusals():
		contracts.check_status_change(contract.status, contracts.SENT, by_service=True)
	_require_sendable(contract)
	if not contract.email and not contract.mobile:
		frappe.throw(_("Add an e-mail address or a mobile number to send the contract to"))
	now = _now()
	validity = timedelta(days=int(valid_days)) if valid_days else contracts.DEFAULT_VALIDITY
	with refusals():
		expires_at = contracts.expiry(now, validity)
	pdf = _attach_new_pdf(contract)
	token = contracts.new_token()
	contract.status = contracts.SENT
	contract.token_hash = contracts.hash_token(token)
	contract.token_expires_on = _stored(expires_at)
	contract.sent_on = _stored(now)
	contract.flags.contract_service = True
	contract.save(ignore_permissions=True)
	sent = _send_link(contract, token, pdf, expires_at)
	return {
		"status": contract.status,
		"expires_on": str(contract.token_expires_on),
		"pdf_sha256": contract.pdf_sha256,
		**sent,
	}


def contract_link(token: str) -> str:
	return contracts.link(get_url(LINK_BASE), token)


def _send_link(contract, token: str, pdf: bytes, expires_at: datetime) -> dict:
	link = contract_link(token)
	expires = _stored(expires_at).strftime("%Y-%m-%d %H:%M")
	sent = {"email": False, "sms": False}
	with print_language(contract.language or "fr"):
		subject = _("Your contract {0} with {1}").format(contract.name, contract.company)
		text = _("Here is your contract {0}. Read it and accept it online before {1}: {2}").format(
			contract.name, expires, link
		)
		if contract.email:
			frappe.sendmail(
				recipients=[contract.email],
				subject=subject,
				message=f"<p>{frappe.utils.escape_html(text)}</p><p><a href='{link}'>{link}</a></p>",
				attachments=[{"fname": f"{contract.name}.pdf", "fcontent": pdf}],
				reference_doctype=DOCTYPE,
				reference_name=contract.name,
			)
			sent["email"] = True
		if contract.mobile and frappe.db.get_single_value("Messaging Settings", "enabled"):
			from gigafibre_fsm.messaging.services.sms import send_sms

			send_sms(contract.mobile, text, DOCTYPE, contract.name)
			sent["sms"] = True
	if not any(sent.values()):
		frappe.throw(_("SMS sending is not enabled and the contract has no e-mail address"))
	return sent


# --- the link ------------------------------------------------------------------------------


def contract_for_token(token: str | None):
	"""The contract the link designates, or a PermissionError (no contract answers to a wrong
	or withdrawn token; a signed-in customer opening another customer's link is refused alike)."""
	if not token or len(token) > 200:
		invalid_link()
	name = frappe.db.get_value(DOCTYPE, {"token_hash": contracts.hash_token(token)}, "name")
	if not name:
		invalid_link()
	stored_hash, customer = frappe.db.get_value(DOCTYPE, name, ["token_hash", "customer"])
	if not contracts.token_matches(token, stored_hash):
		invalid_link()
	user = frappe.session.user
	if (
		user != "Guest"
		and "customer" in scopes.audiences_of(user)
		and customer not in scopes.customers_of(user)
	):
		invalid_link()
	return name


def link_state(token: str) -> dict:
	"""What the page shows for a link: the contract, and whether it can still be accepted."""
	name = contract_for_token(token)
	contract = frappe.get_doc(DOCTYPE, name)
	state = {"contract": contract, "can_accept": False, "refusal": None}
	try:
		with refusals():
			contracts.refuse_if_closed(_core_state(contract))
			contracts.check_link(token, contract.token_hash, _aware(contract.token_expires_on), _now())
			if contract.status != contracts.SENT:
				invalid_link()
		state["can_accept"] = True
	except frappe.PermissionError:
		raise
	except frappe.ValidationError as e:
		frappe.clear_last_message()
		state["refusal"] = str(e)
	return state


def accept_with_token(token: str, signer_name: str, agreed: bool) -> dict:
	"""Accept through the secret link: once, atomically, with the audit record. On PostgreSQL
	the loser of a race is refused by the database (40001) and decided again on a fresh snapshot,
	where it sees the contract accepted."""
	return with_fresh_attempts(lambda: _accept_with_token(token, signer_name, agreed))


def _accept_with_token(token: str, signer_name: str, agreed: bool) -> dict:
	name = contract_for_token(token)
	contract = frappe.get_doc(DOCTYPE, name, for_update=True)  # the second one waits here
	if frappe.session.user == "Guest":  # answer in the contract's language, as its page speaks
		frappe.local.lang = contract.language or frappe.local.lang
	with refusals():
		contracts.refuse_if_closed(_core_state(contract))
		contracts.check_link(token, contract.token_hash, _aware(contract.token_expires_on), _now())
	user = frappe.session.user
	return _accept(
		contract,
		contracts.VIA_LINK,
		signer_name,
		agreed,
		signer_email=contract.email,
		signer_user=None if user == "Guest" else user,
	)


# --- the order -----------------------------------------------------------------------------


def _require_own_contract(name: str):
	"""The signed-in customer's own contract, locked; anyone else is refused the same way."""
	user = frappe.session.user
	customer = frappe.db.get_value(DOCTYPE, name, "customer") if name else None
	if user == "Guest" or not customer or customer not in scopes.customers_of(user):
		frappe.throw(_("You are not permitted to do this"), frappe.PermissionError)
	return frappe.get_doc(DOCTYPE, name, for_update=True)


def prepare_for_order(name: str) -> dict:
	"""For the online order: the contract's PDF, made and stored now if it has none, to show the
	signed-in customer before they accept it. Returns the File and its SHA-256."""
	contract = _require_own_contract(name)
	with refusals():
		contracts.refuse_if_closed(_core_state(contract))
	_require_sendable(contract)
	if not contract.pdf_file or not read_pdf(contract.pdf_file):
		_attach_new_pdf(contract)
		contract.flags.contract_service = True
		contract.save(ignore_permissions=True)
	return {"pdf_file": contract.pdf_file, "pdf_sha256": contract.pdf_sha256}


def accept_as_customer(name: str, signer_name: str, agreed: bool, pdf_sha256: str | None = None) -> dict:
	"""Accept during the online order, as the signed-in customer (no link). `pdf_sha256`, when
	given, is the fingerprint of the PDF they were shown: a different stored PDF is refused."""
	return with_fresh_attempts(lambda: _accept_as_customer(name, signer_name, agreed, pdf_sha256))


def _accept_as_customer(name: str, signer_name: str, agreed: bool, pdf_sha256: str | None) -> dict:
	contract = _require_own_contract(name)
	if pdf_sha256 and pdf_sha256.lower() != (contract.pdf_sha256 or ""):
		frappe.throw(_("The contract changed since it was shown to you: read it again"))
	user = frappe.session.user
	return _accept(contract, contracts.VIA_ORDER, signer_name, agreed, signer_email=user, signer_user=user)


# --- accepting and giving back -------------------------------------------------------------


def _core_state(contract) -> contracts.ContractState:
	return contracts.ContractState(
		contract.name, contract.status, contract.pdf_sha256, _aware(contract.accepted_at)
	)


def _accept(contract, via: str, signer_name: str, agreed: bool, signer_email=None, signer_user=None) -> dict:
	pdf = read_pdf(contract.pdf_file)
	with refusals():
		record = contracts.decide_acceptance(
			_core_state(contract),
			pdf,
			_now(),
			signer_name,
			agreed,
			via,
			signer_email=signer_email,
			signer_user=signer_user,
			ip=getattr(frappe.local, "request_ip", None),
			user_agent=frappe.get_request_header("User-Agent")
			if getattr(frappe.local, "request", None)
			else None,
		)
	contract.update(
		{
			"status": contracts.ACCEPTED,
			"accepted_at": _stored(record.accepted_at),
			"accepted_via": record.via,
			"signer_name": record.signer_name,
			"signer_email": record.signer_email,
			"signer_user": record.signer_user,
			"accepted_ip": record.ip,
			"accepted_user_agent": record.user_agent,
			"accepted_pdf_sha256": record.pdf_sha256,
		}
	)
	contract.flags.contract_service = True
	contract.save(ignore_permissions=True)
	return {
		"contract": contract.name,
		"status": contract.status,
		"accepted_at": str(contract.accepted_at),
		"pdf_sha256": record.pdf_sha256,
		"message": _("Thank you: contract {0} is accepted").format(contract.name),
	}


def accepted_pdf(name: str) -> tuple[str, bytes]:
	"""The accepted contract's file name and bytes, exactly as accepted (hash checked)."""
	contract = frappe.get_doc(DOCTYPE, name)
	if contract.status != contracts.ACCEPTED:
		frappe.throw(_("Contract {0} has not been accepted").format(contract.name))
	pdf = read_pdf(contract.pdf_file)
	with refusals():
		contracts.same_document(pdf, contract.accepted_pdf_sha256)
	return f"{contract.name}.pdf", pdf
