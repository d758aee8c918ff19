"""Signing customers in without a password, in Frappe: the shell of `customer_portal.sign_in`.

`request_code` / `request_link` issue a challenge (limits first, counted from the stored
challenges), store it as a Sign-in Challenge holding only its keyed hash, and send the secret:
the code by SMS through messaging's `send_sms`, the link by e-mail through `frappe.sendmail`,
in the customer's language when the destination is a known customer's. They answer the same
whether or not the phone or address is a customer's, and send to both: someone who is not a
customer yet signs in the same way to order.

`verify_code` / `consume_link` check the secret on the challenge's locked row, then:
- the destination is a customer's (a Contact linked to a Customer holds that mobile number or
  e-mail address): their Website User is signed in with Frappe's own `login_as`, so Frappe's
  session, cookie and CSRF token apply. A Contact without a User gets one (role Customer, set as
  the Contact's user and as a Portal User of each of its Customers);
- otherwise the person gets a verified identity, sealed in a cookie (`verified_identity()` reads
  it), and no User: a sign-in page must not let anyone fill the User table by typing numbers,
  and Frappe keeps no session data for Guests. The order flow creates the customer's records,
  and their User, once they order.

A refused attempt changes nothing but the one thing it must record: a wrong code's try is
committed before the refusal (Frappe rolls the request back on an error), so a sixth guess
finds the challenge locked.
"""

import hashlib
import hmac
from datetime import datetime

import frappe
from frappe import _
from frappe.query_builder.functions import Lower
from frappe.sessions import get_csrf_token
from frappe.translate import print_language
from frappe.utils import add_days, get_datetime, get_url, now_datetime
from frappe.utils.password import get_encryption_key

from gigafibre_fsm.customer_portal import sign_in as core
from gigafibre_fsm.customer_portal.sign_in import Channel, Kind
from gigafibre_fsm.errors import InvalidInput
from gigafibre_fsm.messaging.sms.phone import last_digits, try_normalise_phone
from gigafibre_fsm.permissions import roles
from gigafibre_fsm.services.core_errors import translate, translated_errors
from gigafibre_fsm.services.frappe_versions import in_test

CHALLENGE = "Sign-in Challenge"
IDENTITY_COOKIE = "portal_identity"
EMAIL_TEMPLATE = "portal_sign_in_link"  # templates/emails/portal_sign_in_link.html
KEEP_DAYS = 7  # challenges are kept a week (who asked, from where), then deleted
# A Contact with a phone and no e-mail address still needs a User, which Frappe names by an
# e-mail address: an address under the reserved .invalid domain (RFC 2606), which never
# receives mail, named by the number.
PHONE_USER_DOMAIN = "phone.invalid"
LIMITS = core.Limits()


class SignInRefused(frappe.PermissionError):
	"""A code or link that does not sign in (wrong, expired, used, locked): 403, as any other
	credential refused."""


class AccountNotUsable(frappe.PermissionError):
	"""The destination belongs to an account this page cannot sign in (staff, disabled, shared)."""


# --- the key -----------------------------------------------------------------------------------


def hasher() -> core.SecretHasher:
	"""The keyed hash of codes and tokens. Its key is derived from the site's encryption key,
	which lives in site_config.json, not in the database: a copy of the database alone does not
	reveal the codes (see `SecretHasher`)."""
	site_key = get_encryption_key().encode("utf-8")
	return core.SecretHasher(hmac.new(site_key, b"gigafibre_fsm sign-in", hashlib.sha256).digest())


# --- asking for a code or a link -----------------------------------------------------------


def request_code(phone: str) -> dict:
	"""Send a sign-in code by SMS to `phone` (any spelling; Canada by default)."""
	with translated_errors():
		destination = core.normalise_destination(Channel.SMS, phone)
	issued = _issue(Kind.CODE, Channel.SMS, destination)
	name = _store(issued.challenge)
	from gigafibre_fsm.messaging.services.sms import send_sms

	with print_language(_language_of(Channel.SMS, destination)):
		body = core.code_sms_text(_(core.CODE_SMS), issued.secret, _host())
	send_sms(destination, body, reference_doctype=CHALLENGE, reference_name=name)
	return {"channel": Channel.SMS, "sent_to": destination, "expires_in_minutes": _minutes(core.CODE_TTL)}


def request_link(email: str) -> dict:
	"""Send a sign-in link by e-mail to `email`."""
	with translated_errors():
		destination = core.normalise_destination(Channel.EMAIL, email)
	issued = _issue(Kind.LINK, Channel.EMAIL, destination)
	name = _store(issued.challenge)
	link = core.sign_in_link(get_url(), issued.secret)
	with print_language(_language_of(Channel.EMAIL, destination)):
		frappe.sendmail(
			recipients=[destination],
			subject=_("Your sign-in link"),
			template=EMAIL_TEMPLATE,
			args={"link": link, "hours": _minutes(core.LINK_TTL) // 60},
			reference_doctype=CHALLENGE,
			reference_name=name,
			header=[_("Sign in"), "blue"],
		)
	return {"channel": Channel.EMAIL, "sent_to": destination, "expires_in_minutes": _minutes(core.LINK_TTL)}


def _issue(kind: str, channel: str, destination: str) -> core.Issued:
	now = now_datetime()
	ip = frappe.local.request_ip if getattr(frappe.local, "request_ip", None) else None
	since = now - LIMITS.window
	destination_requests = frappe.get_all(
		CHALLENGE, filters={"destination": destination, "creation": (">", since)}, pluck="creation"
	)
	ip_requests = (
		frappe.get_all(CHALLENGE, filters={"ip": ip, "creation": (">", since)}, pluck="creation")
		if ip
		else []
	)
	try:
		if kind == Kind.CODE:
			return core.issue_code(
				channel, destination, now, hasher(), ip, destination_requests, ip_requests, LIMITS
			)
		return core.issue_link(destination, now, hasher(), ip, destination_requests, ip_requests, LIMITS)
	except core.TooManyRequests as e:
		frappe.throw(translate(e), frappe.RateLimitExceededError, title=_("Too Many Requests"))


def _store(challenge: core.Challenge) -> str:
	doc = frappe.get_doc(
		{
			"doctype": CHALLENGE,
			"kind": challenge.kind,
			"channel": challenge.channel,
			"destination": challenge.destination,
			"ip": challenge.ip,
			"secret_hash": challenge.secret_hash,
			"expires_at": challenge.expires_at,
			"tries": challenge.tries,
		}
	)
	doc.insert(ignore_permissions=True)
	return doc.name


# --- proving it ------------------------------------------------------------------------------


def verify_code(phone: str, code: str) -> dict:
	"""Check the code last sent to `phone`; sign the customer in, or give a verified identity."""
	with translated_errors():
		destination = core.normalise_destination(Channel.SMS, phone)
		core.normalise_code(code)  # a typo that cannot match is refused without counting a try
	names = frappe.get_all(
		CHALLENGE,
		filters={"kind": Kind.CODE, "destination": destination},
		order_by="creation desc",
		limit=1,
		pluck="name",
	)
	challenge = _load(names[0]) if names else None
	used = _attempt(core.verify_code, challenge, code)
	return _complete(used)


def consume_link(token: str) -> dict:
	"""Use a sign-in link's token (once): sign the customer in, or give a verified identity."""
	used = _attempt(core.consume_link, _link_challenge(token), token)
	return _complete(used)


FIELDS = [
	"name",
	"kind",
	"channel",
	"destination",
	"secret_hash",
	"creation",
	"expires_at",
	"ip",
	"tries",
	"used_at",
]


def _load(name: str, for_update: bool = True) -> core.Challenge:
	"""The challenge, its row locked until the end of the transaction: two attempts at once are
	decided one after the other (each sees the other's try or use)."""
	row = frappe.db.get_value(CHALLENGE, name, FIELDS, as_dict=True, for_update=for_update)
	return core.Challenge(
		kind=row.kind,
		channel=row.channel,
		destination=row.destination,
		secret_hash=row.secret_hash,
		created_at=get_datetime(row.creation),
		expires_at=get_datetime(row.expires_at),
		ip=row.ip,
		tries=row.tries or 0,
		used_at=get_datetime(row.used_at) if row.used_at else None,
		name=row.name,
	)


def _link_challenge(token, for_update: bool = True) -> core.Challenge | None:
	"""The challenge of a link's token, found by the token's hash (None: no such link)."""
	if not isinstance(token, str) or not token:
		return None
	names = frappe.get_all(CHALLENGE, filters={"secret_hash": hasher().token_hash(token)}, pluck="name")
	return _load(names[0], for_update) if names else None


def _attempt(check, challenge: core.Challenge | None, secret) -> core.Challenge:
	"""The challenge marked used (not saved yet: `_complete` saves it once the sign-in can go
	through), or a translated refusal; a wrong code's try is saved and committed first."""
	try:
		return check(challenge, secret, now_datetime(), hasher())
	except InvalidInput as e:
		frappe.throw(translate(e), title=_("Invalid Input"))
	except core.SignInError as e:
		if e.challenge is not None:  # a wrong code: the try must outlive the refusal
			frappe.db.set_value(
				CHALLENGE, e.challenge.name, "tries", e.challenge.tries, update_modified=False
			)
			if e.challenge.locked:
				hide_codes([e.challenge.name])
			_commit()
		frappe.throw(translate(e), SignInRefused, title=_("Sign-in"))


def _commit() -> None:
	"""Commit the request's transaction now; under tests the test's transaction is kept."""
	if not in_test():
		frappe.db.commit()  # nosemgrep: the wrong try must survive the refusal's rollback


def _complete(used: core.Challenge) -> dict:
	"""Sign the customer in, or seal the stranger's identity; every refusal comes before the
	first write, so a refused sign-in leaves the challenge unused and no User created."""
	identity = core.identity_of(used)
	account = find_account(identity.channel, identity.destination)
	if account is None:
		frappe.db.set_value(CHALLENGE, used.name, "used_at", used.used_at, update_modified=False)
		hide_codes([used.name])
		sealed = core.seal_identity(identity, hasher())
		frappe.local.cookie_manager.set_cookie(
			IDENTITY_COOKIE,
			sealed.value,
			max_age=int(core.IDENTITY_TTL.total_seconds()),  # the seal's own expiry is what counts
			httponly=True,
			samesite="Lax",
		)
		return {
			"signed_in": False,
			"verified": True,
			"channel": identity.channel,
			"sent_to": identity.destination,
		}
	user = ensure_user(account, identity)
	hide_codes([used.name])
	frappe.db.set_value(CHALLENGE, used.name, {"used_at": used.used_at, "user": user}, update_modified=False)
	frappe.local.login_manager.login_as(user)
	# Frappe checks the CSRF token of a session that has one, and gives one only when the desk
	# boots: a portal session would have none, and its POSTs would go unchecked. Give it one now
	# (portal pages embed it as frappe.csrf_token; frappe.call sends it back).
	get_csrf_token()
	return {
		"signed_in": True,
		"verified": True,
		"user": user,
		"redirect_to": frappe.local.response.get("home_page") or "/me",
	}


def verified_identity() -> core.Identity | None:
	"""What the visitor proved in this browser (phone or e-mail) and has not yet turned into an
	account: for the order flow. None when there is no valid proof."""
	cookies = frappe.request.cookies if getattr(frappe, "request", None) else {}
	return core.open_identity(cookies.get(IDENTITY_COOKIE), hasher(), now_datetime())


# --- who is it? ----------------------------------------------------------------------------------


def contacts_of(channel: str, destination: str) -> list[str]:
	"""The Contacts linked to a Customer that hold this phone number (compared after
	normalising, as stored numbers carry spaces and dashes) or this e-mail address (in any case)."""
	if channel == Channel.SMS:
		tail = f"%{last_digits(destination)}%"
		phones = frappe.get_all(
			"Contact Phone",
			filters={"phone": ("like", tail), "parenttype": "Contact"},
			fields=["parent", "phone"],
		)
		mobiles = frappe.get_all(
			"Contact", filters={"mobile_no": ("like", tail)}, fields=["name", "mobile_no"]
		)
		contacts = {r.parent for r in phones if try_normalise_phone(r.phone) == destination}
		contacts |= {r.name for r in mobiles if try_normalise_phone(r.mobile_no) == destination}
	else:
		email = frappe.qb.DocType("Contact Email")
		contacts = set(
			frappe.qb.from_(email)
			.select(email.parent)
			.where((email.parenttype == "Contact") & (Lower(email.email_id) == destination))
			.run(pluck=True)
		)
	if not contacts:
		return []
	return sorted(
		set(
			frappe.get_all(
				"Dynamic Link",
				filters={
					"parenttype": "Contact",
					"parent": ("in", list(contacts)),
					"link_doctype": "Customer",
				},
				pluck="parent",
			)
		)
	)


def find_account(channel: str, destination: str) -> frappe._dict | None:
	"""The customer account a verified phone or e-mail signs in to: its Contact, that Contact's
	User (None: to create) and Customers. None when no customer's Contact holds it.

	Several Contacts may hold it (a shared home phone): they sign in only if they already share
	one User; otherwise which person is signing in cannot be told, and it is refused."""
	contacts = contacts_of(channel, destination)
	if not contacts:
		return None
	users = {u for u in frappe.get_all("Contact", filters={"name": ("in", contacts)}, pluck="user") if u}
	if channel == Channel.EMAIL and not users and frappe.db.exists("User", destination):
		users = {destination}
	if len(users) > 1 or (len(contacts) > 1 and not users):
		frappe.throw(
			_(
				"This phone number or e-mail address is shared by several customer accounts. Please call us to sign in."
			),
			AccountNotUsable,
			title=_("Sign-in"),
		)
	user = users.pop() if users else None
	contact = next((c for c in contacts if frappe.db.get_value("Contact", c, "user") == user), contacts[0])
	customers = frappe.get_all(
		"Dynamic Link",
		filters={"parenttype": "Contact", "parent": ("in", contacts), "link_doctype": "Customer"},
		pluck="link_name",
	)
	return frappe._dict(contact=contact, contacts=contacts, user=user, customers=sorted(set(customers)))


def ensure_user(account: frappe._dict, identity: core.Identity) -> str:
	"""The Website User of `account`, created if its Contact has none, linked to the Contact
	(Contact.user) and as a Portal User of each of its Customers. Staff and disabled accounts are
	refused before anything is written: this page signs in customers only (staff sign in with
	their password)."""
	user = account.user or _user_name_for(account, identity)
	if frappe.db.exists("User", user):
		_check_can_sign_in(user)
	else:
		_create_user(user, account)
	if roles.CUSTOMER not in frappe.get_roles(user):
		frappe.get_doc("User", user).add_roles(roles.CUSTOMER)
	for contact in account.contacts:
		if not frappe.db.get_value("Contact", contact, "user"):
			doc = frappe.get_doc("Contact", contact)
			doc.user = user
			doc.save(ignore_permissions=True)
	for customer in account.customers:
		doc = frappe.get_doc("Customer", customer)
		if not any(row.user == user for row in doc.get("portal_users") or []):
			doc.append("portal_users", {"user": user})
			doc.save(ignore_permissions=True)
	return user


def _check_can_sign_in(user: str) -> None:
	row = frappe.db.get_value("User", user, ["user_type", "enabled"], as_dict=True)
	if row.user_type != "Website User" or set(frappe.get_roles(user)) & roles.STAFF:
		frappe.throw(
			_("This account cannot sign in here. Please sign in with your password."),
			AccountNotUsable,
			title=_("Sign-in"),
		)
	if not row.enabled:
		frappe.throw(_("This account is disabled. Please call us."), AccountNotUsable, title=_("Sign-in"))


def _user_name_for(account: frappe._dict, identity: core.Identity) -> str:
	"""Frappe names a User by an e-mail address: the one proven, else the Contact's, else an
	address under the reserved .invalid domain named by the phone number."""
	if identity.channel == Channel.EMAIL:
		return identity.destination
	email = frappe.db.get_value("Contact", account.contact, "email_id")
	if email:
		return email.strip().lower()
	return f"{identity.destination.lstrip('+')}@{PHONE_USER_DOMAIN}"


def _create_user(email: str, account: frappe._dict) -> None:
	contact = frappe.db.get_value("Contact", account.contact, ["first_name", "last_name"], as_dict=True)
	# no mobile_no: Frappe's create_contact (User.on_update) would add it, as typed, to the
	# Contact that already holds the number in its own spelling
	frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": contact.first_name or email.split("@")[0],
			"last_name": contact.last_name,
			"user_type": "Website User",
			"send_welcome_email": 0,
			"language": _customer_language(account.customers),
			"roles": [{"role": roles.CUSTOMER}],
		}
	).insert(ignore_permissions=True)


# --- language, host, housekeeping -----------------------------------------------------------------


def _customer_language(customers) -> str | None:
	for customer in customers or []:
		language = frappe.db.get_value("Customer", customer, "language")
		if language:
			return language
	return None


def _language_of(channel: str, destination: str) -> str:
	"""The customer's language when the destination is a customer's, else the visitor's (the
	page's language: Frappe sets it from the request)."""
	try:
		account = find_account(channel, destination)
	except AccountNotUsable:
		account = None
	if account:
		language = _customer_language(account.customers) or (
			account.user and frappe.db.get_value("User", account.user, "language")
		)
		if language:
			return language
	return frappe.local.lang


def _host() -> str | None:
	from urllib.parse import urlsplit

	return urlsplit(get_url()).hostname


def _minutes(delta) -> int:
	return int(delta.total_seconds() // 60)


def hide_codes(challenges: list[str]) -> None:
	"""Replace the text of the SMS that carried these challenges' codes. Messaging records the
	text of every SMS it sends, and staff may read those records: a code is hidden there as soon
	as it is used or locked (and, daily, once expired), so that no one reads a working code
	there for longer than its delivery takes."""
	if challenges:
		frappe.db.set_value(
			"SMS Message",
			{"reference_doctype": CHALLENGE, "reference_name": ("in", challenges)},
			"body",
			_("Sign-in code (hidden once used, locked or expired)"),
			update_modified=False,
		)


def delete_old_challenges() -> None:
	"""Scheduler (daily): hide the codes of recently expired challenges in their SMS, and delete
	the challenges older than KEEP_DAYS."""
	now = now_datetime()
	expired = frappe.get_all(
		CHALLENGE,
		filters={"kind": Kind.CODE, "expires_at": ("<", now), "creation": (">", add_days(now, -2))},
		pluck="name",
	)
	hide_codes(expired)
	frappe.db.delete(CHALLENGE, {"creation": ("<", add_days(now, -KEEP_DAYS))})


def link_problem(token: str) -> str | None:
	"""Why a sign-in link cannot be used (translated), or None if it can. Reads only: the page
	shows this on opening the link, which must not spend it (mail scanners open links)."""
	try:
		core.consume_link(_link_challenge(token, for_update=False), token, now_datetime(), hasher())
	except core.SignInError as e:
		return translate(e)
	return None
