"""Each static check fails when its rule is broken: proven on broken copies of the app."""

import json
import shutil

import pytest

from tests.static import app_rules

from .conftest import APP


def _edit_json(path, edit):
	data = json.loads(path.read_text())
	edit(data)
	path.write_text(json.dumps(data, indent=1))


def _field(doc, fieldname):
	return next(f for f in doc["fields"] if f["fieldname"] == fieldname)


def _job(app):
	return app / "dispatch" / "doctype" / "dispatch_job" / "dispatch_job.json"


def _tag_link(app):
	return app / "dispatch" / "doctype" / "dispatch_job_tag" / "dispatch_job_tag.json"


def _dispatch_workspace(app):
	return app / "dispatch" / "workspace" / "dispatch" / "dispatch.json"


BREAKAGES = {
	"unknown fieldtype": (
		app_rules.check_doctypes,
		lambda app: _edit_json(_job(app), lambda d: _field(d, "subject").update(fieldtype="Strng")),
		"unknown fieldtype Strng",
	),
	"link to a doctype that exists nowhere": (
		app_rules.check_doctypes,
		lambda app: _edit_json(_job(app), lambda d: _field(d, "issue").update(options="Ticket")),
		"neither in the app nor a known standard doctype",
	),
	"table of a doctype that is not a child table": (
		app_rules.check_doctypes,
		lambda app: _edit_json(_tag_link(app), lambda d: d.update(istable=0)),
		"which is not a child table",
	),
	"select default not among its options": (
		app_rules.check_doctypes,
		lambda app: _edit_json(_job(app), lambda d: _field(d, "status").update(default="Pending")),
		"default Pending is not one of its options",
	),
	"autoname naming a missing field": (
		app_rules.check_doctypes,
		lambda app: _edit_json(
			app / "dispatch" / "doctype" / "dispatch_tag" / "dispatch_tag.json",
			lambda d: d.update(autoname="field:label"),
		),
		"autoname field:label names no field",
	),
	"malformed naming series": (
		app_rules.check_doctypes,
		lambda app: _edit_json(
			app / "subscribers" / "doctype" / "service_location" / "service_location.json",
			lambda d: d.update(autoname="LOC-#####"),
		),
		"is not a series like PREFIX-.#####",
	),
	"permission for a role that does not exist": (
		app_rules.check_doctypes,
		lambda app: _edit_json(
			_job(app), lambda d: d["permissions"].append({"role": "Dispatch Boss", "read": 1})
		),
		"unknown role Dispatch Boss",
	),
	"controller class misnamed": (
		app_rules.check_doctypes,
		lambda app: (app / "dispatch/doctype/dispatch_tag/dispatch_tag.py").write_text(
			"from frappe.model.document import Document\n\n\nclass Dispatch_Tag(Document):\n\tpass\n"
		),
		"defines no class DispatchTag",
	),
	"controller missing": (
		app_rules.check_doctypes,
		lambda app: (app / "dispatch/doctype/dispatch_tag/dispatch_tag.py").unlink(),
		"no controller dispatch_tag.py",
	),
	"hooks path to a function that does not exist": (
		app_rules.check_hooks,
		lambda app: (app / "hooks.py").write_text(
			(app / "hooks.py").read_text().replace("install.after_install", "install.after_instal")
		),
		"defines no after_instal",
	),
	"hooks path to a module that does not exist": (
		app_rules.check_hooks,
		lambda app: (app / "hooks.py").write_text(
			(app / "hooks.py").read_text().replace("overrides.issue_dashboard", "overrides.issue_dashboards")
		),
		"no module gigafibre_fsm.overrides.issue_dashboards",
	),
	"required app without its organisation": (
		app_rules.check_hooks,
		lambda app: (app / "hooks.py").write_text(
			(app / "hooks.py").read_text().replace('"frappe/erpnext"', '"erpnext"')
		),
		"required app 'erpnext' is not named as organisation/app",
	),
	"patch that does not exist": (
		app_rules.check_patches,
		lambda app: (app / "patches.txt").write_text(
			(app / "patches.txt").read_text() + "gigafibre_fsm.patches.v0_1.rename_everything\n"
		),
		"no module gigafibre_fsm.patches.v0_1.rename_everything",
	),
	"custom field inserted after a field that does not exist": (
		app_rules.check_fixtures,
		lambda app: _edit_json(
			app / "fixtures" / "custom_field.json", lambda d: d[0].update(insert_after="no_such_field")
		),
		"insert_after no_such_field",
	),
	"core importing frappe": (
		app_rules.check_core_is_framework_free,
		lambda app: (app / "dispatch" / "job_rules.py").write_text(
			"import frappe\n" + (app / "dispatch" / "job_rules.py").read_text()
		),
		"dispatch/job_rules.py imports frappe",
	),
	"module name Frappe already uses": (
		app_rules.check_modules,
		lambda app: (app / "modules.txt").write_text("Telephony\n" + (app / "modules.txt").read_text()),
		"Telephony is already a Frappe/ERPNext module",
	),
	"translation missing": (
		app_rules.check_translations,
		lambda app: (app / "dispatch" / "job_rules.py").write_text(
			(app / "dispatch" / "job_rules.py").read_text() + '\nNEW = _("A sentence nobody translated")\n'
		),
		"no French translation for 'A sentence nobody translated'",
	),
	"workspace link to a doctype that does not exist": (
		app_rules.check_workspaces,
		lambda app: _edit_json(
			_dispatch_workspace(app),
			lambda d: next(link for link in d["links"] if link.get("link_to") == "Dispatch Tag").update(
				link_to="Dispatch Label"
			),
		),
		"links to DocType Dispatch Label",
	),
	"workspace shortcut to a page that does not exist": (
		app_rules.check_workspaces,
		lambda app: _edit_json(
			_dispatch_workspace(app),
			lambda d: next(s for s in d["shortcuts"] if s["type"] == "Page").update(link_to="dispatch-bored"),
		),
		"links to Page dispatch-bored",
	),
	"workspace card without its card break": (
		app_rules.check_workspaces,
		lambda app: _edit_json(
			_dispatch_workspace(app),
			lambda d: d.update(links=[link for link in d["links"] if link.get("label") != "Settings"]),
		),
		"card Settings has no Card Break",
	),
	"page without its script": (
		app_rules.check_pages,
		lambda app: (app / "dispatch" / "page" / "dispatch_board" / "dispatch_board.js").unlink(),
		"no dispatch_board.js",
	),
	"shortcut count format not translated": (
		app_rules.check_translations,
		lambda app: _edit_json(
			_dispatch_workspace(app),
			lambda d: next(s for s in d["shortcuts"] if s.get("format")).update(format="{} Waiting"),
		),
		"no French translation for '{} Waiting'",
	),
	"test_ignore outside a doctype folder": (
		app_rules.check_frappe_v16_ready,
		lambda app: (app / "dispatch" / "services" / "test_technician_page.py").write_text(
			(app / "dispatch" / "services" / "test_technician_page.py").read_text() + "\ntest_ignore = []\n"
		),
		"test_ignore outside a doctype folder",
	),
	"flags.in_test read directly": (
		app_rules.check_frappe_v16_ready,
		lambda app: (app / "dispatch" / "job_rules.py").write_text(
			(app / "dispatch" / "job_rules.py").read_text() + "\nIN_TEST = frappe.flags.in_test\n"
		),
		"flags.in_test (use services.frappe_versions.in_test)",
	),
	"workspace without its app": (
		app_rules.check_frappe_v16_ready,
		lambda app: _edit_json(_dispatch_workspace(app), lambda d: d.pop("app")),
		"workspace Dispatch: no app 'gigafibre_fsm'",
	),
}


@pytest.mark.parametrize("breakage", BREAKAGES, ids=str)
def test_check_fails_on_broken_copy(tmp_path, breakage):
	check, break_it, expected = BREAKAGES[breakage]
	copy = tmp_path / APP.name
	shutil.copytree(APP, copy, ignore=shutil.ignore_patterns("__pycache__"))
	before = check(copy)
	break_it(copy)
	after = check(copy)
	new = [p for p in after if p not in before]
	assert any(expected in p for p in new), f"{check.__name__} missed it; it said: {new}"
