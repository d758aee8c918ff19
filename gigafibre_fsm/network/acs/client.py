"""GenieACS NBI client: pooled connections, timeouts, retries with backoff, typed errors.

Settings come as arguments (the shell reads them from its config). Every HTTP request made is
counted in `request_count` (the benchmark reports it).
"""

import json
import random
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import quote

import requests
from requests.adapters import HTTPAdapter

from gigafibre_fsm.errors import ExternalServiceError, InvalidInput, _

DONE = "done"
QUEUED = "queued"
FAULTED = "faulted"

_RETRY_STATUSES = {502, 503, 504}


class AcsUnavailable(ExternalServiceError):
	"""The ACS did not answer, answered too slowly, or failed (5xx)."""


class AcsRequestRejected(ExternalServiceError):
	"""The ACS refused a request (4xx other than an unknown device)."""


class UnknownDevice(InvalidInput):
	"""No such device in the ACS."""


@dataclass
class TaskResult:
	"""What became of a task posted to the NBI.

	status: "done" (200: the device ran it in a session), "queued" (202: the device did not
	answer the connection request; GenieACS runs it at the next inform), "faulted" (202 "Task
	faulted": the device answered with a CWMP fault, kept in `fault`).
	"""

	name: str
	status: str
	task_id: str | None = None
	http_status: int = 0
	reason: str | None = None
	fault: dict | None = None
	task: dict = field(default_factory=dict)


class NbiClient:
	"""A client of GenieACS's northbound interface (default port 7557)."""

	def __init__(
		self,
		base_url: str,
		timeout: float | tuple[float, float] = (3.05, 15.0),
		retries: int = 2,
		backoff: float = 0.3,
		pool_size: int = 16,
		auth: tuple[str, str] | None = None,
		task_timeout: float = 60.0,
		sleep=time.sleep,
	):
		if not base_url or not base_url.startswith(("http://", "https://")):
			raise InvalidInput(
				_("The ACS address must start with http:// or https:// (got {url})"), url=base_url
			)
		self.base_url = base_url.rstrip("/")
		self.timeout = timeout
		self.task_timeout = task_timeout
		self.retries = max(0, retries)
		self.backoff = backoff
		self._sleep = sleep
		self.session = requests.Session()
		adapter = HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0)
		self.session.mount("http://", adapter)
		self.session.mount("https://", adapter)
		if auth:
			self.session.auth = auth
		self._count_lock = threading.Lock()
		self.request_count = 0

	def close(self) -> None:
		self.session.close()

	def __enter__(self):
		return self

	def __exit__(self, *exc):
		self.close()

	# --- transport --------------------------------------------------------------------
	def _request(self, method: str, path: str, params=None, body=None, timeout=None, retry=True):
		url = self.base_url + path
		attempts = 1 + (self.retries if retry else 0)
		last_error = None
		for attempt in range(attempts):
			if attempt:
				# exponential backoff with jitter so that many workers do not retry in step
				self._sleep(self.backoff * (2 ** (attempt - 1)) * (0.5 + random.random()))
			with self._count_lock:
				self.request_count += 1
			try:
				resp = self.session.request(
					method,
					url,
					params=params,
					data=json.dumps(body) if body is not None else None,
					headers={"Content-Type": "application/json"} if body is not None else None,
					timeout=timeout or self.timeout,
				)
			except requests.ConnectionError as e:
				last_error = e
				# a refused connection never reached the ACS: safe to retry even a POST
				continue
			except requests.Timeout as e:
				last_error = e
				if method == "POST":
					break  # the task may have been queued: retrying could run it twice
				continue
			except requests.RequestException as e:
				last_error = e
				break
			if resp.status_code in _RETRY_STATUSES and method != "POST" and attempt + 1 < attempts:
				last_error = f"HTTP {resp.status_code}"
				continue
			if resp.status_code >= 500 and not (resp.status_code == 504 and path.endswith("/tasks")):
				raise AcsUnavailable(
					_("The ACS failed to answer {method} {path}: HTTP {status}"),
					method=method,
					path=path,
					status=resp.status_code,
				)
			return resp
		raise AcsUnavailable(
			_("The ACS is unreachable or too slow ({method} {path}): {error}"),
			method=method,
			path=path,
			error=type(last_error).__name__ if isinstance(last_error, Exception) else str(last_error),
		)

	@staticmethod
	def _json(resp):
		try:
			return resp.json()
		except ValueError:
			raise AcsUnavailable(
				_("The ACS sent an answer that is not JSON (HTTP {status})"), status=resp.status_code
			)

	def _reject(self, resp, path):
		raise AcsRequestRejected(
			_("The ACS refused {path}: HTTP {status} {text}"),
			path=path,
			status=resp.status_code,
			text=resp.text[:200],
		)

	# --- collections ------------------------------------------------------------------
	def query(
		self,
		collection: str,
		query: dict | None = None,
		projection: list[str] | None = None,
		skip: int | None = None,
		limit: int | None = None,
		sort: dict | None = None,
	) -> tuple[int, list[dict]]:
		"""GET /<collection>/ → (total matching, documents of this page)."""
		params = {}
		if query:
			params["query"] = json.dumps(query)
		if projection:
			params["projection"] = ",".join(projection)
		if skip:
			params["skip"] = str(skip)
		if limit:
			params["limit"] = str(limit)
		if sort:
			params["sort"] = json.dumps(sort)
		path = f"/{collection}/"
		resp = self._request("GET", path, params=params)
		if resp.status_code != 200:
			self._reject(resp, path)
		docs = self._json(resp)
		if not isinstance(docs, list):
			raise AcsUnavailable(
				_("The ACS sent an answer that is not a list (HTTP {status})"), status=resp.status_code
			)
		try:
			total = int(resp.headers.get("total", len(docs)))
		except ValueError:
			total = len(docs)
		return total, docs

	def find_devices(self, query=None, projection=None, skip=None, limit=None, sort=None) -> list[dict]:
		"""Device documents matching a GenieACS (MongoDB-style) query."""
		return self.query("devices", query, projection, skip, limit, sort)[1]

	def count_devices(self, query: dict | None = None) -> int:
		"""HEAD /devices/: the `total` header, no body."""
		params = {"query": json.dumps(query)} if query else None
		resp = self._request("HEAD", "/devices/", params=params)
		if resp.status_code != 200:
			self._reject(resp, "/devices/")
		return int(resp.headers.get("total", 0))

	def get_device(self, device_id: str, projection: list[str] | None = None) -> dict | None:
		docs = self.find_devices({"_id": device_id}, projection, limit=1)
		return docs[0] if docs else None

	# --- tasks and faults -------------------------------------------------------------
	def post_task(
		self, device_id: str, task: dict, connection_request: bool = True, timeout_ms: int | None = None
	) -> TaskResult:
		"""POST /devices/<id>/tasks[?connection_request]; see TaskResult for the outcomes."""
		path = f"/devices/{quote(device_id, safe='')}/tasks"
		params = {}
		if connection_request:
			params["connection_request"] = ""
		if timeout_ms:
			params["timeout"] = str(int(timeout_ms))
		query = "&".join(k if v == "" else f"{k}={v}" for k, v in params.items())
		resp = self._request(
			"POST", path + ("?" + query if query else ""), body=task, timeout=(3.05, self.task_timeout)
		)
		if resp.status_code == 404:
			raise UnknownDevice(_("No device {device} in the ACS"), device=device_id)
		if resp.status_code not in (200, 202):
			self._reject(resp, path)
		body = self._json(resp) if resp.content else {}
		result = TaskResult(
			name=task.get("name", ""),
			status=DONE if resp.status_code == 200 else QUEUED,
			task_id=body.get("_id") if isinstance(body, dict) else None,
			http_status=resp.status_code,
			reason=resp.reason,
			task=body if isinstance(body, dict) else {},
		)
		if resp.status_code == 202 and (resp.reason or "").lower() == "task faulted":
			result.status = FAULTED
			if result.task_id:
				faults = self.query("faults", {"_id": f"{device_id}:task_{result.task_id}"})[1]
				result.fault = faults[0] if faults else None
		return result

	def connection_request(self, device_id: str) -> bool:
		"""Ask the device to open a session now (no task). True when it answered."""
		path = f"/devices/{quote(device_id, safe='')}/tasks"
		resp = self._request("POST", path + "?connection_request", retry=False)
		if resp.status_code == 404:
			raise UnknownDevice(_("No device {device} in the ACS"), device=device_id)
		return resp.status_code == 200

	def tasks(self, query: dict | None = None) -> list[dict]:
		return self.query("tasks", query)[1]

	def faults(self, query: dict | None = None) -> list[dict]:
		return self.query("faults", query)[1]

	def delete_task(self, task_id: str) -> bool:
		"""False when the task no longer exists (it ran meanwhile)."""
		resp = self._request("DELETE", f"/tasks/{quote(task_id, safe='')}")
		return resp.status_code == 200

	def retry_task(self, task_id: str) -> bool:
		resp = self._request("POST", f"/tasks/{quote(task_id, safe='')}/retry")
		return resp.status_code == 200

	def delete_fault(self, fault_id: str) -> bool:
		resp = self._request("DELETE", f"/faults/{quote(fault_id, safe=':')}")
		return resp.status_code == 200

	# --- tags ---------------------------------------------------------------------------
	def device_tags(self, device_id: str) -> list[str]:
		"""The device's `_tags` (GenieACS keeps them on the device document). Raises
		UnknownDevice when the ACS has no such device."""
		doc = self.get_device(device_id, ["_id", "_tags"])
		if doc is None:
			raise UnknownDevice(_("No device {device} in the ACS"), device=device_id)
		tags = doc.get("_tags") or []
		return [t for t in tags if isinstance(t, str)]

	def add_tag(self, device_id: str, tag: str) -> None:
		"""POST /devices/<id>/tags/<tag>: MongoDB's `$addToSet`, so adding twice is harmless.
		GenieACS answers 200 even for an unknown device (an update matching nothing)."""
		self._tag("POST", device_id, tag)

	def remove_tag(self, device_id: str, tag: str) -> None:
		"""DELETE /devices/<id>/tags/<tag>: MongoDB's `$pull` (200 whether or not it was there)."""
		self._tag("DELETE", device_id, tag)

	def _tag(self, method: str, device_id: str, tag: str) -> None:
		path = f"/devices/{quote(device_id, safe='')}/tags/{quote(tag, safe='')}"
		# both are idempotent at the ACS, so a refused connection or a timeout may be retried
		resp = self._request(method, path)
		if resp.status_code != 200:
			self._reject(resp, path)
