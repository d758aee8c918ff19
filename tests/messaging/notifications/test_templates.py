import pytest

from gigafibre_fsm.errors import InvalidInput
from gigafibre_fsm.messaging import notifications as n
from gigafibre_fsm.messaging.notifications.templates import SAMPLE_CONTEXT
from gigafibre_fsm.messaging.sms import sms_segments


def templates(*rows):
	return [
		n.Template(f"T{i}", event, lang, body, enabled) for i, (event, lang, body, enabled) in enumerate(rows)
	]


@pytest.mark.parametrize(
	"candidates, language",
	[
		(("en",), "en"),
		(("en-US",), "en"),
		(("fr-CA",), "fr"),
		(("FR",), "fr"),
		((None, "en_GB"), "en"),
		(("", None), "fr"),
		(("es",), "fr"),  # a language we do not write in: Québec's default
		(("es", "en"), "en"),
	],
)
def test_customer_language_reads_prefixes_and_falls_back_to_french(candidates, language):
	assert n.customer_language(*candidates) == language


def test_the_template_in_the_customers_language_is_chosen():
	rows = templates(
		(n.APPOINTMENT_MOVED, "fr", "déplacé", True),
		(n.APPOINTMENT_MOVED, "en", "moved", True),
		(n.APPOINTMENT_BOOKED, "en", "booked", True),
	)
	assert n.choose_template(n.APPOINTMENT_MOVED, "en", rows).body == "moved"
	assert n.choose_template(n.APPOINTMENT_MOVED, "fr", rows).body == "déplacé"


def test_a_missing_or_disabled_language_falls_back_to_french_then_any():
	rows = templates(
		(n.JOB_DONE, "fr", "terminé", True),
		(n.JOB_DONE, "en", "done", False),
		(n.INVOICE_PAID, "en", "paid", True),
	)
	assert n.choose_template(n.JOB_DONE, "en", rows).body == "terminé"
	assert n.choose_template(n.INVOICE_PAID, "fr", rows).body == "paid"


def test_an_event_without_an_enabled_template_chooses_none():
	rows = templates((n.JOB_DONE, "fr", "terminé", False), (n.JOB_DONE, "en", "   ", True))
	assert n.choose_template(n.JOB_DONE, "fr", rows) is None


def test_an_unknown_event_is_refused():
	with pytest.raises(InvalidInput):
		n.choose_template("Birthday", "fr", [])


def test_render_fills_placeholders_and_leaves_missing_ones_empty():
	text = n.render(
		"{{ company }} : bonjour {{ customer_name }}{{ eta }}.",
		{"company": "Gigafibre", "customer_name": "Marie"},
	)
	assert text == "Gigafibre : bonjour Marie."


def test_render_collapses_the_spaces_an_empty_placeholder_leaves():
	assert n.render("A {{ eta }} B\n\n  C  ", {}) == "A B\n\nC"


@pytest.mark.parametrize("body", ["{{ custmer_name }}", "{% if %}", "{{ company.__class__.__mro__ }}", "   "])
def test_a_bad_template_is_invalid_input(body):
	with pytest.raises(InvalidInput):
		n.render(body, {"company": "Gigafibre"})


def test_the_sandbox_refuses_reaching_into_python():
	with pytest.raises(InvalidInput):
		n.render("{{ ''.__class__.__subclasses__() }}", {})


def test_a_body_too_long_for_twilio_is_refused():
	with pytest.raises(InvalidInput):
		n.render("x" * 1601, {})


def test_every_event_has_a_default_in_french_and_in_english():
	assert set(n.DEFAULT_TEMPLATES) == {(e, lang) for e in n.EVENTS for lang in n.LANGUAGES}


@pytest.mark.parametrize("event, language", sorted(n.DEFAULT_TEMPLATES))
def test_every_default_renders_with_every_placeholder(event, language):
	text = n.check_template(n.DEFAULT_TEMPLATES[(event, language)], language)
	assert "{{" not in text and "{%" not in text
	assert "Gigafibre" in text


@pytest.mark.parametrize("event", n.EVENTS)
def test_french_defaults_stay_in_gsm7(event):
	"""One ê or ç would make the SMS UCS-2 (70 characters a part instead of 160)."""
	text = n.check_template(n.DEFAULT_TEMPLATES[(event, "fr")], "fr")
	assert sms_segments(text).encoding == "GSM-7", sms_segments(text).non_gsm


def test_defaults_use_only_known_placeholders():
	for body in n.DEFAULT_TEMPLATES.values():
		n.render(body, SAMPLE_CONTEXT["fr"])  # StrictUndefined: an unknown name raises
