#!/usr/bin/env bash
# Install → uninstall → install the app on a site of a real bench, checking at each step what
# of the app is there (gigafibre_fsm.setup.install_cycle.report): nothing of it after the
# uninstall (roles included), all of it after each install. Usage: install_cycle.sh BENCH SITE
# The site's data of the app is dropped by the uninstall: use a test site.
set -euo pipefail
bench_dir=$(cd "$1" && pwd)
site=${2:-test.localhost}
frappe() { (cd "$bench_dir/sites" && "$bench_dir/env/bin/python" -m frappe.utils.bench_helper frappe "$@"); }
# not `bench execute`: it refuses a method of an app the site does not have (after uninstall)
report() {
	(cd "$bench_dir/sites" && "$bench_dir/env/bin/python" -c "import frappe
frappe.init(site='$site', sites_path='.')
frappe.connect()
from gigafibre_fsm.setup.install_cycle import report
report()" | tail -n 1)
}
expect() { # expect WHAT JSON PYTHON-CONDITION
	if ! python3 -c "import json,sys; r=json.loads(sys.argv[1]); sys.exit(0 if ($3) else 1)" "$2"; then
		echo "install cycle on $site: FAILED after $1: $2"
		exit 1
	fi
	echo "install cycle on $site: after $1: $2"
}
installed='r["installed"] and len(r["roles"]) == 4 and r["doctypes"] > 0 and r["custom_fields"] > 0 and r["workspaces"] > 0'
gone='not r["installed"] and not r["roles"] and r["users_with_roles"] == 0 and r["doctypes"] == 0 and r["custom_fields"] == 0 and r["workspaces"] == 0'

installed_apps=$(frappe --site "$site" list-apps 2>/dev/null || true)
grep -q '^gigafibre_fsm' <<<"$installed_apps" || frappe --site "$site" install-app gigafibre_fsm
expect "install" "$(report)" "$installed"
frappe --site "$site" uninstall-app gigafibre_fsm --yes --no-backup
expect "uninstall" "$(report)" "$gone"
frappe --site "$site" install-app gigafibre_fsm
expect "reinstall" "$(report)" "$installed"
echo "install cycle on $site: passed"
