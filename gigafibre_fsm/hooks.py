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
# French comes from locale/fr.po: compiled here too, so that a site needs no `bench build`
after_migrate = [
	"gigafibre_fsm.setup.translations.compile_catalogues",
	# Messaging: the default customer notification templates that are missing (never overwrites)
	"gigafibre_fsm.messaging.services.notifications.install_default_templates",
	# Billing: Payment Entries are found by Stripe's id with a locking read, on an index
	"gigafibre_fsm.billing.services.payments.ensure_reference_index",
]

# Fixtures: roles, and the custom fields this app adds to ERPNext doctypes
# ------------------------------------------------------------------------
fixtures = [
	{
		"dt": "Role",
		"filters": [["name", "in", ["Dispatcher", "Field Technician", "NOC Operator", "Billing Agent"]]],
	},
	{
		"dt": "Custom Field",
		"filters": [["module", "in", ["Subscribers", "Dispatch", "Network", "Billing", "Messaging"]]],
	},
]

# Portal: technicians land on their jobs
# ---------------------------------------
role_home_page = {"Field Technician": "technician", "Customer": "me"}  # customers: their /me pages
standard_portal_menu_items = [
	{"title": "My Jobs", "route": "/technician", "role": "Field Technician"},
	{"title": "My account", "route": "/me", "role": "Customer"},
]

# Permissions: one layer (gigafibre_fsm/permissions/) narrows every doctype of the app for
# customers (their own Customer's records) and field technicians (their jobs and what hangs off
# them); staff keep what their roles grant. Child tables follow their parent in lists.
# ---------------------------------------------------------------------------------------------
_SCOPED_DOCTYPES = [
	"Appointment Hold", "Billing Settings", "Customer Notification", "Customer Notification Template",
	"Dispatch Job", "Dispatch Job Offer", "Dispatch Job Series", "Dispatch Settings", "Dispatch Tag",
	"Dispatch Technician", "Dispatch Technician Absence", "Messaging Settings", "Network Settings",
	"Network Webhook Event", "OLT", "ONU State Change", "Outage Incident", "PPA Attempt",
	"Saved Payment Method", "Served Address", "Service Contract", "Service Equipment", "Service Location",
	"Service Network Change", "Service Order", "Service Subscription", "Sign-in Challenge",
	"SMS Conversation", "SMS Message", "Stripe Dispute", "Stripe Event",
]  # fmt: skip
_CHILD_TABLES = [
	"Dispatch Extra Shift", "Dispatch Job Assistant", "Dispatch Job Equipment", "Dispatch Job Material",
	"Dispatch Job Tag", "Dispatch Technician Skill", "Dispatch Weekly Shift", "Outage Affected Location",
	"Service Equipment Move", "Service Subscription Status Change",
	"Service Contract Line",
	"Service Order Line", "Service Order Step",
]  # fmt: skip
permission_query_conditions = {
	doctype: "gigafibre_fsm.permissions.services.doctype_permissions.query_conditions"
	for doctype in _SCOPED_DOCTYPES + _CHILD_TABLES
}
has_permission = {
	doctype: "gigafibre_fsm.permissions.services.doctype_permissions.has_permission"
	for doctype in _SCOPED_DOCTYPES
}
# Frappe methods that read past permission_query_conditions (v15): get_count counts whole tables,
# link search skips the conditions when the caller asks it to ignore user permissions.
override_whitelisted_methods = {
	"frappe.client.get_count": "gigafibre_fsm.permissions.services.rest.get_count",
	"frappe.desk.search.search_link": "gigafibre_fsm.permissions.services.rest.search_link",
	"frappe.desk.search.search_widget": "gigafibre_fsm.permissions.services.rest.search_widget",
}
# Every whitelisted method declares its argument types (enforced by Frappe v16).
require_type_annotated_api_methods = True

# Desk scripts on ERPNext forms
# -----------------------------
doctype_js = {
	# Billing: a Stripe payment link and refunds on a submitted Sales Invoice
	"Sales Invoice": "billing/client/sales_invoice.js",
	# Subscribers: what the last suspension or reactivation did on the network
	"Service Subscription": "billing/client/service_subscription.js",
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
	# Billing: paying an invoice whose pre-authorised tries ran out reactivates the services
	"Payment Entry": {
		"on_submit": [
			"gigafibre_fsm.billing.services.suspension.reactivate_after_payment",
			# Messaging: the customer is thanked for the payment (after commit, in a job)
			"gigafibre_fsm.messaging.services.notifications.on_payment_entry_submit",
		],
	},
	# Messaging: the customer is texted when their appointment is booked, moved or cancelled,
	# when the technician is on the way and when the job is done (after commit, in a job)
	"Dispatch Job": {
		"on_update": [
			"gigafibre_fsm.messaging.services.notifications.on_dispatch_job_update",
			# Sales: the installation done completes its online order
			"gigafibre_fsm.sales.services.orders.on_dispatch_job_update",
		],
	},
	# Billing: an active Service Subscription is billed by an ERPNext Subscription; a suspension or
	# reactivation is carried to its devices (an ACS tag, in a background job)
	"Service Subscription": {
		"on_update": [
			"gigafibre_fsm.billing.services.subscriptions.sync_erpnext_subscription",
			"gigafibre_fsm.subscribers.services.network_changes.on_subscription_update",
		],
	},
}

# Dashboards: an Issue shows its dispatch jobs
# --------------------------------------------
override_doctype_dashboards = {
	"Issue": "gigafibre_fsm.overrides.issue_dashboard.get_dashboard_data",
	"Service Subscription": "gigafibre_fsm.subscribers.services.network_changes.subscription_dashboard",
	# Billing: an invoice lists the Stripe disputes of its payments
	"Sales Invoice": "gigafibre_fsm.billing.services.disputes.invoice_dashboard",
}

# Scheduler: events only enqueue or do a quick sweep; the work runs in background jobs
# ---------------------------------------------------------------------------------
scheduler_events = {
	"cron": {
		# Dispatch
		"*/10 * * * *": [
			"gigafibre_fsm.dispatch.services.job_offers.expire_offers",
			# Dispatch: appointment holds past their minutes (they already block no one)
			"gigafibre_fsm.dispatch.services.appointment_slots.expire_lapsed_holds",
		],
		# Network
		"*/5 * * * *": [
			"gigafibre_fsm.network.services.poller.enqueue_device_polls",
			"gigafibre_fsm.network.services.olt.enqueue_olt_walks",
			# Messaging: notifications that waited for the end of the quiet hours; SMS that
			# Twilio never confirmed (no SID), requested again
			"gigafibre_fsm.messaging.services.notifications.send_due_notifications",
			"gigafibre_fsm.messaging.services.sms.retry_unsent",
			# Subscribers: suspensions/reactivations the ACS did not take yet, tried again
			"gigafibre_fsm.subscribers.services.network_changes.retry_due_changes",
			# Sales: an online order's provisioning steps that failed, tried again
			"gigafibre_fsm.sales.services.orders.retry_due_steps",
		],
	},
	"daily": [
		# Sales: online orders left unpaid for two days, cancelled (their slot freed)
		"gigafibre_fsm.sales.services.orders.cancel_abandoned_orders",
		# Customer Portal: sign-in codes and links older than a week
		"gigafibre_fsm.customer_portal.services.sign_in.delete_old_challenges",
		# Dispatch: each repeating series' jobs, created over the rolling horizon (one job per series)
		"gigafibre_fsm.dispatch.services.recurring_jobs.enqueue_series_generation",
		# Messaging: reminders of invoices due in a few days
		"gigafibre_fsm.messaging.services.notifications.enqueue_invoice_reminders",
	],
	"hourly": [
		# Billing: batches of due invoices of customers on pre-authorised payment
		"gigafibre_fsm.billing.services.ppa.enqueue_ppa_runs",
		# Billing: Stripe events whose application failed, tried again
		"gigafibre_fsm.billing.services.webhooks.retry_failed_events",
	],
}
