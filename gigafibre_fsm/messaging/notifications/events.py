"""The moments the customer is texted, and the rules that differ between them."""

APPOINTMENT_BOOKED = "Appointment Booked"
APPOINTMENT_MOVED = "Appointment Moved"
APPOINTMENT_CANCELLED = "Appointment Cancelled"
TECHNICIAN_ON_THE_WAY = "Technician On The Way"
JOB_DONE = "Job Done"
INVOICE_DUE = "Invoice Due"
INVOICE_PAID = "Invoice Paid"
PAYMENT_FAILED = "Payment Failed"
OUTAGE_ON_YOUR_LINE = "Outage On Your Line"
OUTAGE_RESOLVED = "Outage Resolved"
SIGN_IN_CODE = "Sign-in Code"

EVENTS = (
	APPOINTMENT_BOOKED,
	APPOINTMENT_MOVED,
	APPOINTMENT_CANCELLED,
	TECHNICIAN_ON_THE_WAY,
	JOB_DONE,
	INVOICE_DUE,
	INVOICE_PAID,
	PAYMENT_FAILED,
	OUTAGE_ON_YOUR_LINE,
	OUTAGE_RESOLVED,
	SIGN_IN_CODE,
)

# An outage is news the customer wants at any hour (their internet is down, or back); a sign-in
# code is useless an hour late. Everything else waits for the end of the quiet hours.
IGNORE_QUIET_HOURS = frozenset({OUTAGE_ON_YOUR_LINE, OUTAGE_RESOLVED, SIGN_IN_CODE})

# A sign-in code is the customer's own request, not an automatic message: an opt-out does not
# stop it (Twilio itself still refuses it, error 21610, to a number that texted STOP to ours).
CUSTOMER_REQUESTED = frozenset({SIGN_IN_CODE})

# Never de-duplicated by document: each code is its own message.
NOT_DEDUPLICATED = frozenset({SIGN_IN_CODE})

# A newer one of these replaces an older one still waiting for the end of the quiet hours
# (two moves in the night: only the last time is worth texting at 8:00).
SUPERSEDES = {
	APPOINTMENT_BOOKED: frozenset({APPOINTMENT_BOOKED, APPOINTMENT_MOVED}),
	APPOINTMENT_MOVED: frozenset({APPOINTMENT_BOOKED, APPOINTMENT_MOVED}),
	APPOINTMENT_CANCELLED: frozenset({APPOINTMENT_BOOKED, APPOINTMENT_MOVED, TECHNICIAN_ON_THE_WAY}),
	OUTAGE_RESOLVED: frozenset({OUTAGE_ON_YOUR_LINE}),
}
