"""Static checks of the app's declarative files, the way Frappe reads them.

Each `check_*` function takes the path of the app package (`.../gigafibre_fsm`) and returns a
list of problems, one sentence each, so the tests can run them on the real app and on broken
copies of it. None of them imports frappe.
"""

import ast
import csv
import json
import re
from pathlib import Path

from babel.messages.pofile import read_po

from tests.static import frappe_reference as ref

SHELL_FOLDERS = {
	"tests",
	"api",
	"commands",
	"setup",
	"patches",
	"overrides",
	"www",
	"services",
	"doctype",
	"report",
	"page",
}
SHELL_FILES = {"hooks.py"}


def scrub(name: str) -> str:
	return name.replace(" ", "_").replace("-", "_").lower()


def modules(app: Path) -> list[str]:
	return [m.strip() for m in (app / "modules.txt").read_text().splitlines() if m.strip()]


def doctypes(app: Path) -> dict[str, tuple[Path, dict]]:
	"""Every doctype JSON of the app, by doctype name."""
	found = {}
	for module in modules(app):
		for path in sorted((app / scrub(module) / "doctype").glob("*/*.json")):
			if path.stem == path.parent.name:
				found[json.loads(path.read_text())["name"]] = (path, json.loads(path.read_text()))
	return found


def _defined_names(path: Path) -> set[str]:
	tree = ast.parse(path.read_text())
	names = set()
	for node in tree.body:
		if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
			names.add(node.name)
		elif isinstance(node, ast.Assign):
			names.update(t.id for t in node.targets if isinstance(t, ast.Name))
		elif isinstance(node, ast.ImportFrom):
			names.update(a.asname or a.name for a in node.names)
	return names


def resolve_dotted_path(app: Path, dotted: str) -> str | None:
	"""None if `dotted` names a callable defined in the app, else why not."""
	parts = dotted.split(".")
	if parts[0] != app.name:
		return f"{dotted} is outside the app"
	module, attr = parts[1:-1], parts[-1]
	file = app.joinpath(*module).with_suffix(".py")
	package = app.joinpath(*module, "__init__.py")
	target = file if file.exists() else package if package.exists() else None
	if target is None:
		return f"{dotted}: no module {'.'.join(parts[:-1])}"
	for folder in [app, *(app.joinpath(*module[:i]) for i in range(1, len(module)))]:
		if not (folder / "__init__.py").exists():
			return f"{dotted}: {folder} is not a package (no __init__.py)"
	if attr not in _defined_names(target):
		return f"{dotted}: {target.name} defines no {attr}"
	return None


def check_modules(app: Path) -> list[str]:
	problems = []
	for module in modules(app):
		if module in ref.TAKEN_MODULES:
			problems.append(f"module {module} is already a Frappe/ERPNext module")
		if not (app / scrub(module) / "__init__.py").exists():
			problems.append(f"module {module} has no package folder {scrub(module)}/")
	return problems


def check_doctypes(app: Path) -> list[str]:
	problems = []
	ours = doctypes(app)
	known_roles = ref.STANDARD_ROLES | fixture_roles(app)
	is_table = {name: bool(d.get("istable")) for name, (_, d) in ours.items()} | ref.STANDARD_DOCTYPES
	for name, (path, d) in ours.items():
		where = f"{name} ({path.parent.name})"
		if d.get("doctype") != "DocType":
			problems.append(f"{where}: doctype key is not DocType")
		if scrub(name) != path.parent.name:
			problems.append(f"{where}: folder should be {scrub(name)}")
		if d.get("module") not in modules(app) or scrub(d["module"]) != path.parents[2].name:
			problems.append(f"{where}: module {d.get('module')} does not match modules.txt and its folder")
		fields = d.get("fields", [])
		fieldnames = [f.get("fieldname") for f in fields]
		by_name = {f.get("fieldname"): f for f in fields}
		if len(set(fieldnames)) != len(fieldnames):
			problems.append(f"{where}: duplicate fieldnames")
		if d.get("field_order") != fieldnames:
			problems.append(f"{where}: field_order does not list the fields in order")
		for f in fields:
			problems += _check_field(where, f, by_name, is_table)
		problems += _check_naming(where, d, by_name)
		for key in ("title_field", "image_field", "sort_field"):
			value = d.get(key)
			if value and value not in by_name and value not in ("modified", "creation", "name", "idx"):
				problems.append(f"{where}: {key} {value} is not a field")
		for fieldname in (d.get("search_fields") or "").split(","):
			if fieldname.strip() and fieldname.strip() not in by_name:
				problems.append(f"{where}: search field {fieldname.strip()} is not a field")
		if d.get("istable"):
			if d.get("permissions"):
				problems.append(f"{where}: a child table takes its parent's permissions, it has its own")
		else:
			if not d.get("permissions"):
				problems.append(f"{where}: no permissions, only Administrator could use it")
			for perm in d.get("permissions", []):
				if perm.get("role") not in known_roles:
					problems.append(f"{where}: permission for unknown role {perm.get('role')}")
				unknown = set(perm) - ref.PERMISSION_RIGHTS
				if unknown:
					problems.append(f"{where}: unknown permission keys {sorted(unknown)}")
		problems += _check_controller(where, path, name, d)
	return problems


def _check_field(where, f, by_name, is_table) -> list[str]:
	problems = []
	name, ftype, options = f.get("fieldname", ""), f.get("fieldtype"), f.get("options")
	at = f"{where}.{name}"
	if not re.fullmatch(r"[a-z][a-z0-9_]*", name or "") or len(name) > 64:
		problems.append(f"{at}: fieldname must be lower_snake_case, at most 64 characters")
	if name in ref.RESERVED_FIELDNAMES:
		problems.append(f"{at}: fieldname is reserved by Frappe")
	if ftype not in ref.FIELD_TYPES:
		problems.append(f"{at}: unknown fieldtype {ftype}")
		return problems
	if ftype in ("Link", "Table", "Table MultiSelect"):
		if not options:
			problems.append(f"{at}: {ftype} needs the target doctype in options")
		elif options not in is_table:
			problems.append(
				f"{at}: {ftype} to {options}, which is neither in the app nor a known standard doctype"
			)
		elif ftype in ("Table", "Table MultiSelect") and not is_table[options]:
			problems.append(f"{at}: {ftype} to {options}, which is not a child table")
		elif ftype == "Link" and is_table[options]:
			problems.append(f"{at}: Link to the child table {options}")
	if ftype == "Dynamic Link" and (options not in by_name or by_name[options].get("fieldtype") != "Link"):
		problems.append(f"{at}: Dynamic Link options must name a Link field to DocType")
	if ftype == "Select":
		choices = (options or "").split("\n")
		if not any(c.strip() for c in choices):
			problems.append(f"{at}: Select without options")
		if f.get("default") and f["default"] not in choices:
			problems.append(f"{at}: default {f['default']} is not one of its options")
	if ftype == "Data" and (options or "") not in ref.DATA_OPTIONS:
		problems.append(f"{at}: Data options {options} is not one of {sorted(ref.DATA_OPTIONS)}")
	if ftype in ref.NO_VALUE_TYPES and (f.get("reqd") or f.get("unique")):
		problems.append(f"{at}: a {ftype} holds no value, it cannot be required or unique")
	if f.get("unique") and ftype in ("Text", "Long Text", "Small Text", "Text Editor", "Table", "Check"):
		problems.append(f"{at}: {ftype} cannot carry a unique index")
	fetch = f.get("fetch_from")
	if fetch:
		link = fetch.split(".")[0]
		if by_name.get(link, {}).get("fieldtype") not in ("Link", "Dynamic Link"):
			problems.append(f"{at}: fetch_from {fetch} does not start with a Link field")
	if ftype == "Check" and str(f.get("default", "0")) not in ("0", "1"):
		problems.append(f"{at}: a Check defaults to 0 or 1")
	return problems


def _check_naming(where, d, by_name) -> list[str]:
	problems = []
	autoname, rule = d.get("autoname") or "", d.get("naming_rule")
	if d.get("istable"):
		return problems
	if rule and rule not in ref.NAMING_RULES:
		problems.append(f"{where}: unknown naming_rule {rule}")
	if autoname.startswith("field:"):
		field = by_name.get(autoname[6:])
		if not field:
			problems.append(f"{where}: autoname {autoname} names no field")
		elif not (field.get("reqd") and field.get("unique")):
			problems.append(f"{where}: autoname {autoname} needs a required, unique field")
		if rule and rule != "By fieldname":
			problems.append(f"{where}: autoname {autoname} goes with naming_rule By fieldname")
	elif autoname in ("hash", "Prompt", "autoincrement", "UUID", "uuid"):
		pass
	elif autoname.startswith("naming_series:"):
		if "naming_series" not in by_name:
			problems.append(f"{where}: naming_series autoname without a naming_series field")
	elif autoname:
		if not re.fullmatch(r"[A-Z][A-Z0-9-]*-?\.#{3,}", autoname) and not autoname.startswith("format:"):
			problems.append(f"{where}: autoname {autoname} is not a series like PREFIX-.#####")
		if rule and rule not in ("Expression (old style)", "Expression"):
			problems.append(f"{where}: autoname {autoname} goes with naming_rule Expression (old style)")
	return problems


def _check_controller(where, path: Path, name: str, d: dict) -> list[str]:
	controller = path.with_suffix(".py")
	if not controller.exists():
		return [f"{where}: no controller {controller.name}"]
	cls = name.replace(" ", "").replace("-", "")
	tree = ast.parse(controller.read_text())
	classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
	if cls not in {c.name for c in classes}:
		return [f"{where}: {controller.name} defines no class {cls}"]
	problems = []
	if not (path.parent / "__init__.py").exists():
		problems.append(f"{where}: doctype folder has no __init__.py")
	return problems


def fixture_roles(app: Path) -> set[str]:
	path = app / "fixtures" / "role.json"
	return {r["name"] for r in json.loads(path.read_text())} if path.exists() else set()


def check_fixtures(app: Path) -> list[str]:
	problems = []
	ours = doctypes(app)
	for path in sorted((app / "fixtures").glob("*.json")):
		try:
			records = json.loads(path.read_text())
		except ValueError as e:
			problems.append(f"fixture {path.name}: not JSON ({e})")
			continue
		for record in records:
			if record.get("doctype") == "Custom Field":
				problems += _check_custom_field(app, record, ours)
			elif record.get("doctype") == "Role":
				if record.get("name") != record.get("role_name"):
					problems.append(f"role fixture {record.get('name')}: name and role_name differ")
			else:
				problems.append(f"fixture {path.name}: unexpected doctype {record.get('doctype')}")
	return problems


def _check_custom_field(app, cf, ours) -> list[str]:
	at = f"custom field {cf.get('name')}"
	problems = []
	dt, fieldname = cf.get("dt"), cf.get("fieldname")
	if cf.get("name") != f"{dt}-{fieldname}":
		problems.append(f"{at}: name must be {dt}-{fieldname}")
	if dt not in ref.STANDARD_FIELDS and dt not in ours:
		problems.append(f"{at}: {dt} is not a doctype this app customises")
	if cf.get("module") not in modules(app):
		problems.append(f"{at}: module {cf.get('module')} is not in modules.txt")
	siblings = {c["fieldname"] for c in _all_custom_fields(app) if c.get("dt") == dt}
	if cf.get("insert_after") not in ref.STANDARD_FIELDS.get(dt, set()) | siblings:
		problems.append(f"{at}: insert_after {cf.get('insert_after')} is not a field of {dt}")
	is_table = {n: bool(d.get("istable")) for n, (_, d) in ours.items()} | ref.STANDARD_DOCTYPES
	problems += _check_field(at, {k: v for k, v in cf.items() if k in _FIELD_KEYS}, {}, is_table)
	return problems


_FIELD_KEYS = {"fieldname", "fieldtype", "options", "default", "reqd", "unique", "fetch_from"}


def _all_custom_fields(app: Path) -> list[dict]:
	path = app / "fixtures" / "custom_field.json"
	return json.loads(path.read_text()) if path.exists() else []


def hook_paths(app: Path) -> list[str]:
	"""Every dotted path in hooks.py, however deeply it is nested in dicts and lists."""
	tree = ast.parse((app / "hooks.py").read_text())
	paths = []
	for node in ast.walk(tree):
		if isinstance(node, ast.Constant) and isinstance(node.value, str):
			if node.value.startswith(app.name + ".") and re.fullmatch(r"[\w.]+", node.value):
				paths.append(node.value)
	return paths


def check_hooks(app: Path) -> list[str]:
	problems = []
	hooks = (app / "hooks.py").read_text()
	namespace: dict = {}
	try:
		exec(compile(hooks, "hooks.py", "exec"), namespace)
	except Exception as e:
		return [f"hooks.py does not run on its own: {e}"]
	if namespace.get("app_name") != app.name:
		problems.append(f"hooks.py: app_name is {namespace.get('app_name')}, the package is {app.name}")
	required = namespace.get("required_apps", [])
	if not any(r.split("/")[-1] == "erpnext" for r in required):
		problems.append("hooks.py: required_apps does not name erpnext")
	for required_app in required:
		# a bare name makes Frappe v15's installer ask GitHub who owns it: offline servers fail
		if not re.fullmatch(r"[\w.-]+/[\w.-]+", required_app):
			problems.append(f"hooks.py: required app {required_app!r} is not named as organisation/app")
	for dotted in hook_paths(app):
		why = resolve_dotted_path(app, dotted)
		if why:
			problems.append(f"hooks.py: {why}")
	ours = doctypes(app)
	for key in ("permission_query_conditions", "has_permission", "doc_events", "override_doctype_dashboards"):
		for doctype in namespace.get(key, {}):
			if doctype != "*" and doctype not in ours and doctype not in ref.STANDARD_DOCTYPES:
				problems.append(f"hooks.py: {key} names unknown doctype {doctype}")
	return problems


def check_patches(app: Path) -> list[str]:
	problems = []
	for line in (app / "patches.txt").read_text().splitlines():
		line = line.split("#")[0].strip()
		if not line or line.startswith("["):
			continue
		if line.startswith("execute:"):
			continue
		why = resolve_dotted_path(app, line + ".execute")
		if why:
			problems.append(f"patches.txt: {why}")
	return problems


def _is_shell(app: Path, path: Path) -> bool:
	rel = path.relative_to(app)
	return rel.name in SHELL_FILES or bool(set(rel.parts[:-1]) & SHELL_FOLDERS)


def check_core_is_framework_free(app: Path) -> list[str]:
	"""The functional core and the adapters never import frappe."""
	problems = []
	for path in sorted(app.rglob("*.py")):
		if _is_shell(app, path):
			continue
		for node in ast.walk(ast.parse(path.read_text())):
			names = []
			if isinstance(node, ast.Import):
				names = [a.name for a in node.names]
			elif isinstance(node, ast.ImportFrom) and node.module:
				names = [node.module]
			if any(
				n == "frappe" or n.startswith("frappe.") or n == "erpnext" or n.startswith("erpnext.")
				for n in names
			):
				problems.append(
					f"{path.relative_to(app)} imports frappe/erpnext but is core (line {node.lineno})"
				)
	return problems


# _("...") or __("...") with a literal, in Jinja templates and desk JavaScript
_TEMPLATE_CALL = re.compile(r"""\b(__|_)\(\s*"((?:[^"\\]|\\.)+)"\s*[,)]""")


def _translation_calls(tree: ast.AST) -> set[str]:
	"""The names a module calls to translate: `_`, `frappe._`, and whatever it imports Frappe's or
	the core's `_` as (`from gigafibre_fsm.errors import _ as mark`)."""
	names = {"_"}
	for node in ast.walk(tree):
		if isinstance(node, ast.ImportFrom) and node.module in ("frappe", "gigafibre_fsm.errors"):
			names.update(a.asname for a in node.names if a.name == "_" and a.asname)
	return names


def _is_translation_call(node: ast.AST, names: set[str]) -> bool:
	if not isinstance(node, ast.Call) or not node.args:
		return False
	func = node.func
	called = (isinstance(func, ast.Name) and func.id in names) or (
		isinstance(func, ast.Attribute)
		and func.attr == "_"
		and isinstance(func.value, ast.Name)
		and func.value.id == "frappe"
	)
	return called and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)


def translatable_strings(app: Path) -> set[str]:
	"""The literal strings passed to `_()` (or `frappe._()`, or an alias of the core's `_`) in
	Python and to `__()` in templates and desk JavaScript, the labels, options and descriptions of
	doctypes and custom fields, workspaces' labels, formats and headers, and every message of
	locale/main.pot (what Frappe's own extractors find)."""
	strings = set()
	for path in app.rglob("*.py"):
		tree = ast.parse(path.read_text())
		names = _translation_calls(tree)
		strings.update(node.args[0].value for node in ast.walk(tree) if _is_translation_call(node, names))
	for path in [*app.rglob("*.html"), *app.rglob("*.js")]:
		strings.update(m.group(2) for m in _TEMPLATE_CALL.finditer(path.read_text()))
	fields = [f for _, d in doctypes(app).values() for f in d.get("fields", [])] + _all_custom_fields(app)
	strings.update(doctypes(app))
	strings.update(d["description"] for _, d in doctypes(app).values() if d.get("description"))
	for _path, workspace in workspaces(app).values():
		# the desk shows these through __(): a shortcut's format too ("{} Open" → "19 Open")
		strings.update(v for v in (workspace.get("label"), workspace.get("title")) if v)
		strings.update(link["label"] for link in workspace.get("links", []) if link.get("label"))
		for shortcut in workspace.get("shortcuts", []):
			strings.update(v for v in (shortcut.get("label"), shortcut.get("format")) if v)
		for block in json.loads(workspace.get("content") or "[]"):
			if block.get("type") == "header" and block.get("data", {}).get("text"):
				strings.add(block["data"]["text"])
	for f in fields:
		for key in ("label", "description"):
			if f.get(key):
				strings.add(f[key])
		if f.get("fieldtype") == "Select":
			strings.update(o for o in (f.get("options") or "").split("\n") if o.strip())
	strings.update(_catalogue(app / "locale" / "main.pot"))
	return strings


def _catalogue(path: Path) -> dict[str, str]:
	"""A gettext catalogue's messages, as Frappe reads them (babel): msgid → msgstr."""
	if not path.exists():
		return {}
	with path.open("rb") as fh:
		return {m.id: m.string for m in read_po(fh) if m.id and isinstance(m.id, str)}


def french_translations(app: Path) -> dict[str, str]:
	"""locale/fr.po, which Frappe compiles to the .mo file it loads (v15 and v16)."""
	return _catalogue(app / "locale" / "fr.po")


def check_translations(app: Path) -> list[str]:
	"""Every translatable string has a French translation keeping the same {placeholders}, and
	the app keeps no CSV translations beside its gettext catalogues."""
	problems = []
	if (app / "translations").exists():
		problems.append("translations/ holds CSV translations: they belong in locale/fr.po")
	fr = french_translations(app)
	for source in sorted(translatable_strings(app)):
		if source not in fr or not fr[source].strip():
			problems.append(f"no French translation for {source!r}")
		elif sorted(re.findall(r"\{\w*\}", source)) != sorted(re.findall(r"\{\w*\}", fr[source])):
			problems.append(f"French translation of {source!r} changes its placeholders")
	return problems


def pages(app: Path) -> dict[str, tuple[Path, dict]]:
	"""Every desk Page JSON of the app, by page name (the route, e.g. dispatch-board)."""
	found = {}
	for module in modules(app):
		for path in sorted((app / scrub(module) / "page").glob("*/*.json")):
			if path.stem == path.parent.name:
				found[json.loads(path.read_text())["name"]] = (path, json.loads(path.read_text()))
	return found


def check_pages(app: Path) -> list[str]:
	"""A desk Page sits in <module>/page/<scrubbed name>/ with its .js, and names known roles."""
	problems = []
	known_roles = ref.STANDARD_ROLES | fixture_roles(app)
	for name, (path, d) in pages(app).items():
		where = f"page {name} ({path.parent.name})"
		if d.get("doctype") != "Page":
			problems.append(f"{where}: doctype key is not Page")
		if scrub(name) != path.parent.name:
			problems.append(f"{where}: folder should be {scrub(name)}")
		if d.get("module") not in modules(app) or scrub(d["module"]) != path.parents[2].name:
			problems.append(f"{where}: module {d.get('module')} does not match modules.txt and its folder")
		if not (path.parent / f"{path.parent.name}.js").exists():
			problems.append(f"{where}: no {path.parent.name}.js, the page would be blank")
		if not (path.parent / "__init__.py").exists() or not (path.parents[1] / "__init__.py").exists():
			problems.append(f"{where}: page folders need __init__.py to be synced")
		for role in d.get("roles", []):
			if role.get("role") not in known_roles:
				problems.append(f"{where}: unknown role {role.get('role')}")
	return problems


def workspaces(app: Path) -> dict[str, tuple[Path, dict]]:
	found = {}
	for module in modules(app):
		for path in sorted((app / scrub(module) / "workspace").glob("*/*.json")):
			if path.stem == path.parent.name:
				found[json.loads(path.read_text())["name"]] = (path, json.loads(path.read_text()))
	return found


def _link_target_problem(link_type: str, target: str, our_doctypes, our_pages) -> str | None:
	if link_type == "DocType":
		if target not in our_doctypes and target not in ref.STANDARD_DOCTYPES:
			return f"links to DocType {target}, neither in the app nor a known standard doctype"
	elif link_type == "Page":
		if target not in our_pages:
			return f"links to Page {target}, which the app does not define"
	elif link_type in ("Report", "URL", "Dashboard"):
		return None
	else:
		return f"unknown link type {link_type}"
	return None


def check_workspaces(app: Path) -> list[str]:
	"""Workspace links and shortcuts point at doctypes and pages that exist, and every card and
	shortcut of the layout (`content`) has its definition (Frappe silently drops the others)."""
	problems = []
	ours, our_pages = doctypes(app), pages(app)
	known_roles = ref.STANDARD_ROLES | fixture_roles(app)
	for name, (path, d) in workspaces(app).items():
		where = f"workspace {name} ({path.parent.name})"
		if d.get("doctype") != "Workspace":
			problems.append(f"{where}: doctype key is not Workspace")
		if scrub(name) != path.parent.name:
			problems.append(f"{where}: folder should be {scrub(name)}")
		if d.get("module") not in modules(app) or scrub(d["module"]) != path.parents[2].name:
			problems.append(f"{where}: module {d.get('module')} does not match modules.txt and its folder")
		if d.get("label") != name:
			problems.append(f"{where}: label {d.get('label')} differs from its name")
		cards = {link.get("label") for link in d.get("links", []) if link.get("type") == "Card Break"}
		for link in d.get("links", []):
			if link.get("type") == "Link":
				problem = _link_target_problem(link.get("link_type"), link.get("link_to"), ours, our_pages)
				if problem:
					problems.append(f"{where}: link {link.get('label')} {problem}")
		shortcuts = {s.get("label") for s in d.get("shortcuts", [])}
		for shortcut in d.get("shortcuts", []):
			problem = _link_target_problem(shortcut.get("type"), shortcut.get("link_to"), ours, our_pages)
			if problem:
				problems.append(f"{where}: shortcut {shortcut.get('label')} {problem}")
		try:
			blocks = json.loads(d.get("content") or "[]")
		except ValueError:
			problems.append(f"{where}: content is not JSON")
			blocks = []
		for block in blocks:
			data = block.get("data", {})
			if block.get("type") == "card" and data.get("card_name") not in cards:
				problems.append(f"{where}: card {data.get('card_name')} has no Card Break in links")
			if block.get("type") == "shortcut" and data.get("shortcut_name") not in shortcuts:
				problems.append(f"{where}: shortcut {data.get('shortcut_name')} is not in shortcuts")
		for role in d.get("roles", []):
			if role.get("role") not in known_roles:
				problems.append(f"{where}: unknown role {role.get('role')}")
	return problems


def check_frappe_v16_ready(app: Path) -> list[str]:
	"""No v15-only idiom that Frappe v16 refuses or deprecates: `test_ignore` outside a doctype's
	own test module (v16 raises) or without v16's IGNORE_TEST_RECORD_DEPENDENCIES beside it,
	`frappe.flags.in_test` outside services/frappe_versions.py, a workspace with no `app`."""
	problems = []
	for path in sorted(app.rglob("test_*.py")):
		rel = path.relative_to(app)
		names = _defined_names(path)
		if "test_ignore" not in names:
			continue
		if "doctype" not in rel.parts[:-1]:
			problems.append(f"{rel}: test_ignore outside a doctype folder (Frappe v16 raises on it)")
		elif "IGNORE_TEST_RECORD_DEPENDENCIES" not in names:
			problems.append(f"{rel}: test_ignore without IGNORE_TEST_RECORD_DEPENDENCIES (v16 reads that)")
	for path in sorted(app.rglob("*.py")):
		rel = path.relative_to(app)
		if rel.as_posix() == "services/frappe_versions.py":
			continue
		for node in ast.walk(ast.parse(path.read_text())):
			if (
				isinstance(node, ast.Attribute)
				and node.attr == "in_test"
				and isinstance(node.value, ast.Attribute)
				and node.value.attr == "flags"
			):
				problems.append(f"{rel}:{node.lineno}: flags.in_test (use services.frappe_versions.in_test)")
	for name, (_path, d) in workspaces(app).items():
		if d.get("app") != app.name:
			problems.append(f"workspace {name}: no app {app.name!r} (v16 groups workspaces by app)")
	return problems


ALL_CHECKS = (
	check_frappe_v16_ready,
	check_modules,
	check_doctypes,
	check_fixtures,
	check_hooks,
	check_patches,
	check_core_is_framework_free,
	check_translations,
	check_pages,
	check_workspaces,
)
