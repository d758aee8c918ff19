"""Which template speaks to this customer, and what it says.

Templates are records staff edit (Customer Notification Template: event, language, body,
enabled); the defaults below are installed once and never overwrite an edit. A body is a
Jinja template over the placeholders in PLACEHOLDERS, rendered in a sandbox: a body may only
format the values it is given.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from gigafibre_fsm.errors import InvalidInput, _
from gigafibre_fsm.messaging.notifications import events as ev

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"  # Québec: French unless the customer chose English
MAX_BODY_CHARACTERS = 1600  # Twilio refuses longer bodies (error 21617)

# What a body may use; every one is always given ("" when the event has none).
PLACEHOLDERS = {
	"customer_name": "the customer's name",
	"company": "the company's name",
	"appointment": "the appointment's date and time (or window), in the customer's language",
	"eta": "the technician's expected arrival time",
	"technician": "the technician's first name",
	"reschedule_link": "where the customer changes the appointment",
	"calendar_link": "the appointment as an .ics file",
	"amount": "the amount, formatted for the language",
	"invoice": "the invoice number",
	"invoice_link": "the invoice's payment page",
	"due_date": "the invoice's due date",
	"code": "a sign-in code",
	"reference": "the document's reference (job, incident)",
}


@dataclass(frozen=True)
class Template:
	name: str
	event: str
	language: str
	body: str
	enabled: bool = True


def customer_language(*candidates: str | None) -> str:
	"""The first of `candidates` (Customer.language, the contact's user's language...) that is a
	language we write in, read by its prefix ("fr-CA" is French); French otherwise."""
	for candidate in candidates:
		prefix = (candidate or "").strip().lower().replace("_", "-").split("-")[0]
		if prefix in LANGUAGES:
			return prefix
	return DEFAULT_LANGUAGE


def choose_template(event: str, language: str, templates: Iterable[Template]) -> Template | None:
	"""The enabled template for `event` in `language`; else in French (Québec's default), else in
	any language; None when the event has no enabled template (staff turned it off)."""
	if event not in ev.EVENTS:
		raise InvalidInput(_("Unknown notification event {event}"), event=event)
	candidates = [t for t in templates if t.event == event and t.enabled and (t.body or "").strip()]
	for wanted in (language, DEFAULT_LANGUAGE):
		for template in candidates:
			if template.language == wanted:
				return template
	return min(candidates, key=lambda t: (t.language, t.name)) if candidates else None


_ENVIRONMENT = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)


def render(body: str, context: dict) -> str:
	"""The message: `body` rendered with `context` (placeholders it lacks are empty). An unknown
	placeholder or a syntax error is InvalidInput, naming Jinja's complaint."""
	values = dict.fromkeys(PLACEHOLDERS, "")
	values.update({k: ("" if v is None else v) for k, v in (context or {}).items()})
	try:
		text = _ENVIRONMENT.from_string(body or "").render(values)
	except TemplateError as e:
		raise InvalidInput(_("The notification template does not render: {error}"), error=str(e)) from None
	text = "\n".join(" ".join(line.split()) for line in text.strip().splitlines()).strip()
	if not text:
		raise InvalidInput(_("The notification template renders an empty message"))
	if len(text) > MAX_BODY_CHARACTERS:
		raise InvalidInput(
			_("The notification is {length} characters long; an SMS may have at most {limit}"),
			length=len(text),
			limit=MAX_BODY_CHARACTERS,
		)
	return text


def check_template(body: str, language: str) -> str:
	"""Render `body` with a sample of every placeholder: what staff see when they save it."""
	return render(body, SAMPLE_CONTEXT.get(language, SAMPLE_CONTEXT[DEFAULT_LANGUAGE]))


SAMPLE_CONTEXT = {
	"fr": {
		"customer_name": "Marie Tremblay",
		"company": "Gigafibre",
		"appointment": "mardi 15 décembre à 13 h 30",
		"eta": "13 h 45",
		"technician": "Julie",
		"reschedule_link": "https://erp.gigafibre.ca/appointments",
		"calendar_link": "https://erp.gigafibre.ca/api/method/gigafibre_fsm.api.dispatch.appointment_calendar?job=JOB-00001",
		"amount": "89,95 $",
		"invoice": "ACC-SINV-2026-00001",
		"invoice_link": "https://erp.gigafibre.ca/invoices/ACC-SINV-2026-00001",
		"due_date": "mardi 15 décembre",
		"code": "482913",
		"reference": "JOB-00001",
	},
	"en": {
		"customer_name": "Mary Smith",
		"company": "Gigafibre",
		"appointment": "Tuesday, December 15 at 1:30 PM",
		"eta": "1:45 PM",
		"technician": "Julie",
		"reschedule_link": "https://erp.gigafibre.ca/appointments",
		"calendar_link": "https://erp.gigafibre.ca/api/method/gigafibre_fsm.api.dispatch.appointment_calendar?job=JOB-00001",
		"amount": "$89.95",
		"invoice": "ACC-SINV-2026-00001",
		"invoice_link": "https://erp.gigafibre.ca/invoices/ACC-SINV-2026-00001",
		"due_date": "Tuesday, December 15",
		"code": "482913",
		"reference": "JOB-00001",
	},
}

# The defaults, installed once per (event, language). French bodies keep to GSM-7 (é è à are in
# it; ê ç â î ô û are not, and one of them makes the whole SMS UCS-2: 70 characters a part).
DEFAULT_TEMPLATES = {
	(ev.APPOINTMENT_BOOKED, "fr"): (
		"{{ company }} : bonjour {{ customer_name }}, votre rendez-vous est confirmé le {{ appointment }}. "
		"Ajoutez-le à votre calendrier : {{ calendar_link }} Pour changer de date : {{ reschedule_link }}"
	),
	(ev.APPOINTMENT_BOOKED, "en"): (
		"{{ company }}: hello {{ customer_name }}, your appointment is confirmed for {{ appointment }}. "
		"Add it to your calendar: {{ calendar_link }} To change the date: {{ reschedule_link }}"
	),
	(ev.APPOINTMENT_MOVED, "fr"): (
		"{{ company }} : bonjour {{ customer_name }}, votre rendez-vous est déplacé au {{ appointment }}. "
		"Calendrier : {{ calendar_link }} Pour choisir une autre date : {{ reschedule_link }}"
	),
	(ev.APPOINTMENT_MOVED, "en"): (
		"{{ company }}: hello {{ customer_name }}, your appointment is moved to {{ appointment }}. "
		"Calendar: {{ calendar_link }} To pick another date: {{ reschedule_link }}"
	),
	(ev.APPOINTMENT_CANCELLED, "fr"): (
		"{{ company }} : votre rendez-vous du {{ appointment }} est annulé. "
		"Pour en prendre un nouveau : {{ reschedule_link }}"
	),
	(ev.APPOINTMENT_CANCELLED, "en"): (
		"{{ company }}: your appointment of {{ appointment }} is cancelled. "
		"To book a new one: {{ reschedule_link }}"
	),
	(ev.TECHNICIAN_ON_THE_WAY, "fr"): (
		"{{ company }} : {{ technician }} est en route vers chez vous, arrivée prévue vers {{ eta }}."
	),
	(ev.TECHNICIAN_ON_THE_WAY, "en"): (
		"{{ company }}: {{ technician }} is on the way to you, expected around {{ eta }}."
	),
	(ev.JOB_DONE, "fr"): (
		"{{ company }} : l'intervention chez vous est terminée. Merci! Une question? Répondez à ce message."
	),
	(ev.JOB_DONE, "en"): (
		"{{ company }}: the work at your place is done. Thank you! A question? Reply to this message."
	),
	(ev.INVOICE_DUE, "fr"): (
		"{{ company }} : votre facture {{ invoice }} de {{ amount }} est due le {{ due_date }}. "
		"Pour la payer : {{ invoice_link }}"
	),
	(ev.INVOICE_DUE, "en"): (
		"{{ company }}: your invoice {{ invoice }} of {{ amount }} is due on {{ due_date }}. "
		"To pay it: {{ invoice_link }}"
	),
	(ev.INVOICE_PAID, "fr"): (
		"{{ company }} : merci! Votre paiement de {{ amount }}"
		"{% if invoice %} pour la facture {{ invoice }}{% endif %} est enregistré."
	),
	(ev.INVOICE_PAID, "en"): (
		"{{ company }}: thank you! Your payment of {{ amount }}"
		"{% if invoice %} for invoice {{ invoice }}{% endif %} is recorded."
	),
	(ev.PAYMENT_FAILED, "fr"): (
		"{{ company }} : le paiement de votre facture {{ invoice }} ({{ amount }}) n'a pas fonctionné. "
		"Pour la payer : {{ invoice_link }}"
	),
	(ev.PAYMENT_FAILED, "en"): (
		"{{ company }}: the payment of your invoice {{ invoice }} ({{ amount }}) did not go through. "
		"To pay it: {{ invoice_link }}"
	),
	(ev.OUTAGE_ON_YOUR_LINE, "fr"): (
		"{{ company }} : une panne dans votre secteur touche votre service Internet. Notre équipe y "
		"travaille; nous vous écrirons dès que ce sera réglé. Réf. {{ reference }}"
	),
	(ev.OUTAGE_ON_YOUR_LINE, "en"): (
		"{{ company }}: an outage in your area is affecting your internet service. Our team is on it; "
		"we will text you when it is fixed. Ref. {{ reference }}"
	),
	(ev.OUTAGE_RESOLVED, "fr"): (
		"{{ company }} : la panne dans votre secteur est réglée et votre service est rétabli. "
		"Réf. {{ reference }}"
	),
	(ev.OUTAGE_RESOLVED, "en"): (
		"{{ company }}: the outage in your area is fixed and your service is back. Ref. {{ reference }}"
	),
	(ev.SIGN_IN_CODE, "fr"): "Votre code de connexion {{ company }} : {{ code }}. Ne le donnez à personne.",
	(ev.SIGN_IN_CODE, "en"): "Your {{ company }} sign-in code: {{ code }}. Do not share it with anyone.",
}
