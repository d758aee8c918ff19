"""The slice of MongoDB that GenieACS's NBI exposes: query, projection, sort.

GenieACS does not pass a device query straight to MongoDB: `lib/query.ts` `expand()` first
rewrites it. A key whose last segment does not start with `_` gets `._value` appended, and
every plain string operand is "normalised" into alternatives OR-ed together: the string
itself, a number when it parses as one, a Date when it parses as a date (length >= 8, year >
1983), a regex for `/re/flags` strings and for `*` wildcards. So `{"_lastInform": {"$gt":
"2024-01-01T00:00:00Z"}}` matches stored Dates, and `{"X.Y": "-3"}` matches both `"-3"` and
`-3`. Comparison is type-bracketed as in MongoDB: a string never compares with a number or
a date. Dates are held as `datetime` objects in the store (as Mongo holds BSON dates) and are
serialised to ISO strings on the way out, as GenieACS's `JSON.stringify` does.
"""

import re
from datetime import datetime, timezone

EXPAND_OPS = {"$eq", "$gt", "$gte", "$in", "$lt", "$lte", "$ne", "$nin"}
_MISSING = object()
_NUM_RE = re.compile(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")


def parse_date(text: str) -> datetime | None:
	"""Parse what JavaScript's `new Date(text)` accepts in practice (ISO 8601 forms)."""
	if not isinstance(text, str) or len(text) < 8:
		return None
	t = text.strip()
	if t.endswith("Z"):
		t = t[:-1] + "+00:00"
	try:
		d = datetime.fromisoformat(t)
	except ValueError:
		return None
	if d.tzinfo is None:
		d = d.replace(tzinfo=timezone.utc)
	if d.year <= 1983:
		return None
	return d


def _wildcard_regex(text: str):
	"""GenieACS `stringToRegexp`: `*` wildcards, anchored unless the pattern starts/ends with `*`."""
	if "*" not in text:
		return None
	body = re.escape(text.strip("*")).replace(r"\*", ".*")
	if not text.startswith("*"):
		body = "^" + body
	if not text.endswith("*"):
		body = body + "$"
	return re.compile(body)


def _normalize(value):
	if not isinstance(value, str):
		return [value]
	alternatives = [value]
	m = re.match(r"^/(.*?)/(g?i?m?y?)$", value)
	if m:
		alternatives.append({"$regex": re.compile(m.group(1), re.I if "i" in m.group(2) else 0)})
	if _NUM_RE.match(value):
		f = float(value)
		alternatives.append(int(f) if f.is_integer() else f)
	d = parse_date(value)
	if d is not None:
		alternatives.append(d)
	r = _wildcard_regex(value)
	if r is not None:
		alternatives.append({"$regex": r})
	return alternatives


def _expand_value(value) -> list:
	if isinstance(value, list):
		flat = []
		for v in value:
			flat.extend(_expand_value(v))
		return [flat]
	if not isinstance(value, dict):
		return _normalize(value)
	keys = list(value)
	choices = [(_expand_value(value[k]) if k in EXPAND_OPS else [value[k]]) for k in keys]
	combos = [{}]
	for k, options in zip(keys, choices, strict=False):
		combos = [{**c, k: o} for c in combos for o in options]
	return combos


def expand(query: dict) -> dict:
	"""GenieACS's `query.expand` for the devices collection (see the module docstring)."""
	out: dict = {}
	for key, value in query.items():
		if key.startswith("$"):
			out[key] = [expand(q) for q in value]
			continue
		param = key if key.rsplit(".", 1)[-1].startswith("_") else key + "._value"
		conditions = [{param: v} for v in _expand_value(value)]
		if len(conditions) > 1:
			if isinstance(value, dict) and ("$ne" in value or "$not" in value):
				out.setdefault("$and", []).extend(conditions)
			else:
				out.setdefault("$and", []).append({"$or": conditions})
		else:
			out.update(conditions[0])
	return out


def get_path(doc, path: str):
	"""Value at a dotted path, or `_MISSING`."""
	node = doc
	for part in path.split("."):
		if isinstance(node, dict):
			node = node.get(part, _MISSING)
			if node is _MISSING:
				return _MISSING
		else:
			return _MISSING
	return node


def _bracket(v):
	if isinstance(v, bool):
		return "bool"
	if isinstance(v, (int, float)):
		return "num"
	if isinstance(v, str):
		return "str"
	if isinstance(v, datetime):
		return "date"
	if v is None:
		return "null"
	return "other"


def _cmp(a, b, op) -> bool:
	if _bracket(a) != _bracket(b) or _bracket(a) in ("null", "other", "bool"):
		if op in ("$gte", "$lte") and _bracket(a) == _bracket(b):
			return a == b
		return False
	if op == "$gt":
		return a > b
	if op == "$gte":
		return a >= b
	if op == "$lt":
		return a < b
	return a <= b


def _eq(actual, expected) -> bool:
	if isinstance(expected, re.Pattern):
		return isinstance(actual, str) and expected.search(actual) is not None
	if actual is _MISSING:
		return expected is None
	if isinstance(actual, list) and not isinstance(expected, list):
		return any(_eq(a, expected) for a in actual)
	if _bracket(actual) != _bracket(expected):
		return False
	return actual == expected


def _regex(spec, options=""):
	if isinstance(spec, re.Pattern):
		return spec
	flags = re.I if "i" in options else 0
	return re.compile(spec, flags)


def _match_condition(actual, cond) -> bool:
	if isinstance(cond, re.Pattern):
		return _eq(actual, cond)
	if not (isinstance(cond, dict) and cond and all(k.startswith("$") for k in cond)):
		return _eq(actual, cond)
	for op, arg in cond.items():
		if op == "$eq":
			ok = _eq(actual, arg)
		elif op == "$ne":
			ok = not _eq(actual, arg)
		elif op in ("$gt", "$gte", "$lt", "$lte"):
			values = actual if isinstance(actual, list) else [actual]
			ok = actual is not _MISSING and any(_cmp(v, arg, op) for v in values)
		elif op == "$in":
			ok = any(
				_match_condition(actual, a) if isinstance(a, re.Pattern) else _eq(actual, a) for a in arg
			)
		elif op == "$nin":
			ok = not any(_eq(actual, a) for a in arg)
		elif op == "$exists":
			ok = (actual is not _MISSING) == bool(arg)
		elif op == "$regex":
			r = _regex(arg, cond.get("$options", ""))
			values = actual if isinstance(actual, list) else [actual]
			ok = any(isinstance(v, str) and r.search(v) for v in values)
		elif op == "$options":
			ok = True
		elif op == "$not":
			ok = not _match_condition(actual, arg)
		else:
			raise ValueError("Unsupported operator " + op)
		if not ok:
			return False
	return True


def match(doc: dict, query: dict) -> bool:
	"""MongoDB's `find` predicate for the operators GenieACS users rely on."""
	for key, cond in query.items():
		if key == "$and":
			if not all(match(doc, q) for q in cond):
				return False
		elif key == "$or":
			if not any(match(doc, q) for q in cond):
				return False
		elif key == "$nor":
			if any(match(doc, q) for q in cond):
				return False
		elif key.startswith("$"):
			raise ValueError("Unsupported operator " + key)
		elif not _match_condition(get_path(doc, key), cond):
			return False
	return True


def optimize_projection(paths: list[str]) -> list[str]:
	"""GenieACS `optimizeProjection`: drop a path when its parent is also projected."""
	keep: list[str] = []
	for p in sorted(set(p.strip() for p in paths if p.strip())):
		if keep and (p.startswith(keep[-1] + ".")):
			continue
		keep.append(p)
	return keep


def project(doc: dict, paths: list[str] | None) -> dict:
	"""MongoDB inclusion projection: each dotted path copies its subtree; `_id` always kept."""
	if not paths:
		return doc
	out: dict = {"_id": doc["_id"]}
	for path in paths:
		parts = path.split(".")
		src = doc
		for part in parts:
			if not isinstance(src, dict) or part not in src:
				src = _MISSING
				break
			src = src[part]
		if src is _MISSING:
			continue
		dst = out
		for part in parts[:-1]:
			nxt = dst.get(part)
			if not isinstance(nxt, dict):
				nxt = dst[part] = {}
			dst = nxt
		dst[parts[-1]] = src
	return out


def sort_key(doc: dict, fields: list[tuple[str, int]]):
	"""A key for `sorted`: missing first, then by type bracket, then value (ascending)."""
	order = {"null": 0, "num": 1, "str": 2, "other": 3, "bool": 4, "date": 5}
	key = []
	for path, _direction in fields:
		v = get_path(doc, path)
		if v is _MISSING:
			v = None
		b = _bracket(v)
		key.append((order[b], v if b in ("num", "str", "date", "bool") else 0))
	return key
