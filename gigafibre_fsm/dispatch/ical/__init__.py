"""Calendars: a technician's iCalendar feed, a customer's appointment .ics, and feed tokens."""

from .feeds import (
	APPOINTMENT_CONTACT,
	APPOINTMENT_SUMMARY,
	PRODID,
	CalendarJob,
	Company,
	appointment_ics,
	job_uid,
	technician_feed,
)
from .tokens import hash_feed_token, new_feed_token, verify_feed_token

__all__ = [
	"APPOINTMENT_CONTACT",
	"APPOINTMENT_SUMMARY",
	"PRODID",
	"CalendarJob",
	"Company",
	"appointment_ics",
	"hash_feed_token",
	"job_uid",
	"new_feed_token",
	"technician_feed",
	"verify_feed_token",
]
