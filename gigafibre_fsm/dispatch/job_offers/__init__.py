"""Offering a job to eligible technicians: tokens, expiry, and who wins the acceptance race."""

from .offers import (
	OFFER_SMS,
	TOKEN_BYTES,
	Accepted,
	JobState,
	JobStatus,
	Offer,
	RefusalReason,
	Refused,
	decide_acceptance,
	make_offers,
	new_offer_token,
	offer_link,
	offer_sms_text,
	offers_to_withdraw,
)

__all__ = [
	"OFFER_SMS",
	"TOKEN_BYTES",
	"Accepted",
	"JobState",
	"JobStatus",
	"Offer",
	"RefusalReason",
	"Refused",
	"decide_acceptance",
	"make_offers",
	"new_offer_token",
	"offer_link",
	"offer_sms_text",
	"offers_to_withdraw",
]
