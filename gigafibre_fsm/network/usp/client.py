"""A small client of Oktopus's controller REST API (TR-369/USP), and the same device summary
as for TR-069 devices.

Endpoints (Oktopus `backend/services/controller/internal/api/api.go`):
- PUT  /api/auth/login {"email", "password"} → the token, a JSON string; later requests send
  it in the `Authorization` header.
- GET  /api/device?id=<SN> → {"SN", "Model", "Customer", "Vendor", "Version",
  "ProductClass", "Status", "Mqtt", "Stomp", "Websockets"}; Status 0 offline, 1
  associating, 2 online.
- PUT  /api/device/<SN>/<mtp>/get {"param_paths": [...], "max_depth": 0} → the USP GetResp
  as JSON: {"req_path_results": [{"requested_path", "err_code", "err_msg",
  "resolved_path_results": [{"resolved_path", "result_params": {name: value}}]}]}.
  <mtp> is mqtt, websockets, stomp or "any".
- PUT  /api/device/<SN>/<mtp>/operate {"command": "Device.Reboot()", "command_key",
  "send_resp": true, "input_args": {}} → the OperateResp.
An offline device answers 503 with a JSON string ("Device is offline").
"""

import json
import random
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import quote

import requests
from requests.adapters import HTTPAdapter

from gigafibre_fsm.errors import ExternalServiceError, InvalidInput, _
from gigafibre_fsm.network.acs.summary import DeviceSummary, summarize

OFFLINE, ASSOCIATING, ONLINE = 0, 1, 2

SUMMARY_PATHS = [
	"Device.DeviceInfo.",
	"Device.PPP.Interface.",
	"Device.DHCPv4.Client.",
	"Device.Optical.Interface.",
	"Device.Ethernet.Interface.",
	"Device.WiFi.Radio.",
	"Device.WiFi.SSID.",
	"Device.WiFi.AccessPoint.",
	"Device.WiFi.MultiAP.APDevice.",
]


class ControllerUnavailable(ExternalServiceError):
	"""The USP controller (Oktopus) did not answer or failed."""


class DeviceOffline(ExternalServiceError):
	"""The USP agent is not connected to the controller."""


@dataclass
class UspDevice:
	serial: str
	model: str | None
	vendor: str | None
	version: str | None
	product_class: str | None
	status: int

	@property
	def online(self) -> bool:
		return self.status == ONLINE


class OktopusClient:
	"""Oktopus controller API client (settings as arguments, pooled session, retries)."""

	def __init__(
		self,
		base_url: str,
		email: str | None = None,
		password: str | None = None,
		timeout: float | tuple[float, float] = (3.05, 30.0),
		retries: int = 1,
		backoff: float = 0.3,
		mtp: str = "any",
		sleep=time.sleep,
	):
		if not base_url or not base_url.startswith(("http://", "https://")):
			raise InvalidInput(
				_("The USP controller address must start with http:// or https:// (got {url})"), url=base_url
			)
		self.base_url = base_url.rstrip("/")
		self.email, self.password = email, password
		self.timeout, self.retries, self.backoff, self.mtp = timeout, retries, backoff, mtp
		self._sleep = sleep
		self.session = requests.Session()
		self.session.mount("http://", HTTPAdapter(pool_maxsize=8))
		self.session.mount("https://", HTTPAdapter(pool_maxsize=8))
		self.token: str | None = None
		self.request_count = 0

	def close(self) -> None:
		self.session.close()

	def _send(self, method: str, path: str, body=None, params=None):
		last = None
		for attempt in range(1 + self.retries):
			if attempt:
				self._sleep(self.backoff * (2 ** (attempt - 1)) * (0.5 + random.random()))
			self.request_count += 1
			headers = {"Content-Type": "application/json"}
			if self.token:
				headers["Authorization"] = self.token
			try:
				resp = self.session.request(
					method,
					self.base_url + path,
					data=json.dumps(body) if body is not None else None,
					params=params,
					headers=headers,
					timeout=self.timeout,
				)
			except requests.ConnectionError as e:
				last = e
				continue
			except requests.RequestException as e:
				last = e
				break
			if resp.status_code in (502, 504) and attempt < self.retries:
				last = f"HTTP {resp.status_code}"
				continue
			return resp
		raise ControllerUnavailable(
			_("The USP controller is unreachable or too slow ({path}): {error}"),
			path=path,
			error=type(last).__name__ if isinstance(last, Exception) else str(last),
		)

	def _request(self, method: str, path: str, body=None, params=None):
		if self.token is None and self.email:
			self.login()
		resp = self._send(method, path, body, params)
		if resp.status_code == 401 and self.email:
			self.login()  # the token expired (Oktopus issues 4-hour tokens)
			resp = self._send(method, path, body, params)
		return resp

	def _fail(self, resp, path):
		try:
			detail = resp.json()
		except ValueError:
			detail = resp.text
		if resp.status_code == 503:
			raise DeviceOffline(
				_("The device is not connected to the USP controller: {detail}"), detail=str(detail)[:200]
			)
		raise ControllerUnavailable(
			_("The USP controller failed on {path}: HTTP {status} {detail}"),
			path=path,
			status=resp.status_code,
			detail=str(detail)[:200],
		)

	def login(self) -> str:
		resp = self._send("PUT", "/api/auth/login", {"email": self.email, "password": self.password})
		if resp.status_code != 200:
			self._fail(resp, "/api/auth/login")
		self.token = resp.json()
		return self.token

	def device(self, serial: str) -> UspDevice:
		resp = self._request("GET", "/api/device", params={"id": serial})
		if resp.status_code != 200:
			self._fail(resp, "/api/device")
		d = resp.json() if resp.content else {}
		if not isinstance(d, dict):
			d = {}
		return UspDevice(
			serial=d.get("SN") or serial,
			model=d.get("Model") or None,
			vendor=d.get("Vendor") or None,
			version=d.get("Version") or None,
			product_class=d.get("ProductClass") or None,
			status=d.get("Status") if isinstance(d.get("Status"), int) else OFFLINE,
		)

	def get_parameters(self, serial: str, paths: list[str], max_depth: int = 0) -> dict[str, str]:
		"""USP Get → {full parameter path: value}; paths the agent rejects are left out."""
		path = f"/api/device/{quote(serial, safe='')}/{self.mtp}/get"
		resp = self._request("PUT", path, {"param_paths": paths, "max_depth": max_depth})
		if resp.status_code != 200:
			self._fail(resp, path)
		return flatten_get_response(resp.json())

	def operate(self, serial: str, command: str, input_args: dict | None = None) -> dict:
		path = f"/api/device/{quote(serial, safe='')}/{self.mtp}/operate"
		body = {
			"command": command,
			"command_key": f"gigafibre-{int(time.time())}",
			"send_resp": True,
			"input_args": input_args or {},
		}
		resp = self._request("PUT", path, body)
		if resp.status_code != 200:
			self._fail(resp, path)
		return resp.json() if resp.content else {}

	def reboot(self, serial: str) -> dict:
		return self.operate(serial, "Device.Reboot()")

	def factory_reset(self, serial: str, confirm_serial: str | None) -> dict:
		if not confirm_serial or confirm_serial.strip().upper() != serial.upper():
			raise InvalidInput(
				_(
					"A factory reset erases the customer's settings: type the serial number {serial} to confirm"
				),
				serial=serial,
			)
		return self.operate(serial, "Device.FactoryReset()")


def flatten_get_response(resp) -> dict[str, str]:
	"""The parameters of a USP GetResp (as Oktopus returns it in JSON), keyed by full path."""
	out: dict[str, str] = {}
	if not isinstance(resp, dict):
		return out
	for req in resp.get("req_path_results") or []:
		if not isinstance(req, dict) or req.get("err_code"):
			continue
		for res in req.get("resolved_path_results") or []:
			if not isinstance(res, dict):
				continue
			base = str(res.get("resolved_path") or "")
			if base and not base.endswith("."):
				base += "."
			for name, val in (res.get("result_params") or {}).items():
				out[base + name] = val
	return out


def params_to_document(serial: str, flat: dict[str, str], info: UspDevice | None = None) -> dict:
	"""A GenieACS-shaped document from flat USP parameters, so the TR-069 summary reads it."""
	doc: dict = {
		"_id": serial,
		"_deviceId": {
			"_SerialNumber": serial,
			"_Manufacturer": info.vendor if info else None,
			"_ProductClass": (info.product_class or info.model) if info else None,
		},
	}
	for path, val in flat.items():
		parts = [p for p in path.split(".") if p]
		node = doc
		ok = True
		for part in parts[:-1]:
			nxt = node.setdefault(part, {"_object": True})
			if not isinstance(nxt, dict):
				ok = False
				break
			node = nxt
		if ok and parts:
			node[parts[-1]] = {"_object": False, "_value": val, "_type": "xsd:string"}
	return doc


def usp_summary(
	client: OktopusClient, serial: str, now: datetime | None = None, thresholds=None
) -> DeviceSummary:
	"""The same DeviceSummary as a TR-069 device: 2 controller requests (device, Get).

	A USP device has no "last inform": online is the controller's view of the agent's MTP
	connection. An offline device gives the identity only, the rest unknown."""
	now = now or datetime.now(timezone.utc)
	info = client.device(serial)
	flat = client.get_parameters(serial, SUMMARY_PATHS) if info.online else {}
	summary = summarize(params_to_document(serial, flat, info), now=now, thresholds=thresholds)
	summary.online = info.online
	summary.model = summary.model or info.model
	summary.firmware = summary.firmware or info.version
	summary.manufacturer = summary.manufacturer or info.vendor
	return summary
