"""What an installed app leaves on a site, read by tests/bench/install_cycle.sh.

The script installs, uninstalls and reinstalls the app and calls `report` in between with
the bench's Python: an uninstalled app must
leave nothing of its own behind, an installed one must have all of it.
"""

import json

import frappe

from gigafibre_fsm.setup.uninstall import app_roles


def report() -> None:
	"""Print, as JSON, what of the app is on the site: roles, doctypes, custom fields, workspaces."""
	modules = frappe.get_all("Module Def", filters={"app_name": "gigafibre_fsm"}, pluck="name")
	module_names = modules or ["Subscribers", "Dispatch", "Network", "Messaging", "Billing"]
	print(
		json.dumps(
			{
				"installed": "gigafibre_fsm" in frappe.get_installed_apps(),
				"roles": sorted(frappe.get_all("Role", filters={"name": ("in", app_roles())}, pluck="name")),
				"users_with_roles": frappe.db.count("Has Role", {"role": ("in", app_roles())}),
				"doctypes": frappe.db.count("DocType", {"module": ("in", module_names)}),
				"custom_fields": frappe.db.count("Custom Field", {"module": ("in", module_names)}),
				"workspaces": frappe.db.count("Workspace", {"module": ("in", module_names)}),
			},
			sort_keys=True,
		)
	)
