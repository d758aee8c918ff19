"""Oktopus controller API double: the routes and JSON shapes of Oktopus's
`backend/services/controller/internal/api` (login, device info, USP Get and Operate).

USP Get answers as Oktopus serialises the protobuf GetResp with Go's encoding/json (field
names from the proto: req_path_results, requested_path, err_code, err_msg,
resolved_path_results, resolved_path, result_params); each object instance is one resolved
path result holding its own parameters, values as strings (USP carries strings).
"""

import json
import random
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from simulators.genieacs_nbi.fleet import _tr181

OFFLINE, ASSOCIATING, ONLINE = 0, 1, 2


def usp_device_params(serial: str, seed: int = 1, model: str = "XX230v") -> dict[str, str]:
	"""Flat TR-181 parameters of a synthetic USP device (values as USP strings)."""
	from datetime import datetime, timezone

	rng = random.Random(seed)
	flat = _tr181(rng, model, serial, "5C628B", datetime.now(timezone.utc), with_optical=True, filler=0)
	out = {}
	for k, v in flat.items():
		out[k] = ("true" if v else "false") if isinstance(v, bool) else str(v)
	return out


class OktopusDouble:
	def __init__(self, email="noc@gigafibre.ca", password="secret"):
		self.email, self.password = email, password
		self.tokens: set[str] = set()
		self.devices: dict[str, dict] = {}
		self.params: dict[str, dict[str, str]] = {}
		self.operations: list[tuple[str, str, dict]] = []
		self.requests: list[tuple[str, str]] = []
		self._server = None

	def add_device(
		self, serial: str, params: dict[str, str], status=ONLINE, model="XX230v", vendor="TP-Link"
	):
		self.devices[serial] = {
			"SN": serial,
			"Model": model,
			"Customer": "",
			"Vendor": vendor,
			"Version": params.get("Device.DeviceInfo.SoftwareVersion", ""),
			"ProductClass": model,
			"Status": status,
			"Mqtt": status,
			"Stomp": OFFLINE,
			"Websockets": OFFLINE,
		}
		self.params[serial] = dict(params)

	def get_response(self, serial: str, paths: list[str]) -> dict:
		params = self.params[serial]
		results = []
		for requested in paths:
			if not requested.startswith("Device."):
				results.append({"requested_path": requested, "err_code": 7026, "err_msg": "Invalid path"})
				continue
			by_object: dict[str, dict[str, str]] = {}
			for path, value in params.items():
				# an object path ends with "." and takes its subtree; a parameter path is exact
				if path == requested or (requested.endswith(".") and path.startswith(requested)):
					obj, _, name = path.rpartition(".")
					by_object.setdefault(obj + ".", {})[name] = value
			if not by_object:
				results.append({"requested_path": requested, "err_code": 7026, "err_msg": "Invalid path"})
				continue
			results.append(
				{
					"requested_path": requested,
					"resolved_path_results": [
						{"resolved_path": obj, "result_params": vals}
						for obj, vals in sorted(by_object.items())
					],
				}
			)
		return {"req_path_results": results}

	def start(self) -> str:
		handler = type("Handler", (_Handler,), {"double": self})
		self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
		self._server.daemon_threads = True
		threading.Thread(
			target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
		).start()
		host, port = self._server.server_address[:2]
		return f"http://{host}:{port}"

	def stop(self):
		if self._server:
			self._server.shutdown()
			self._server.server_close()
			self._server = None


class _Handler(BaseHTTPRequestHandler):
	double: OktopusDouble
	protocol_version = "HTTP/1.1"
	disable_nagle_algorithm = True

	def log_message(self, *args):
		pass

	def _send(self, status, obj):
		data = json.dumps(obj).encode() + b"\n"  # Go's json.Encoder ends with a newline
		self.send_response(status)
		self.send_header("Content-Type", "application/json")
		self.send_header("Content-Length", str(len(data)))
		self.end_headers()
		self.wfile.write(data)

	def _handle(self):
		d = self.double
		n = int(self.headers.get("Content-Length") or 0)
		raw = self.rfile.read(n) if n else b""
		url = urlsplit(self.path)
		d.requests.append((self.command, url.path))
		if url.path == "/api/auth/login" and self.command == "PUT":
			body = json.loads(raw or b"{}")
			if body.get("email") == d.email and body.get("password") == d.password:
				token = secrets.token_hex(16)
				d.tokens.add(token)
				return self._send(200, token)
			return self._send(401, "Invalid Credentials")
		if self.headers.get("Authorization") not in d.tokens:
			return self._send(401, "Unauthorized")
		parts = [unquote(p) for p in url.path.strip("/").split("/")]
		if parts[:2] == ["api", "device"] and len(parts) == 2 and self.command == "GET":
			sn = parse_qs(url.query).get("id", [""])[0]
			if sn:
				dev = d.devices.get(sn)
				# Oktopus asks its adapter over NATS; an unknown SN comes back as an empty device
				return self._send(200, dev or {"SN": "", "Status": OFFLINE})
			return self._send(200, {"pages": 1, "page": 0, "size": 20, "devices": list(d.devices.values())})
		if parts[:2] == ["api", "device"] and len(parts) == 5 and self.command == "PUT":
			sn, mtp, action = parts[2], parts[3], parts[4]
			if mtp not in ("mqtt", "websockets", "stomp", "any", ":mtp"):
				return self._send(400, "Invalid MTP, valid options are: mqtt, websockets, stomp")
			dev = d.devices.get(sn)
			if dev is None or dev["Status"] != ONLINE:
				status = dev["Status"] if dev else OFFLINE
				return self._send(
					503, "Device status is associating" if status == ASSOCIATING else "Device is offline"
				)
			body = json.loads(raw or b"{}")
			if action == "get":
				return self._send(200, d.get_response(sn, body.get("param_paths") or []))
			if action == "operate":
				d.operations.append((sn, body.get("command"), body.get("input_args") or {}))
				return self._send(
					200,
					{
						"operation_results": [
							{"executed_command": body.get("command"), "req_output_args": {"output_args": {}}}
						]
					},
				)
		return self._send(404, "404 page not found")

	do_GET = do_PUT = do_POST = do_DELETE = _handle
