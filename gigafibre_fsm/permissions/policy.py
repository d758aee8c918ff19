"""What a customer and a field technician may do with each doctype of the app: one table.

Staff (`roles.STAFF`) are not in this table: their access is the doctypes' role permissions,
over every record. Customers and technicians only ever get what a row below names, and only on
the records of its scope; any right or doctype not named here is refused to them.

A scope is a name; `services/scopes.py` turns each into the SQL condition that both lists
(`permission_query_conditions`) and single documents (`has_permission`) use, so what a user
can list and what they can open are the same records.
"""

# Scopes: which records of a doctype belong to the user.
ALL = "all"  # every record (reference data such as skill tags)
CUSTOMER = "customer"  # record.customer is one of the user's customers
CUSTOMER_CONVERSATION = "customer_conversation"  # record.conversation is one of theirs
TEAM_JOB = "team_job"  # a Dispatch Job the user leads or assists on
TEAM_LOCATION = "team_location"  # the Service Location of one of those jobs
TEAM_EQUIPMENT = "team_equipment"  # equipment at such a location, or listed on such a job
OPEN_TEAM_EQUIPMENT = "open_team_equipment"  # the same, through jobs not finished yet
TEAM_OUTAGE = "team_outage"  # an outage affecting such a location
SELF_TECHNICIAN = "self_technician"  # the user's own Dispatch Technician record
OWN_TECHNICIAN = "own_technician"  # record.technician is the user's Dispatch Technician

SCOPES = frozenset(
	{
		ALL,
		CUSTOMER,
		CUSTOMER_CONVERSATION,
		TEAM_JOB,
		TEAM_LOCATION,
		TEAM_EQUIPMENT,
		OPEN_TEAM_EQUIPMENT,
		TEAM_OUTAGE,
		SELF_TECHNICIAN,
		OWN_TECHNICIAN,
	}
)

# The rights a restricted user can hold, by family. Anything else (create, delete, submit,
# cancel, amend, share, email, import, set_user_permissions) is staff only.
READ_RIGHTS = frozenset({"read", "select", "print", "report", "export"})
WRITE_RIGHTS = frozenset({"write"})

# Job statuses: "open" jobs still ahead or under way; device tasks only while on the way or on site.
OPEN_JOB_STATUSES = ("Assigned", "En Route", "In Progress")
DEVICE_TASK_JOB_STATUSES = ("En Route", "In Progress")
TECHNICIAN_DEVICE_TASKS = frozenset({"reboot", "refresh"})  # factory reset stays with the NOC

# doctype -> audience -> right family -> scope
DOCTYPES: dict[str, dict[str, dict[str, str]]] = {
	"Dispatch Job": {
		"customer": {"read": CUSTOMER},
		"technician": {"read": TEAM_JOB, "write": TEAM_JOB},  # the controller limits which fields
	},
	"Service Location": {
		"customer": {"read": CUSTOMER},
		"technician": {"read": TEAM_LOCATION},
	},
	"Service Equipment": {
		"customer": {"read": CUSTOMER},
		"technician": {"read": TEAM_EQUIPMENT, "write": OPEN_TEAM_EQUIPMENT},
	},
	"Service Subscription": {"customer": {"read": CUSTOMER}},
	"Service Contract": {"customer": {"read": CUSTOMER}},
	"Service Order": {"customer": {"read": CUSTOMER}},  # once paid, the order is its customer's
	"SMS Conversation": {"customer": {"read": CUSTOMER}},
	"SMS Message": {"customer": {"read": CUSTOMER_CONVERSATION}},
	"Dispatch Technician": {"technician": {"read": SELF_TECHNICIAN}},
	"Dispatch Technician Absence": {"technician": {"read": OWN_TECHNICIAN}},
	"Dispatch Job Offer": {"technician": {"read": OWN_TECHNICIAN}},
	"Dispatch Tag": {"technician": {"read": ALL}},
	"Outage Incident": {"technician": {"read": TEAM_OUTAGE}},
}

# Doctypes no customer or technician may touch, whatever a role permission says.
STAFF_ONLY = frozenset(
	{
		"Appointment Hold",
		"Billing Settings",
		"Customer Notification",
		"Customer Notification Template",
		"PPA Attempt",
		"Saved Payment Method",
		"Sign-in Challenge",  # hashes of sign-in codes and links: staff only, read and delete
		"Stripe Event",
		"Service Network Change",
		"Stripe Dispute",
		"Dispatch Job Series",
		"Dispatch Settings",
		"Messaging Settings",
		"Network Settings",
		"Network Webhook Event",
		"OLT",
		"Served Address",  # the public sees an address's status only through api.sales
		"ONU State Change",
	}
)

# Child tables take their parents' scope (a list of rows is narrowed to the parents one may read).
CHILD_TABLES: dict[str, tuple[str, ...]] = {
	"Dispatch Extra Shift": ("Dispatch Technician",),
	"Dispatch Job Assistant": ("Dispatch Job",),
	"Dispatch Job Equipment": ("Dispatch Job",),
	"Dispatch Job Material": ("Dispatch Job",),
	"Dispatch Job Tag": ("Dispatch Job", "Dispatch Job Series"),
	"Dispatch Technician Skill": ("Dispatch Technician",),
	"Dispatch Weekly Shift": ("Dispatch Technician",),
	"Outage Affected Location": ("Outage Incident",),
	"Service Equipment Move": ("Service Equipment",),
	"Service Subscription Status Change": ("Service Subscription",),
	"Service Contract Line": ("Service Contract",),
	"Service Order Line": ("Service Order",),
	"Service Order Step": ("Service Order",),
}

# Fields that tie a record to its customer or technician: a restricted user never changes them
# (moving a record out of someone's scope, or into their own, is staff's work).
SCOPE_FIELDS = ("customer", "service_location", "technician", "conversation")


def right_family(ptype: str) -> str | None:
	""" "read" or "write" for the rights a restricted user may hold, else None."""
	if ptype in READ_RIGHTS:
		return "read"
	if ptype in WRITE_RIGHTS:
		return "write"
	return None


def scopes_for(doctype: str, audiences, ptype: str) -> list[str]:
	"""The scopes of `doctype` in which users of `audiences` may exercise `ptype` (empty: none).

	A user in two audiences (a technician who is also a customer) gets the union."""
	family = right_family(ptype)
	if family is None:
		return []
	rules = DOCTYPES.get(doctype, {})
	return sorted({rules[a][family] for a in audiences if family in rules.get(a, {})})


def classified(doctype: str) -> bool:
	"""True if the table says who may see `doctype` (a new doctype must be added to it)."""
	return doctype in DOCTYPES or doctype in STAFF_ONLY or doctype in CHILD_TABLES
