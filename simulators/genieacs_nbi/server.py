"""A GenieACS NBI simulator: a real HTTP server answering the NBI's routes and status codes.

Routes and answers follow `lib/nbi.ts` of GenieACS:
- GET|HEAD /devices/, /tasks/, /faults/ with `query` (JSON, expanded as GenieACS does),
  `projection` (comma-separated paths, a parent returns its subtree), `sort` (JSON), `skip`,
  `limit`; the body is `[\\n` + one JSON document per line joined by `,\\n` + `\\n]` and the
  `total` header carries the match count before skip/limit.
- POST /devices/<id>/tasks[?connection_request][&timeout=ms]: 404 "No such device"; without
  `connection_request`, 202 (queued); with it, 200 and the task when the device ran it,
  202 "Task queued but not processed" when the device does not answer, 202 "Task faulted"
  when it faulted (the fault is then listed under /faults/ with `_id` "<device>:task_<id>").
  POST with no body and `connection_request`: 200, or 504 when the device is unreachable.
- DELETE /tasks/<id> (404 "Task not found"), POST /tasks/<id>/retry, DELETE /faults/<id>,
  DELETE /devices/<id>, POST|DELETE /devices/<id>/tags/<tag>.

What the simulated devices do: a task "runs" by copying the device's live state (see
`set_live`) into the ACS's cached document (refreshObject, getParameterValues), setting values
(setParameterValues), or stamping `_lastBoot` (reboot) / `_lastBootstrap` (factoryReset); the
session then stamps `_lastInform`. Failure modes for tests: `unreachable`, `fail_task`,
`latency`, `fail_requests`.
"""

import copy
import functools
import json
import os
import re
import secrets
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from simulators.genieacs_nbi import mongo

_DEVICE_TASKS = re.compile(r"^/devices/([a-zA-Z0-9\-_%]+)/tasks/?$")
_TASKS = re.compile(r"^/tasks/([a-zA-Z0-9\-_%]+)(/[a-zA-Z_]*)?$")
_TAGS = re.compile(r"^/devices/([a-zA-Z0-9\-_%]+)/tags/([a-zA-Z0-9\-_%]+)/?$")
_FAULTS = re.compile(r"^/faults/([a-zA-Z0-9\-_%:]+)/?$")
_DEVICE = re.compile(r"^/devices/([a-zA-Z0-9\-_%]+)/?$")
_QUERY = re.compile(r"^/([a-zA-Z0-9_]+)/?$")


@functools.lru_cache(maxsize=65536)
def _iso(value: datetime) -> str:
	return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _json_default(value):
	if isinstance(value, datetime):
		return _iso(value)  # cached: fleet documents share most of their timestamps
	raise TypeError(type(value).__name__)


def dumps(value) -> str:
	"""JSON as GenieACS writes it (dates as ISO strings with milliseconds)."""
	return json.dumps(value, default=_json_default, separators=(",", ":"))


class NbiSimulator:
	"""Device documents in GenieACS's JSON shape behind a real NBI HTTP server.

	Start with `start()` (binds 127.0.0.1 on a free port, returns the base URL) and stop with
	`stop()`; or use it as a context manager.
	"""

	def __init__(self, devices=None, clock=None):
		self._lock = threading.RLock()
		self.devices: dict[str, dict] = {}
		self._owned: set[str] = set()
		self._by_serial: dict[str, set[str]] = {}
		self.tasks: dict[str, dict] = {}
		self.faults: dict[str, dict] = {}
		self.live: dict[str, dict[str, tuple]] = {}
		self.unreachable: set[str] = set()
		self._task_faults: dict[tuple[str, str], dict] = {}
		self.latency = 0.0
		self._fail_status = 0
		self._fail_left = 0
		self.requests: list[tuple[str, str]] = []
		self.bytes_out = 0  # response bodies sent (the benchmark reports it)
		self.clock = clock or (lambda: datetime.now(timezone.utc))
		self._server = None
		self._thread = None
		for doc in devices or []:
			self.add_device(doc)

	# --- data -------------------------------------------------------------------------
	def add_device(self, doc: dict, owned: bool = False) -> None:
		"""Store a document (not copied: documents may share unchanging subtrees)."""
		with self._lock:
			self.devices[doc["_id"]] = doc
			if owned:
				self._owned.add(doc["_id"])
			serial = (doc.get("_deviceId") or {}).get("_SerialNumber")
			if serial is not None:
				self._by_serial.setdefault(serial, set()).add(doc["_id"])

	def load_csv_dir(self, path: str) -> list[str]:
		"""Load every GenieACS device-data CSV export found in `path` (read in place)."""
		from simulators.genieacs_nbi.device_csv import load_device_csv

		ids = []
		for name in sorted(os.listdir(path)):
			if name.endswith(".csv"):
				doc = load_device_csv(os.path.join(path, name))
				self.add_device(doc, owned=True)
				ids.append(doc["_id"])
		return ids

	def set_live(self, device_id: str, values: dict) -> None:
		"""What the device itself now holds ({path: value or (value, xsd type)}); the ACS only
		sees it after a refreshObject / getParameterValues task covering the path."""
		with self._lock:
			live = self.live.setdefault(device_id, {})
			for path, v in values.items():
				live[path] = v if isinstance(v, tuple) else (v, _xsd_type(v))

	def fail_task(self, device_id: str, task_name: str, code="cwmp.9002", message="Internal error") -> None:
		"""Make the device fault every `task_name` task (a CWMP fault, as GenieACS records it)."""
		self._task_faults[(device_id, task_name)] = {"code": code, "message": message}

	def fail_requests(self, status: int, count: int = 1_000_000_000) -> None:
		"""Answer the next `count` requests with HTTP `status` (0 to stop)."""
		self._fail_status, self._fail_left = status, count if status else 0

	def _own(self, device_id: str) -> dict:
		# copy-on-write: fleet documents share subtrees, a task must not change its neighbours
		if device_id not in self._owned:
			self.devices[device_id] = copy.deepcopy(self.devices[device_id])
			self._owned.add(device_id)
		return self.devices[device_id]

	# --- queries ----------------------------------------------------------------------
	def _candidates(self, q: dict):
		sets = []
		for key, cond in q.items():
			if key == "$and":
				sets.extend(s for s in (self._candidates(c) for c in cond) if s is not None)
			elif key == "$or":
				parts = [self._candidates(c) for c in cond]
				if parts and all(p is not None for p in parts):
					sets.append(set().union(*parts))
			elif key in ("_id", "_deviceId._SerialNumber"):
				values = None
				if isinstance(cond, str):
					values = [cond]
				elif isinstance(cond, dict) and set(cond) == {"$in"}:
					values = cond["$in"]
				elif isinstance(cond, dict) and set(cond) == {"$eq"}:
					values = [cond["$eq"]]
				if values is not None:
					found = set()
					for v in values:
						if not isinstance(v, str):
							continue
						if key == "_id":
							if v in self.devices:
								found.add(v)
						else:
							found |= self._by_serial.get(v, set())
					sets.append(found)
		if not sets:
			return None
		out = sets[0]
		for s in sets[1:]:
			out = out & s
		return out

	def find(self, collection: str, query: dict, projection, sort, skip: int, limit: int):
		"""Return (total, page of documents) as MongoDB's find/count would."""
		with self._lock:
			if collection == "devices":
				q = mongo.expand(query)
				cand = self._candidates(q)
				ids = list(self.devices) if cand is None else [i for i in self.devices if i in cand]
				docs = [d for d in (self.devices[i] for i in ids) if mongo.match(d, q)]
			else:
				source = self.tasks if collection == "tasks" else self.faults
				q = _sanitize_dates(query)
				docs = [d for d in source.values() if mongo.match(d, q)]
			total = len(docs)
			if sort:
				for path, direction in reversed(sort):
					docs.sort(
						key=lambda d, p=path: mongo.sort_key(d, [(p, direction)]), reverse=direction < 0
					)
			if skip:
				docs = docs[skip:]
			if limit:
				docs = docs[:limit]
			if projection:
				docs = [mongo.project(d, projection) for d in docs]
			return total, docs

	# --- tasks ------------------------------------------------------------------------
	def post_task(self, device_id: str, task: dict | None, connection_request: bool):
		"""Returns (status, reason, body)."""
		with self._lock:
			if device_id not in self.devices:
				return 404, None, "No such device"
			if task is None:
				if not connection_request:
					return 400, None, ""
				if device_id in self.unreachable:
					return 504, "Connection request error", "Connection request error"
				self._session(device_id)
				return 200, None, ""
			err = _validate_task(task)
			if err:
				return 500, None, "Error: " + err
			task["device"] = device_id
			task["_id"] = secrets.token_hex(12)
			task["timestamp"] = self.clock()
			self.tasks[task["_id"]] = task
			if not connection_request:
				return 202, None, task
			if device_id in self.unreachable:
				return 202, "Task queued but not processed", task
			fault = self._task_faults.get((device_id, task["name"]))
			if fault is not None:
				fid = f"{device_id}:task_{task['_id']}"
				self.faults[fid] = {
					"_id": fid,
					"device": device_id,
					"channel": "task_" + task["_id"],
					"code": fault["code"],
					"message": fault["message"],
					"detail": {"faultCode": "9002", "faultString": fault["message"]},
					"timestamp": self.clock(),
					"retries": 0,
					"provisions": [],
				}
				self._session(device_id)
				return 202, "Task faulted", task
			self._run(device_id, task)
			del self.tasks[task["_id"]]
			self._session(device_id)
			return 200, None, task

	def _session(self, device_id: str) -> None:
		self._own(device_id)["_lastInform"] = self.clock()

	def _run(self, device_id: str, task: dict) -> None:
		doc = self._own(device_id)
		now = self.clock()
		name = task["name"]
		live = self.live.get(device_id, {})
		if name in ("refreshObject", "getParameterValues"):
			prefixes = [task.get("objectName", "")] if name == "refreshObject" else task["parameterNames"]
			for path, (value, xsd) in list(live.items()):
				if any(
					p == "" or path == p.rstrip(".") or path.startswith(p.rstrip(".") + ".") for p in prefixes
				):
					_set_leaf(doc, path, value, xsd, now)
					del live[path]
			for p in prefixes:
				node = mongo.get_path(doc, p.rstrip(".")) if p else doc
				if isinstance(node, dict) and node.get("_object"):
					node["_timestamp"] = now
		elif name == "setParameterValues":
			for item in task["parameterValues"]:
				_set_leaf(doc, item[0], item[1], item[2] if len(item) > 2 else _xsd_type(item[1]), now)
		elif name == "reboot":
			doc["_lastBoot"] = now
			for root in ("InternetGatewayDevice", "Device"):
				if isinstance(doc.get(root), dict) and "DeviceInfo" in doc[root]:
					_set_leaf(doc, root + ".DeviceInfo.UpTime", 0, "xsd:unsignedInt", now)
		elif name == "factoryReset":
			doc["_lastBootstrap"] = now

	def delete_task(self, task_id: str):
		with self._lock:
			task = self.tasks.pop(task_id, None)
			if task is None:
				return 404, "Task not found"
			self.faults.pop(f"{task['device']}:task_{task_id}", None)
			return 200, ""

	def retry_task(self, task_id: str):
		with self._lock:
			task = self.tasks.get(task_id)
			if task is None:
				return 404, "Task not found"
			self.faults.pop(f"{task['device']}:task_{task_id}", None)
			return 200, ""

	def delete_fault(self, fault_id: str):
		with self._lock:
			self.faults.pop(fault_id, None)
			_device_id, _, channel = fault_id.partition(":")
			if channel.startswith("task_"):
				self.tasks.pop(channel[5:], None)
			return 200, ""

	# --- server -----------------------------------------------------------------------
	def start(self) -> str:
		handler = type("Handler", (_Handler,), {"sim": self})
		self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
		self._server.daemon_threads = True
		self._thread = threading.Thread(
			target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
		)
		self._thread.start()
		return self.base_url

	@property
	def base_url(self) -> str:
		host, port = self._server.server_address[:2]
		return f"http://{host}:{port}"

	def stop(self) -> None:
		if self._server is not None:
			self._server.shutdown()
			self._server.server_close()
			self._server = None

	def __enter__(self):
		self.start()
		return self

	def __exit__(self, *exc):
		self.stop()


def _xsd_type(value) -> str:
	if isinstance(value, bool):
		return "xsd:boolean"
	if isinstance(value, int):
		return "xsd:int"
	if isinstance(value, datetime):
		return "xsd:dateTime"
	return "xsd:string"


def _set_leaf(doc: dict, path: str, value, xsd: str, now) -> None:
	node = doc
	parts = path.split(".")
	for part in parts[:-1]:
		nxt = node.get(part)
		if not isinstance(nxt, dict):
			nxt = {"_object": True, "_writable": False, "_timestamp": now}
		else:
			nxt = dict(nxt)  # never mutate a node another device may share
		node[part] = nxt
		node = nxt
	node[parts[-1]] = {"_object": False, "_writable": False, "_value": value, "_type": xsd, "_timestamp": now}


def _validate_task(task: dict) -> str | None:
	"""GenieACS `sanitizeTask` checks (it answers 500 with the error's text)."""
	name = task.get("name")
	if name == "getParameterValues":
		names = task.get("parameterNames")
		if not isinstance(names, list) or not names:
			return "Missing 'parameterNames' property"
	elif name == "setParameterValues":
		values = task.get("parameterValues")
		if not isinstance(values, list) or not values:
			return "Missing 'parameterValues' property"
	elif name == "refreshObject":
		if not isinstance(task.get("objectName"), str):
			return "Missing 'objectName' property"
	return None


def _sanitize_dates(query: dict) -> dict:
	out = {}
	for k, v in query.items():
		if k.startswith("$"):
			out[k] = [_sanitize_dates(x) for x in v]
		elif k in ("timestamp", "expiry") and isinstance(v, dict):
			out[k] = {
				op: (_to_date(x) if op.startswith("$") and op not in ("$exists",) else x)
				for op, x in v.items()
			}
		elif k in ("timestamp", "expiry"):
			out[k] = _to_date(v)
		else:
			out[k] = v
	return out


def _to_date(v):
	if isinstance(v, (int, float)):
		return datetime.fromtimestamp(v / 1000, timezone.utc)
	return mongo.parse_date(v) or v


class _Handler(BaseHTTPRequestHandler):
	sim: NbiSimulator
	protocol_version = "HTTP/1.1"  # keep-alive, so a pooled client reuses its connections
	disable_nagle_algorithm = True  # headers and body go out as separate writes

	def log_message(self, *args):
		pass

	def _send(self, status: int, body="", reason=None, headers=None):
		if isinstance(body, (dict, list)):
			data = dumps(body).encode()
			ctype = "application/json"
		else:
			data = str(body).encode()
			ctype = "text/plain"
		self.send_response(status, reason)
		self.send_header("Content-Type", ctype)
		self.send_header("Content-Length", str(len(data)))
		self.send_header("GenieACS-Version", "1.2.13-sim")
		for k, v in (headers or {}).items():
			self.send_header(k, v)
		self.end_headers()
		if self.command != "HEAD":
			self.wfile.write(data)
			self.sim.bytes_out += len(data)

	def _body(self) -> bytes:
		n = int(self.headers.get("Content-Length") or 0)
		return self.rfile.read(n) if n else b""

	def _handle(self):
		sim = self.sim
		body = self._body()
		url = urlsplit(self.path)
		path, params = url.path, parse_qs(url.query, keep_blank_values=True)
		sim.requests.append((self.command, path))
		if sim.latency:
			time.sleep(sim.latency)
		if sim._fail_left > 0:
			sim._fail_left -= 1
			return self._send(sim._fail_status, "Simulated failure")
		arg = lambda name: params.get(name, [None])[0]  # noqa: E731

		if m := _TAGS.match(path):
			device_id, tag = unquote(m.group(1)), unquote(m.group(2))
			if self.command not in ("POST", "DELETE"):
				return self._send(405, "405 Method Not Allowed", headers={"Allow": "POST, DELETE"})
			# $addToSet / $pull on a device that may not exist: 200 either way (lib/nbi.ts)
			with sim._lock:
				if device_id in sim.devices:
					doc = sim._own(device_id)
					tags = doc.setdefault("_tags", [])
					if self.command == "POST" and tag not in tags:
						tags.append(tag)
					elif self.command == "DELETE" and tag in tags:
						tags.remove(tag)
			return self._send(200)
		if m := _FAULTS.match(path):
			if self.command != "DELETE":
				return self._send(405, "405 Method Not Allowed", headers={"Allow": "DELETE"})
			return self._send(*sim.delete_fault(unquote(m.group(1))))
		if m := _DEVICE_TASKS.match(path):
			if self.command != "POST":
				return self._send(405, "405 Method Not Allowed", headers={"Allow": "POST"})
			task = None
			if body:
				try:
					task = json.loads(body)
				except ValueError as e:
					return self._send(400, f"SyntaxError: {e}")
			status, reason, out = sim.post_task(unquote(m.group(1)), task, "connection_request" in params)
			return self._send(status, out, reason)
		if m := _TASKS.match(path):
			task_id, action = unquote(m.group(1)), m.group(2)
			if not action or action == "/":
				if self.command != "DELETE":
					return self._send(405, "405 Method Not Allowed", headers={"Allow": "PUT DELETE"})
				return self._send(*sim.delete_task(task_id))
			if action == "/retry" and self.command == "POST":
				return self._send(*sim.retry_task(task_id))
			return self._send(404)
		if (m := _DEVICE.match(path)) and self.command == "DELETE":
			device_id = unquote(m.group(1))
			with sim._lock:
				sim.devices.pop(device_id, None)
			return self._send(200)
		if m := _QUERY.match(path):
			collection = m.group(1)
			if self.command not in ("GET", "HEAD"):
				return self._send(405, "405 Method Not Allowed", headers={"Allow": "GET, HEAD"})
			if collection not in ("devices", "tasks", "faults"):
				return self._send(404, "404 Not Found")
			try:
				query = json.loads(arg("query")) if arg("query") else {}
				sort = list(json.loads(arg("sort")).items()) if arg("sort") else None
			except ValueError as e:
				return self._send(400, f"SyntaxError: {e}")
			if sort and collection == "devices":
				sort = [(k if k.rsplit(".", 1)[-1].startswith("_") else k + "._value", v) for k, v in sort]
			projection = None
			if arg("projection"):
				projection = mongo.optimize_projection(arg("projection").split(","))
			try:
				total, docs = sim.find(
					collection, query, projection, sort, int(arg("skip") or 0), int(arg("limit") or 0)
				)
			except (ValueError, TypeError) as e:
				return self._send(500, f"Error: {e}", headers={"Connection": "close"})
			data = ("[\n" + ",\n".join(dumps(d) for d in docs) + "\n]").encode()
			self.send_response(200)
			self.send_header("Content-Type", "application/json")
			self.send_header("total", str(total))
			self.send_header("Content-Length", str(len(data)))
			self.end_headers()
			if self.command != "HEAD":
				self.wfile.write(data)
				sim.bytes_out += len(data)
			return None
		return self._send(404, "404 Not Found")

	do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _handle
