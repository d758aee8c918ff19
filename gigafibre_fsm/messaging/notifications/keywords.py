"""Opt-out keywords: Twilio's, and the French ones Canadian carriers expect.

Twilio (Advanced Opt-Out, on by default for long codes) recognises STOP, STOPALL, UNSUBSCRIBE,
CANCEL, END, QUIT (opt out), START, YES, UNSTOP (opt back in) and HELP, INFO (help), answers
them itself and blocks further messages to a number that opted out (error 21610)
(https://help.twilio.com/articles/223134027-Twilio-support-for-opt-out-keywords-SMS-STOP-filtering-).
A keyword counts only when it is the whole message, whatever its case and the spaces around it.

ARRET / ARRÊT and AIDE are what French-speaking Canadians send (the CWTA's guidelines ask for
them): Twilio knows neither, so this site answers them itself, once per message, in French.
"""

import unicodedata
from dataclasses import dataclass

OPT_OUT = "opt_out"
OPT_IN = "opt_in"
HELP = "help"

TWILIO_KEYWORDS = {
	"STOP": OPT_OUT,
	"STOPALL": OPT_OUT,
	"UNSUBSCRIBE": OPT_OUT,
	"CANCEL": OPT_OUT,
	"END": OPT_OUT,
	"QUIT": OPT_OUT,
	"START": OPT_IN,
	"YES": OPT_IN,
	"UNSTOP": OPT_IN,
	"HELP": HELP,
	"INFO": HELP,
}
FRENCH_KEYWORDS = {"ARRET": OPT_OUT, "AIDE": HELP}  # ARRÊT is read without its accent


@dataclass(frozen=True)
class Keyword:
	action: str  # OPT_OUT, OPT_IN or HELP
	keyword: str  # as recognised, upper case, without accents: "STOP", "ARRET"
	language: str  # the language to answer in: "en" for Twilio's, "fr" for the French ones
	answered_by_twilio: bool  # Twilio sends the reply itself; this site must not add a second


def classify(body: str | None) -> Keyword | None:
	"""The keyword `body` is, or None when it is an ordinary message ("stop calling me" is one)."""
	word = _fold(body or "").strip().upper()
	if not word or any(c.isspace() for c in word):
		return None
	if word in TWILIO_KEYWORDS:
		return Keyword(TWILIO_KEYWORDS[word], word, "en", True)
	if word in FRENCH_KEYWORDS:
		return Keyword(FRENCH_KEYWORDS[word], word, "fr", False)
	return None


def _fold(text: str) -> str:
	"""Without accents: ARRÊT -> ARRET (NFKD, combining marks dropped)."""
	return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# What this site answers to the keywords Twilio does not know. GSM-7 only (é is, ê and ç are not): one segment.
REPLIES = {
	(OPT_OUT, "fr"): (
		"{company} : vous ne recevrez plus nos messages automatiques. Pour les recevoir de nouveau, "
		"répondez START."
	),
	(HELP, "fr"): (
		"{company} : pour de l'aide, écrivez-nous ici{support}. Répondez ARRET pour ne plus recevoir "
		"nos messages automatiques."
	),
}


def reply_for(keyword: Keyword, company: str, support: str = "") -> str | None:
	"""The answer this site sends to `keyword`, or None when Twilio answers it (or nothing must)."""
	if keyword.answered_by_twilio:
		return None
	text = REPLIES.get((keyword.action, keyword.language))
	if text is None:
		return None
	return text.format(company=company or "Gigafibre", support=f" ou au {support}" if support else "")
