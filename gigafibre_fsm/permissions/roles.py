"""The roles of the app and the role sets that guard its pages and methods, declared once.

Plain data: every whitelisted method, page and permission hook takes its roles from here, so
giving a role more or less access is a change in one file.
"""

ADMINISTRATOR = "Administrator"
SYSTEM_MANAGER = "System Manager"
DISPATCHER = "Dispatcher"
NOC_OPERATOR = "NOC Operator"
BILLING_AGENT = "Billing Agent"
FIELD_TECHNICIAN = "Field Technician"
CUSTOMER = "Customer"  # ERPNext's role for portal users of a Customer
GUEST = "Guest"

# Staff: their access is what the doctypes' role permissions say, over every record.
STAFF = frozenset({ADMINISTRATOR, SYSTEM_MANAGER, DISPATCHER, NOC_OPERATOR, BILLING_AGENT})

# Who may call what (a method checks one of these sets before anything else).
DISPATCH = frozenset({DISPATCHER, SYSTEM_MANAGER})  # plan, move, offer jobs; the board
NOC = frozenset({NOC_OPERATOR, SYSTEM_MANAGER})  # ACS, OLTs, the modem bridge, factory reset
NETWORK_OFFICE = NOC | {DISPATCHER}  # read-only network views for the office
DEVICE_USERS = NETWORK_OFFICE | {FIELD_TECHNICIAN}  # device diagnostics (technicians: own jobs)
MESSAGING = frozenset({SYSTEM_MANAGER, DISPATCHER, NOC_OPERATOR, BILLING_AGENT})  # SMS
BILLING = frozenset({BILLING_AGENT, SYSTEM_MANAGER})  # payments, refunds, card setup
TECHNICIAN_PAGE = DISPATCH | {FIELD_TECHNICIAN}  # the phone page and moving one's own job
APPOINTMENT = STAFF | {FIELD_TECHNICIAN, CUSTOMER}  # a job's .ics (then: may they read the job)
REBOOKING = DISPATCH | {CUSTOMER}  # move or cancel an appointment (customers: their own, in time)


def is_staff(roles) -> bool:
	"""True if any of `roles` is a staff role (role permissions decide, over all records)."""
	return bool(STAFF & set(roles))


def audiences(roles) -> frozenset[str]:
	"""The restricted audiences a user with `roles` belongs to: "technician", "customer", both
	or none. Staff belong to none: nothing narrows them."""
	roles = set(roles)
	if is_staff(roles):
		return frozenset()
	found = set()
	if FIELD_TECHNICIAN in roles:
		found.add("technician")
	if CUSTOMER in roles:
		found.add("customer")
	return frozenset(found)
