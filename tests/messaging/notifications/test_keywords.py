import pytest

from gigafibre_fsm.messaging import notifications as n
from gigafibre_fsm.messaging.sms import sms_segments


@pytest.mark.parametrize("word", ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"])
def test_twilios_opt_out_keywords(word):
	for body in (word, word.lower(), f"  {word.title()}\n"):
		kw = n.classify(body)
		assert kw.action == n.OPT_OUT and kw.answered_by_twilio and kw.language == "en"


@pytest.mark.parametrize("word", ["START", "YES", "UNSTOP"])
def test_twilios_opt_in_keywords(word):
	kw = n.classify(word.lower())
	assert kw.action == n.OPT_IN and kw.answered_by_twilio


@pytest.mark.parametrize("word", ["HELP", "INFO"])
def test_twilios_help_keywords(word):
	assert n.classify(word).action == n.HELP


@pytest.mark.parametrize("body", ["ARRET", "ARRÊT", "arrêt", " Arret ", "ARRÉT"])
def test_french_opt_out(body):
	kw = n.classify(body)
	assert kw.action == n.OPT_OUT and kw.keyword == "ARRET" and kw.language == "fr"
	assert not kw.answered_by_twilio  # Twilio does not know it: this site answers


@pytest.mark.parametrize("body", ["AIDE", "aide", "Aide\n"])
def test_french_help(body):
	kw = n.classify(body)
	assert kw.action == n.HELP and kw.language == "fr" and not kw.answered_by_twilio


@pytest.mark.parametrize(
	"body", ["", None, "stop calling me", "please STOP", "STOP!", "arrêtez", "bonjour", "S T O P", "OK"]
)
def test_ordinary_messages_are_not_keywords(body):
	assert n.classify(body) is None


def test_this_site_answers_only_what_twilio_does_not():
	assert n.reply_for(n.classify("STOP"), "Gigafibre") is None
	assert n.reply_for(n.classify("HELP"), "Gigafibre") is None
	assert n.reply_for(n.classify("START"), "Gigafibre") is None
	stop = n.reply_for(n.classify("ARRÊT"), "Gigafibre")
	assert stop.startswith("Gigafibre : ") and "START" in stop
	help_text = n.reply_for(n.classify("aide"), "Gigafibre", "514 555-0100")
	assert "514 555-0100" in help_text and "ARRET" in help_text
	assert "ou au" not in n.reply_for(n.classify("aide"), "Gigafibre")


def test_french_replies_are_one_gsm7_segment():
	for body in ("ARRET", "AIDE"):
		text = n.reply_for(n.classify(body), "Gigafibre", "1 888 555-0100")
		segments = sms_segments(text)
		assert segments.encoding == "GSM-7" and segments.segments == 1, (text, segments)
