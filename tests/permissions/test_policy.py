"""The permission layer's table and its wiring, checked without Frappe.

A new doctype, child table or whitelisted method that the layer does not know fails here (and
in the tier-2 matrix, `gigafibre_fsm/permissions/tests/test_permission_matrix.py`).
"""

import ast
import json
from pathlib import Path

import pytest

from gigafibre_fsm.permissions import policy, roles

APP = Path(__file__).resolve().parents[2] / "gigafibre_fsm"
HOOK_MODULE = "gigafibre_fsm.permissions.services.doctype_permissions"


def _doctypes() -> dict[str, dict]:
	found = {}
	for path in APP.glob("*/doctype/*/*.json"):
		if path.stem == path.parent.name:
			d = json.loads(path.read_text())
			if d.get("doctype") == "DocType":
				found[d["name"]] = d
	return found


def _hooks() -> dict:
	namespace: dict = {}
	exec(compile((APP / "hooks.py").read_text(), "hooks.py", "exec"), namespace)
	return namespace


def test_every_doctype_of_the_app_is_in_the_table():
	missing = sorted(name for name in _doctypes() if not policy.classified(name))
	assert not missing, f"add these doctypes to permissions/policy.py: {missing}"


def test_the_table_names_only_doctypes_that_exist():
	names = set(_doctypes())
	named = set(policy.DOCTYPES) | policy.STAFF_ONLY | set(policy.CHILD_TABLES)
	assert named <= names, sorted(named - names)


def test_child_tables_follow_the_parents_that_hold_them():
	holders: dict[str, set[str]] = {}
	for name, d in _doctypes().items():
		for f in d.get("fields", []):
			if f.get("fieldtype") in ("Table", "Table MultiSelect"):
				holders.setdefault(f["options"], set()).add(name)
	for child, d in _doctypes().items():
		if d.get("istable"):
			assert set(policy.CHILD_TABLES.get(child, ())) == holders.get(child, set()), child
		else:
			assert child not in policy.CHILD_TABLES


def test_hooks_route_every_doctype_through_the_layer():
	hooks = _hooks()
	for name, d in _doctypes().items():
		assert hooks["permission_query_conditions"].get(name) == f"{HOOK_MODULE}.query_conditions", name
		if d.get("istable"):
			assert name not in hooks["has_permission"], name
		else:
			assert hooks["has_permission"].get(name) == f"{HOOK_MODULE}.has_permission", name
	assert hooks["require_type_annotated_api_methods"] is True
	assert hooks["override_whitelisted_methods"]["frappe.client.get_count"].startswith(
		"gigafibre_fsm.permissions."
	)


def test_every_rule_uses_a_known_scope_and_audience():
	for doctype, audiences in policy.DOCTYPES.items():
		assert set(audiences) <= {"customer", "technician"}, doctype
		for families in audiences.values():
			assert set(families) <= {"read", "write"}, doctype
			assert set(families.values()) <= policy.SCOPES, doctype


def test_scopes_for_gives_the_union_and_nothing_else():
	assert policy.scopes_for("Dispatch Job", {"customer"}, "read") == [policy.CUSTOMER]
	assert policy.scopes_for("Dispatch Job", {"customer"}, "write") == []
	assert policy.scopes_for("Dispatch Job", {"technician", "customer"}, "read") == [
		policy.CUSTOMER,
		policy.TEAM_JOB,
	]
	assert policy.scopes_for("Service Equipment", {"technician"}, "write") == [policy.OPEN_TEAM_EQUIPMENT]
	for ptype in ("create", "delete", "share", "email", "submit", "cancel", "amend", "import"):
		assert policy.scopes_for("Dispatch Job", {"technician", "customer"}, ptype) == [], ptype
	assert policy.scopes_for("OLT", {"technician", "customer"}, "read") == []


@pytest.mark.parametrize(
	"user_roles, expected",
	[
		({"Customer"}, {"customer"}),
		({"Field Technician"}, {"technician"}),
		({"Field Technician", "Customer"}, {"technician", "customer"}),
		({"Field Technician", "Dispatcher"}, set()),
		({"Customer", "Billing Agent"}, set()),
		({"System Manager"}, set()),
		({"Guest"}, set()),
		({"Employee"}, set()),
	],
)
def test_audiences(user_roles, expected):
	assert roles.audiences(user_roles) == expected


def test_role_sets():
	assert roles.is_staff({"NOC Operator"}) and not roles.is_staff({"Field Technician", "Customer"})
	assert roles.FIELD_TECHNICIAN not in roles.NOC and roles.CUSTOMER not in roles.DEVICE_USERS
	assert roles.DISPATCH <= roles.TECHNICIAN_PAGE and roles.NOC <= roles.NETWORK_OFFICE


# --- the hooks never return None (Frappe v16 reads None as "deny") -------------------------


def _functions(module_path: Path) -> dict[str, ast.FunctionDef]:
	tree = ast.parse(module_path.read_text())
	return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}


def none_returns(fn: ast.FunctionDef) -> list[str]:
	"""Why `fn` can return None: a bare `return`, `return None`, or falling off its end."""
	problems = []
	for node in ast.walk(fn):
		if isinstance(node, ast.Return) and (
			node.value is None or (isinstance(node.value, ast.Constant) and node.value.value is None)
		):
			problems.append(f"{fn.name}: returns None at line {node.lineno}")
	if not isinstance(fn.body[-1], ast.Return | ast.Raise):
		problems.append(f"{fn.name}: can fall off its end (returns None)")
	return problems


def test_no_permission_hook_returns_none():
	hooks = _hooks()
	dotted = set(hooks["has_permission"].values()) | set(hooks["permission_query_conditions"].values())
	problems = []
	for path in sorted(dotted):
		module, name = path.rsplit(".", 1)
		fn = _functions(APP.parent.joinpath(*module.split(".")).with_suffix(".py"))[name]
		problems += none_returns(fn)
	assert not problems, "\n".join(problems)


def test_the_none_check_catches_a_hook_that_returns_none():
	fn = ast.parse("def h(doc, ptype=None, user=None):\n\tif doc:\n\t\treturn True\n").body[0]
	assert none_returns(fn)
	fn = ast.parse("def h(doc):\n\tif doc:\n\t\treturn\n\treturn False\n").body[0]
	assert none_returns(fn)
	fn = ast.parse("def h(doc):\n\tif doc:\n\t\treturn True\n\treturn False\n").body[0]
	assert not none_returns(fn)


# --- whitelisted methods: typed, guarded, guests rate-limited -----------------------------

GUARDS = {
	"require_role",
	"require_device",
	"require_network_state",
	"require_doc",
	"require_dispatcher_or_technician",
	"require_on_job",
	"require_login",
	"require_customer",
	"require_customer_of",
}
# The layer's own replacements of Frappe methods, and what checks their caller.
LAYER_METHODS = {
	"get_count": "frappe.get_list: role permissions and the layer's conditions",
	"search_link": "frappe's search_link, which lists through frappe.get_list",
	"search_widget": "frappe's search_widget, which lists through frappe.get_list",
}
# Guest endpoints and what stands in for a login: a token, a signature, a shared secret.
GUEST_AUTHORITY = {
	"accept_offer": "the offer token (256-bit, hashed, compared in constant time)",
	"decline_offer": "the offer token",
	"technician_calendar": "the feed token (256-bit, hashed, revocable)",
	"twilio_status": "Twilio's signature",
	"twilio_inbound": "Twilio's signature",
	"uptime_kuma": "the shared secret",
	"stripe_webhook": "Stripe's signature (5 minutes' tolerance)",
	# eligibility: public data (an address and its status, never its OLT or PON port), rate-limited
	"search_addresses": "none: answers what the operator publishes",
	"check_eligibility": "none: answers what the operator publishes",
	"accept_contract": "the contract link's token (256-bit, hashed, constant-time, expiring)",
	# sign-in: the code or link only goes to the phone or e-mail given (limits per phone, e-mail, IP)
	"request_code": "none: sends a code only to the phone given",
	"request_link": "none: sends a link only to the e-mail address given",
	"verify_code": "the code sent by SMS (6 digits, keyed hash, 10 minutes, 5 tries, once)",
	"consume_link": "the link's token (256-bit, keyed hash, 24 hours, once)",
	# the online order: the catalog is public; an order is started by a verified identity (the
	# sign-in's sealed cookie) or a signed-in customer, then answers to its own secret token
	"order_catalog": "none: the published plans and prices",
	"start_order": "the verified identity (sealed sign-in cookie) or the signed-in customer",
	"choose_plan": "the order's token (hashed, compared in constant time)",
	"order_slots": "the order's token",
	"hold_order_slot": "the order's token",
	"order_contract": "the order's token",
	"accept_order_contract": "the order's token",
	"pay_order": "the order's token",
	"order_status": "the order's token",
}


def _decorator_name(d: ast.expr) -> str:
	target = d.func if isinstance(d, ast.Call) else d
	return ast.unparse(target)


def whitelisted_methods() -> list[tuple[Path, ast.FunctionDef, ast.Call | ast.expr]]:
	found = []
	for path in sorted(APP.rglob("*.py")):
		if path.name.startswith("test_"):
			continue
		for node in ast.walk(ast.parse(path.read_text())):
			if isinstance(node, ast.FunctionDef):
				for d in node.decorator_list:
					if _decorator_name(d) == "frappe.whitelist":
						found.append((path, node, d))
	return found


def _allows_guest(decorator) -> bool:
	return isinstance(decorator, ast.Call) and any(
		k.arg == "allow_guest" and isinstance(k.value, ast.Constant) and k.value.value
		for k in decorator.keywords
	)


def _first_call(fn: ast.FunctionDef) -> str:
	body = (
		fn.body[1:]
		if isinstance(fn.body[0], ast.Expr) and isinstance(fn.body[0].value, ast.Constant)
		else fn.body
	)
	for stmt in body:
		for node in ast.walk(stmt):
			if isinstance(node, ast.Call):
				return ast.unparse(node.func).split(".")[-1]
	return ""


def test_whitelisted_methods_declare_their_types():
	problems = []
	for path, fn, _ in whitelisted_methods():
		where = f"{path.relative_to(APP)}:{fn.name}"
		args = fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs
		if args and args[0].arg == "self":
			args = args[1:]
		problems += [f"{where}: argument {a.arg} has no type" for a in args if a.annotation is None]
		if fn.returns is None:
			problems.append(f"{where}: no return type")
	assert not problems, "\n".join(problems)


def test_whitelisted_methods_check_the_caller_first():
	"""A method open to users starts with a guard of the permission layer; a guest endpoint is
	rate-limited and has its authority named above."""
	problems = []
	for path, fn, decorator in whitelisted_methods():
		where = f"{path.relative_to(APP)}:{fn.name}"
		if _allows_guest(decorator):
			if fn.name not in GUEST_AUTHORITY:
				problems.append(f"{where}: a guest endpoint the layer does not know")
			if "rate_limit" not in {_decorator_name(d).split(".")[-1] for d in fn.decorator_list}:
				problems.append(f"{where}: a guest endpoint without frappe.rate_limiter.rate_limit")
		elif fn.name in LAYER_METHODS and path.is_relative_to(APP / "permissions"):
			continue
		elif _first_call(fn) not in GUARDS:
			problems.append(f"{where}: first call is {_first_call(fn)}(), not a permission guard")
	assert not problems, "\n".join(problems)


def test_role_sets_are_declared_only_in_the_layer():
	known = {
		roles.SYSTEM_MANAGER,
		roles.DISPATCHER,
		roles.NOC_OPERATOR,
		roles.BILLING_AGENT,
		roles.FIELD_TECHNICIAN,
	}
	problems = []
	for path in sorted(APP.rglob("*.py")):
		if path.name == "hooks.py":  # the roles fixture's filter names the app's roles
			continue
		if path.parent.name in ("permissions", "tests") or path.name.startswith("test_"):
			continue
		for node in ast.walk(ast.parse(path.read_text())):
			if isinstance(node, ast.Tuple | ast.Set | ast.List):
				strings = {e.value for e in node.elts if isinstance(e, ast.Constant)}
				if len(strings & known) >= 2:
					problems.append(
						f"{path.relative_to(APP)}:{node.lineno}: a role set; use permissions.roles"
					)
	assert not problems, "\n".join(problems)
