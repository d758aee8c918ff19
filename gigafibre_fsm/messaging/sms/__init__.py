"""SMS through Twilio: phone numbers, the Twilio adapter, webhook parsing, status order."""

from gigafibre_fsm.messaging.sms.phone import (
	DEFAULT_REGION,
	last_digits,
	normalise_phone,
	try_normalise_phone,
)
from gigafibre_fsm.messaging.sms.segments import SmsSegments, sms_segments
from gigafibre_fsm.messaging.sms.status import (
	FAILED_STATUSES,
	FINAL_STATUSES,
	STATUS_LABELS,
	STATUS_RANK,
	is_known_status,
	status_advances,
	status_label,
	twilio_status,
)
from gigafibre_fsm.messaging.sms.twilio import (
	MAX_BODY_CHARACTERS,
	InboundSms,
	SentSms,
	StatusCallback,
	TwilioOutcomeUnknown,
	TwilioRejected,
	TwilioSms,
	TwilioUnreachable,
	check_body,
	normalise_sender,
	parse_inbound,
	parse_status_callback,
	verify_webhook,
)

__all__ = [
	"DEFAULT_REGION",
	"FAILED_STATUSES",
	"FINAL_STATUSES",
	"MAX_BODY_CHARACTERS",
	"STATUS_LABELS",
	"STATUS_RANK",
	"InboundSms",
	"SentSms",
	"SmsSegments",
	"StatusCallback",
	"TwilioOutcomeUnknown",
	"TwilioRejected",
	"TwilioSms",
	"TwilioUnreachable",
	"check_body",
	"is_known_status",
	"last_digits",
	"normalise_phone",
	"normalise_sender",
	"parse_inbound",
	"parse_status_callback",
	"sms_segments",
	"status_advances",
	"status_label",
	"try_normalise_phone",
	"twilio_status",
	"verify_webhook",
]
