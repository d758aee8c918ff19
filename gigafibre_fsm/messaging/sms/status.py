"""The order of a message's delivery statuses, so that a late callback never moves it back.

Twilio posts one status callback per change, but they are separate HTTP requests and may
arrive out of order (a "sent" after the "delivered"), and Twilio may repeat one. A status is
therefore applied only when it is further along than the stored one. The order follows
Twilio's outbound lifecycle: accepted/scheduled/queued < sending < sent < a final status
(delivered, undelivered, failed, canceled, partially_delivered); "read" (WhatsApp/RCS) comes
after "delivered" only. A final failure is never replaced.
"""

# Twilio's status names (lowercase, as in the API and callbacks) and their rank.
STATUS_RANK = {
	"unconfirmed": 0,  # ours: the send request may or may not have reached Twilio
	"accepted": 1,
	"scheduled": 1,
	"queued": 1,
	"receiving": 1,
	"sending": 2,
	"sent": 3,
	"delivered": 4,
	"undelivered": 4,
	"failed": 4,
	"canceled": 4,
	"partially_delivered": 4,
	"received": 4,
	"read": 5,
}
FINAL_STATUSES = frozenset(s for s, rank in STATUS_RANK.items() if rank >= 4)
FAILED_STATUSES = frozenset({"undelivered", "failed", "canceled"})

# The labels stored in the SMS Message doctype's Select field. "read" is shown as "Seen": the
# label "Read" is Frappe's permission verb, and translating it as a status would rename that.
STATUS_LABELS = {status: status.replace("_", " ").title() for status in STATUS_RANK} | {"read": "Seen"}
_BY_LABEL = {label.lower(): status for status, label in STATUS_LABELS.items()}


def status_label(status: str) -> str:
	"""The doctype label of a Twilio status ("partially_delivered" -> "Partially Delivered")."""
	return STATUS_LABELS[twilio_status(status)]


def twilio_status(label_or_status: str) -> str:
	"""The Twilio name of a status given as a label or a Twilio name; KeyError if unknown."""
	text = (label_or_status or "").strip().lower()
	key = _BY_LABEL.get(text, text.replace(" ", "_"))
	if key not in STATUS_RANK:
		raise KeyError(label_or_status)
	return key


def is_known_status(status: str) -> bool:
	try:
		twilio_status(status)
	except KeyError:
		return False
	return True


def status_advances(current: str | None, new: str) -> bool:
	"""Whether `new` may replace `current` (labels or Twilio names; `current` None = no status).

	An unknown `new` status never applies (it is logged by the caller, not stored); an unknown
	`current` is replaced by any known status.
	"""
	if not is_known_status(new):
		return False
	if not current or not is_known_status(current):
		return True
	old, new = twilio_status(current), twilio_status(new)
	if old in FAILED_STATUSES:
		return False
	return STATUS_RANK[new] > STATUS_RANK[old]
