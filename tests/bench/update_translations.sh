#!/usr/bin/env bash
# Regenerate gigafibre_fsm/locale/main.pot with Frappe's own extractors (the strings Frappe
# translates in doctypes, workspaces, reports, Python, JavaScript and templates), add its new
# messages to every locale/*.po (empty, to be translated), and compile the .mo files the bench
# loads. Usage: update_translations.sh BENCH_DIR
# Unlike `bench update-po-files`, a message the extractors do not find is kept: some strings
# are translated at run time (skill tags, customer types, the core's typed errors).
# tests/static then lists every message still without a French translation.
set -euo pipefail
bench_dir=$(cd "$1" && pwd)
cd "$bench_dir/sites"
"$bench_dir/env/bin/python" - <<'PY'
import frappe

frappe.init(site="", sites_path=".")
# Frappe's navbar extractor imports hooks.py by its path relative to the bench, which fails
# when apps/gigafibre_fsm is a link to a checkout elsewhere (make test-bench makes it one)
import frappe.gettext.extractors.navbar as navbar

navbar.get_bench_path = lambda: "/"
from frappe.gettext.translate import (
	compile_translations,
	generate_pot,
	get_catalog,
	get_locales,
	write_catalog,
)

app = "gigafibre_fsm"
generate_pot(app)
pot = get_catalog(app)
for locale in get_locales(app):
	catalog = get_catalog(app, locale)
	for message in pot:
		if message.id and message.id not in catalog:
			catalog.add(message.id, locations=message.locations, context=message.context)
		elif message.id:
			catalog[message.id].locations = message.locations
	write_catalog(app, catalog, locale)
compile_translations(app, force=True)
PY
