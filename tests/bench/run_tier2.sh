#!/usr/bin/env bash
# Tier 2: install this checkout into a real Frappe/ERPNext bench and run the app's
# integration tests on a site there. Usage: run_tier2.sh BENCH_DIR [SITE]
#
# The bench is built beforehand (README, "Tier 2"); this script only links the app into it,
# installs or migrates it on the site, and runs `run-tests --app gigafibre_fsm`.
# The site must have ERPNext (and Frappe's payments app, which ERPNext's test records link
# to) with ERPNext's `before_tests` setup already run. It calls
# Frappe's own CLI through the bench's Python, which is what `bench --site ...` does, so it
# also works as root where the bench CLI refuses to.
set -euo pipefail
bench_dir=$(cd "$1" && pwd)
site=${2:-test.localhost}
app_dir=$(cd "$(dirname "$0")/../.." && pwd)
frappe() { (cd "$bench_dir/sites" && "$bench_dir/env/bin/python" -m frappe.utils.bench_helper frappe "$@"); }

echo "tier 2: $app_dir on $bench_dir, site $site"
# apps/gigafibre_fsm becomes a link to this checkout (a copy left there by hand is replaced)
if [ -e "$bench_dir/apps/gigafibre_fsm" ] && [ ! -L "$bench_dir/apps/gigafibre_fsm" ]; then
	rm -rf "$bench_dir/apps/gigafibre_fsm"
fi
ln -sfn "$app_dir" "$bench_dir/apps/gigafibre_fsm"
# with the test extras: the tier-2 tests start the same local peers as tier 1 (snmpsim, ...)
"$bench_dir/env/bin/python" -m pip install --quiet -e "$bench_dir/apps/gigafibre_fsm[test]"
grep -qx gigafibre_fsm "$bench_dir/sites/apps.txt" || printf '\ngigafibre_fsm\n' >> "$bench_dir/sites/apps.txt"
sed -i '/^$/d' "$bench_dir/sites/apps.txt"

# Redis must answer for the cache and the queue; the machine starts it, a bench may not.
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 ||
	redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null

# the app-module map is cached: without this, install-app would sync none of the app's doctypes
frappe --site "$site" clear-cache
frappe --site "$site" set-config allow_tests true
# Read the list whole before looking in it: `list-apps | grep -q` under pipefail is false
# whenever grep stops early and list-apps dies of SIGPIPE, which sent installed sites to
# install-app ("already installed") and left them on the old schema.
installed_apps=$(frappe --site "$site" list-apps 2>/dev/null || true)
if grep -q '^gigafibre_fsm' <<<"$installed_apps"; then
	echo "tier 2: gigafibre_fsm is installed on $site: migrate"
	frappe --site "$site" migrate --skip-search-index
else
	echo "tier 2: gigafibre_fsm is not on $site yet: install-app"
	frappe --site "$site" install-app gigafibre_fsm
fi
# Frappe v15's run-tests exits 0 on failures unless CI is set
CI=1 frappe --site "$site" run-tests --app gigafibre_fsm
