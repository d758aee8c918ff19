"""What Frappe and ERPNext v15/v16 accept, as far as this app's files rely on it.

Hand-kept: the field types Frappe knows, the standard doctypes and roles this app links to,
and the fields of ERPNext doctypes that the custom fields are inserted after. When the app
starts linking to another standard doctype, add it here (with its `istable` flag).
"""

FIELD_TYPES = frozenset(
	{
		"Autocomplete", "Attach", "Attach Image", "Barcode", "Button", "Check", "Code", "Color",
		"Column Break", "Currency", "Data", "Date", "Datetime", "Duration", "Dynamic Link", "Float",
		"Fold", "Geolocation", "Heading", "HTML", "HTML Editor", "Icon", "Image", "Int", "JSON", "Link",
		"Long Text", "Markdown Editor", "Password", "Percent", "Phone", "Read Only", "Rating",
		"Section Break", "Select", "Signature", "Small Text", "Tab Break", "Table", "Table MultiSelect",
		"Text", "Text Editor", "Time",
	}
)  # fmt: skip
NO_VALUE_TYPES = frozenset(
	{"Section Break", "Column Break", "Tab Break", "HTML", "Button", "Image", "Fold", "Heading"}
)
DATA_OPTIONS = frozenset({"", "Email", "Name", "Phone", "URL", "Barcode", "IBAN"})

# Columns every table has; a field may not reuse these names.
RESERVED_FIELDNAMES = frozenset(
	{
		"name", "owner", "creation", "modified", "modified_by", "parent", "parentfield", "parenttype",
		"idx", "docstatus", "doctype", "_user_tags", "_comments", "_assign", "_liked_by", "_seen",
	}
)  # fmt: skip

# Standard doctypes this app links to: name -> is it a child table?
STANDARD_DOCTYPES = {
	"User": False, "Role": False, "Address": False, "Contact": False, "Currency": False,
	"Customer": False, "Item": False, "Issue": False, "Employee": False, "Subscription": False,
	"Sales Invoice": False, "Payment Entry": False, "UOM": False, "Warehouse": False,
	"Company": False, "Stock Entry": False, "Communication": False, "File": False,
	"DocType": False, "Portal User": True, "Account": False, "Mode of Payment": False,
	"Journal Entry": False,
	"Terms and Conditions": False,
}  # fmt: skip

# Fields of the standard doctypes that custom fields are inserted after.
STANDARD_FIELDS = {
	"Customer": {
		"customer_name",
		"customer_type",
		"customer_group",
		"territory",
		"companies",
		"portal_users",
	},
	"Subscription": {"party_type", "party", "company", "status", "start_date", "end_date"},
	"Issue": {"subject", "customer", "customer_name", "status", "priority", "raised_by", "issue_type"},
	"Sales Invoice": {"customer", "customer_name", "posting_date", "due_date", "company"},
	"Contact": {
		"first_name",
		"last_name",
		"email_id",
		"mobile_no",
		"phone",
		"is_primary_contact",
		"unsubscribed",
	},
}

# Roles Frappe and ERPNext create.
STANDARD_ROLES = frozenset(
	{
		"Administrator", "System Manager", "Guest", "All", "Desk User", "Website Manager",
		"Customer", "Supplier", "Employee", "Accounts User", "Accounts Manager", "Stock User",
		"Stock Manager", "Sales User", "Sales Manager", "Support Team", "Projects User",
	}
)  # fmt: skip

# Module names Frappe, ERPNext and HRMS already use: an app reusing one breaks Module Def.
TAKEN_MODULES = frozenset(
	{
		"Core", "Website", "Workflow", "Email", "Custom", "Geo", "Desk", "Integrations", "Printing",
		"Contacts", "Social", "Automation", "Accounts", "CRM", "Buying", "Projects", "Selling", "Setup",
		"Manufacturing", "Stock", "Support", "Utilities", "Assets", "Portal", "Maintenance", "Regional",
		"ERPNext Integrations", "Quality Management", "Communication", "Telephony", "Bulk Transaction",
		"Subcontracting", "EDI", "HR", "Payroll", "Payments", "Helpdesk",
	}
)  # fmt: skip

NAMING_RULES = frozenset(
	{"Set by user", "Autoincrement", "By fieldname", 'By "Naming Series" field', "Expression",
	 "Expression (old style)", "Random", "UUID", "By script"}
)  # fmt: skip
PERMISSION_RIGHTS = frozenset(
	{"read", "write", "create", "delete", "submit", "cancel", "amend", "report", "export", "import",
	 "share", "print", "email", "select", "if_owner", "permlevel", "role"}
)  # fmt: skip
