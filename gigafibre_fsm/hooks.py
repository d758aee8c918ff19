app_name = "gigafibre_fsm"
app_title = "Gigafibre FSM"
app_publisher = "Gigafibre"
app_description = "Field service and ISP operations for a fibre internet provider"
app_email = "dev@gigafibre.ca"
app_license = "MIT"
# "org/app": v15's installer asks GitHub who owns an app named without its organisation,
# which fails on a server with no internet access
required_apps = ["frappe/erpnext"]

# Installation
# ------------
after_install = "gigafibre_fsm.setup.install.after_install"
before_uninstall = "gigafibre_fsm.setup.uninstall.before_uninstall"

# Fixtures: roles, and the custom fields this app adds to ERPNext doctypes
# ------------------------------------------------------------------------
fixtures = [
	{
		"dt": "Role",
		"filters": [["name", "in", ["Dispatcher", "Field Technician", "NOC Operator", "Billing Agent"]]],
	},
	{"dt": "Custom Field", "filters": [["module", "in", ["Subscribers", "Dispatch", "Network", "Billing"]]]},
]

# Portal: technicians land on their jobs
# ---------------------------------------
role_home_page = {"Field Technician": "technician"}
standard_portal_menu_items = [
	{"title": "My Jobs", "route": "/technician", "role": "Field Technician"},
]

# Permissions beyond roles: technicians see their own jobs, customers their own records
# --------------------------------------------------------------------------------------
permission_query_conditions = {
	"Dispatch Job": "gigafibre_fsm.dispatch.services.permissions.dispatch_job_query",
	"Service Location": "gigafibre_fsm.subscribers.services.permissions.customer_records_query",
	"Service Equipment": "gigafibre_fsm.subscribers.services.permissions.customer_records_query",
	"Service Subscription": "gigafibre_fsm.subscribers.services.permissions.customer_records_query",
}
has_permission = {
	"Dispatch Job": "gigafibre_fsm.dispatch.services.permissions.has_dispatch_job_permission",
	"Service Location": "gigafibre_fsm.subscribers.services.permissions.has_customer_record_permission",
	"Service Equipment": "gigafibre_fsm.subscribers.services.permissions.has_customer_record_permission",
	"Service Subscription": "gigafibre_fsm.subscribers.services.permissions.has_customer_record_permission",
}

# Document events on ERPNext doctypes
# -----------------------------------
doc_events = {
	"Sales Invoice": {
		"validate": "gigafibre_fsm.billing.services.invoice_links.set_portal_link_and_qr_code",
	},
	"Issue": {
		"before_insert": "gigafibre_fsm.network.services.outages.link_new_issue",
	},
}

# Dashboards: an Issue shows its dispatch jobs
# --------------------------------------------
override_doctype_dashboards = {
	"Issue": "gigafibre_fsm.overrides.issue_dashboard.get_dashboard_data",
}

# Scheduler: events only enqueue or do a quick sweep; the work runs in background jobs
# ---------------------------------------------------------------------------------
scheduler_events = {
	"cron": {
		# Dispatch
		"*/10 * * * *": ["gigafibre_fsm.dispatch.services.job_offers.expire_offers"],
		# Network
		"*/5 * * * *": [
			"gigafibre_fsm.network.services.poller.enqueue_device_polls",
			"gigafibre_fsm.network.services.olt.enqueue_olt_walks",
		],
	},
}
