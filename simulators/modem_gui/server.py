"""A local imitation of a TP-Link XX230v-style ONT web GUI whose JSON API is encrypted by its own JS.

See README.md for the protocol. The server side of the crypto uses the `cryptography` package; the
client side is the page's JavaScript (static/gdpr.js) running in a real browser.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import ipaddress
import json
import os
import secrets
import socket
import ssl
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric import padding as rsa_padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.x509.oid import NameOID

STATIC = Path(__file__).parent / "static"

ACT_GET, ACT_SET, ACT_ADD, ACT_DEL, ACT_GL, ACT_GS, ACT_OP, ACT_CGI = 1, 2, 3, 4, 5, 6, 7, 8
READ_ACTIONS = {ACT_GET, ACT_GL, ACT_GS}


def default_data_model() -> dict:
	"""The data-manager objects of a healthy XX230v on a GPON line (values are strings, as on the unit)."""
	return {
		"DEV_INFO": {
			"modelName": "XX230v",
			"description": "AX1800 Dual-Band Wi-Fi 6 GPON ONT",
			"manufacturer": "TP-Link",
			"serialNumber": "22351Q7000123",
			"hardwareVersion": "XX230v 1.0",
			"softwareVersion": "1.2.7 Build 20240105 rel.40962(5553)",
			"upTime": "123456",
		},
		"GPON_INTF_INFO": {
			"status": "O5",
			"rxPower": "-18.52",
			"txPower": "2.31",
			"temperature": "45.2",
			"supplyVoltage": "3.28",
			"biasCurrent": "12.4",
			"ponSN": "TPLG1A2B3C4D",
		},
		"WAN_IP_CONN": [
			{
				"name": "ipoe_0_1_d",
				"enable": "1",
				"connectionStatus": "Connected",
				"connectionType": "IP_Routed",
				"addressingType": "DHCP",
				"externalIPAddress": "100.64.12.34",
				"subnetMask": "255.255.255.0",
				"defaultGateway": "100.64.12.1",
				"DNSServers": "10.5.0.53,10.5.0.54",
				"MACAddress": "50:91:e3:12:34:56",
				"uptime": "123000",
			}
		],
		"LAN_WLAN": [
			{
				"name": "wlan0",
				"enable": "1",
				"SSID": "Gigafibre-3456",
				"X_TP_Band": "2.4GHz",
				"channel": "6",
				"standard": "b/g/n/ax",
				"BSSID": "50:91:e3:12:34:57",
				"totalAssociations": "3",
				"X_TP_PreSharedKey": "correct horse battery",
			},
			{
				"name": "wlan1",
				"enable": "1",
				"SSID": "Gigafibre-3456-5G",
				"X_TP_Band": "5GHz",
				"channel": "44",
				"standard": "a/n/ac/ax",
				"BSSID": "50:91:e3:12:34:58",
				"totalAssociations": "5",
				"X_TP_PreSharedKey": "correct horse battery",
			},
		],
		"LAN_HOST_ENTRY": [
			{
				"hostName": "laptop",
				"IPAddress": "192.168.0.100",
				"MACAddress": "a4:83:e7:00:00:01",
				"active": "1",
			},
			{
				"hostName": "tv",
				"IPAddress": "192.168.0.101",
				"MACAddress": "a4:83:e7:00:00:02",
				"active": "0",
			},
		],
		"USER_CFG": {"adminName": "admin", "adminPwd": "admin-secret"},
	}


@dataclass
class _Session:
	key: bytes
	iv: bytes
	token: str
	last_seq: int
	expires_at: float


@dataclass
class SimulatorStats:
	"""What the modem saw: lets tests check reuse (logins), read-only use and refusals."""

	logins_ok: int = 0
	logins_failed: int = 0
	data_requests: int = 0
	read_actions: int = 0
	non_read_actions: int = 0
	page_loads: int = 0
	requests: int = 0
	# (start, end) monotonic times of each data request: shows how many the bridge runs at once
	intervals: list = field(default_factory=list)
	refused: dict = field(default_factory=dict)

	def refuse(self, reason: str):
		self.refused[reason] = self.refused.get(reason, 0) + 1


class ModemGuiSimulator:
	"""One simulated modem GUI on `host:port` (port 0 = a free one). Use as a context manager.

	Faults: `hang_paths` (e.g. {"/cgi_gdpr"} or {"/"}) makes those paths never answer until stop();
	`session_ttl_s` expires the modem's own sessions; `max_failed_logins` locks the login.
	"""

	def __init__(
		self,
		host: str = "127.0.0.1",
		port: int = 0,
		*,
		username: str = "admin",
		password: str = "admin",
		session_ttl_s: float = 600.0,
		max_failed_logins: int = 5,
		lockout_s: float = 60.0,
		data_model: dict | None = None,
		rsa_key: rsa.RSAPrivateKey | None = None,
		tls: bool = False,
	):
		self.host, self.port = host, port
		self.username, self.password = username, password
		self.session_ttl_s = session_ttl_s
		self.max_failed_logins, self.lockout_s = max_failed_logins, lockout_s
		self.data_model = data_model if data_model is not None else default_data_model()
		self.rsa_key = rsa_key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
		self.tls = tls  # HTTPS with a self-signed certificate, as modems present
		self.hang_paths: set[str] = set()
		# HTML injected into the page, e.g. an <img> pointing elsewhere to test the bridge's origin guard
		self.extra_html = ""
		self.delay_s = 0.0  # a slow modem: each data request takes this long
		self.stats = SimulatorStats()
		self._lock = threading.Lock()
		self._sessions: dict[str, _Session] = {}
		self._pending_seqs: dict[int, float] = {}
		self._failed = 0
		self._locked_until = 0.0
		self._stopping = threading.Event()
		self._server: ThreadingHTTPServer | None = None
		self._thread: threading.Thread | None = None

	# -- lifecycle --------------------------------------------------------------------------------
	def start(self) -> ModemGuiSimulator:
		sim = self

		class Handler(_Handler):
			simulator = sim

		self._server = ThreadingHTTPServer((self.host, self.port), Handler)
		self._server.daemon_threads = True
		if self.tls:
			self._server.socket = _self_signed_context(self.host).wrap_socket(
				self._server.socket, server_side=True
			)
		self.port = self._server.server_address[1]
		self._thread = threading.Thread(
			target=self._server.serve_forever, args=(0.05,), name="modem-gui-sim", daemon=True
		)
		self._thread.start()
		return self

	def stop(self):
		self._stopping.set()  # releases hung handlers
		if self._server:
			self._server.shutdown()
			self._server.server_close()
			self._server = None

	def __enter__(self):
		return self.start()

	def __exit__(self, *exc):
		self.stop()

	@property
	def base_url(self) -> str:
		return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}"

	def expire_sessions(self):
		"""Forget every session, as a modem reboot would."""
		with self._lock:
			self._sessions.clear()

	# -- protocol ---------------------------------------------------------------------------------
	def public_key_text(self) -> str:
		numbers = self.rsa_key.public_key().public_numbers()
		seq = secrets.randbelow(900_000_000) + 100_000_000
		with self._lock:
			now = time.monotonic()
			self._pending_seqs = {s: t for s, t in self._pending_seqs.items() if now - t < 60}
			self._pending_seqs[seq] = now
		return f'var ee="{numbers.e:06x}";\nvar nn="{numbers.n:x}";\nvar seq="{seq}";\n'

	def _open_sign(self, sign_hex: str) -> dict[str, str]:
		plain = self.rsa_key.decrypt(
			bytes.fromhex(sign_hex),
			rsa_padding.OAEP(mgf=rsa_padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None),
		).decode()
		return dict(part.split("=", 1) for part in plain.split("&"))

	@staticmethod
	def _parse_body(body: bytes) -> tuple[str, str]:
		fields = {}
		for line in body.decode("ascii").split("\r\n"):
			if "=" in line:
				k, v = line.split("=", 1)
				fields[k] = v
		return fields["sign"], fields["data"]

	@staticmethod
	def _aes(key: bytes, iv: bytes, data: bytes, encrypt: bool) -> bytes:
		cipher = Cipher(algorithms.AES(key), modes.CBC(iv))
		if encrypt:
			padder = padding.PKCS7(128).padder()
			enc = cipher.encryptor()
			return enc.update(padder.update(data) + padder.finalize()) + enc.finalize()
		dec = cipher.decryptor()
		unpadder = padding.PKCS7(128).unpadder()
		return unpadder.update(dec.update(data) + dec.finalize()) + unpadder.finalize()

	def handle_login(self, body: bytes) -> tuple[int, str, dict]:
		"""Returns (status, body text, extra headers)."""
		try:
			sign_hex, data_b64 = self._parse_body(body)
			sign = self._open_sign(sign_hex)
			key, iv, seq = base64.b64decode(sign["k"]), base64.b64decode(sign["i"]), int(sign["s"])
			if sign["d"] != hashlib.sha256(data_b64.encode()).hexdigest():
				raise ValueError("data digest")
			creds = json.loads(self._aes(key, iv, base64.b64decode(data_b64), encrypt=False))
		except Exception:
			self.stats.refuse("malformed")
			return 403, json.dumps({"errorcode": "encryption_required"}), {}
		now = time.monotonic()
		with self._lock:
			if self._pending_seqs.pop(seq, None) is None:
				self.stats.refuse("replay")
				return 403, json.dumps({"errorcode": "replay"}), {}
			if now < self._locked_until:
				self.stats.logins_failed += 1
				return 200, json.dumps({"errorcode": "locked", "message": "Too many attempts"}), {}
			ok = hmac.compare_digest(str(creds.get("username", "")), self.username) & hmac.compare_digest(
				str(creds.get("password", "")), self.password
			)
			if not ok:
				self.stats.logins_failed += 1
				self._failed += 1
				if self._failed >= self.max_failed_logins:
					self._failed = 0
					self._locked_until = now + self.lockout_s
				return 200, json.dumps({"errorcode": "denied", "message": "Wrong user name or password"}), {}
			self._failed = 0
			sid, token = secrets.token_hex(16), secrets.token_hex(16)
			self._sessions[sid] = _Session(key, iv, token, seq, now + self.session_ttl_s)
			self.stats.logins_ok += 1
		reply = self._aes(key, iv, json.dumps({"errorcode": 0, "token": token}).encode(), encrypt=True)
		cookie = f"JSESSIONID={sid}; Path=/; HttpOnly; SameSite=Strict"
		return 200, base64.b64encode(reply).decode(), {"Set-Cookie": cookie}

	def handle_data(self, body: bytes, cookies: dict, token: str | None) -> tuple[int, str]:
		started = time.monotonic()
		if self.delay_s:
			time.sleep(self.delay_s)
		try:
			return self._handle_data(body, cookies, token)
		finally:
			self.stats.intervals.append((started, time.monotonic()))

	def _handle_data(self, body: bytes, cookies: dict, token: str | None) -> tuple[int, str]:
		now = time.monotonic()
		with self._lock:
			session = self._sessions.get(cookies.get("JSESSIONID", ""))
			if session is None or now >= session.expires_at:
				if session is not None:
					del self._sessions[cookies["JSESSIONID"]]
				self.stats.refuse("expired")
				return 200, json.dumps({"errorcode": "expired"})
			if not token or not hmac.compare_digest(token, session.token):
				self.stats.refuse("token")
				return 403, json.dumps({"errorcode": "token"})
			try:
				sign_hex, data_b64 = self._parse_body(body)
				sign = self._open_sign(sign_hex)
				seq = int(sign["s"])
				if sign["d"] != hashlib.sha256(data_b64.encode()).hexdigest():
					raise ValueError("data digest")
				request = json.loads(
					self._aes(session.key, session.iv, base64.b64decode(data_b64), encrypt=False)
				)
			except Exception:
				self.stats.refuse("malformed")
				return 403, json.dumps({"errorcode": "encryption_required"})
			if seq <= session.last_seq:
				self.stats.refuse("replay")
				return 403, json.dumps({"errorcode": "replay"})
			session.last_seq = seq
			session.expires_at = now + self.session_ttl_s
			self.stats.data_requests += 1
			reply = self._execute(request.get("actions", []))
			key, iv = session.key, session.iv
		return 200, base64.b64encode(self._aes(key, iv, json.dumps(reply).encode(), encrypt=True)).decode()

	def _execute(self, actions: list) -> dict:
		results = []
		for action in actions:
			kind, oid, attrs = action.get("type"), action.get("oid"), action.get("attrs") or []
			if kind in READ_ACTIONS:
				self.stats.read_actions += 1
			else:
				self.stats.non_read_actions += 1
			if oid not in self.data_model:
				return {"errorcode": "unknown_oid", "oid": oid}
			obj = self.data_model[oid]

			def pick(entry):
				return {k: v for k, v in entry.items() if not attrs or k in attrs}

			if kind == ACT_GET and isinstance(obj, dict):
				results.append({"stack": "0,0,0,0,0,0", "attrs": pick(obj)})
			elif kind == ACT_GL and isinstance(obj, list):
				listed = [{**pick(e), "__stack": f"{i + 1},0,0,0,0,0"} for i, e in enumerate(obj)]
				results.append({"list": listed})
			elif kind == ACT_SET and isinstance(obj, dict):
				# A real write: a bridge that issued one would change the modem (tests check it never does).
				obj.update({k: str(v) for k, v in (action.get("values") or {}).items()})
				results.append({"stack": "0,0,0,0,0,0"})
			else:
				return {"errorcode": "bad_action", "oid": oid}
		return {"errorcode": 0, "results": results}


class _Handler(BaseHTTPRequestHandler):
	simulator: ModemGuiSimulator
	protocol_version = "HTTP/1.1"
	disable_nagle_algorithm = True  # headers and body go out in separate writes

	def log_message(self, format, *args):  # keep test output quiet
		pass

	def _hang_if_asked(self) -> bool:
		path = self.path.split("?", 1)[0]
		if path in self.simulator.hang_paths or (path == "/index.html" and "/" in self.simulator.hang_paths):
			self.simulator._stopping.wait(120)
			self.close_connection = True
			return True
		return False

	def _send(self, status: int, body: str | bytes, content_type: str, headers: dict | None = None):
		data = body.encode() if isinstance(body, str) else body
		self.send_response(status)
		self.send_header("Content-Type", content_type)
		self.send_header("Content-Length", str(len(data)))
		self.send_header("Cache-Control", "no-store")
		for k, v in (headers or {}).items():
			self.send_header(k, v)
		self.end_headers()
		try:
			self.wfile.write(data)
		except (BrokenPipeError, ConnectionResetError):
			pass

	def do_GET(self):
		self.simulator.stats.requests += 1
		if self._hang_if_asked():
			return
		path = self.path.split("?", 1)[0]
		if path in ("/", "/index.html"):
			self.simulator.stats.page_loads += 1
			page = (STATIC / "index.html").read_text().replace("<!--EXTRA-->", self.simulator.extra_html)
			self._send(200, page, "text/html; charset=utf-8")
		elif path == "/js/gdpr.js":
			self._send(200, (STATIC / "gdpr.js").read_bytes(), "application/javascript")
		elif path == "/favicon.ico":
			self._send(204, b"", "image/x-icon")
		else:
			self._send(404, "not found", "text/plain")

	def do_POST(self):
		length = int(self.headers.get("Content-Length") or 0)
		body = self.rfile.read(length) if length else b""
		self.simulator.stats.requests += 1
		if self._hang_if_asked():
			return
		path = self.path.split("?", 1)[0]
		sim = self.simulator
		if path == "/cgi/getParm":
			self._send(200, sim.public_key_text(), "text/plain")
		elif path == "/cgi/login":
			status, text, headers = sim.handle_login(body)
			self._send(status, text, "text/plain", headers)
		elif path == "/cgi_gdpr":
			cookies = {}
			for part in (self.headers.get("Cookie") or "").split(";"):
				if "=" in part:
					k, v = part.strip().split("=", 1)
					cookies[k] = v
			status, text = sim.handle_data(body, cookies, self.headers.get("TokenID"))
			self._send(status, text, "text/plain")
		else:
			self._send(HTTPStatus.NOT_FOUND, "not found", "text/plain")


def _self_signed_context(host: str) -> ssl.SSLContext:
	"""A throw-away self-signed certificate for `host` (files in a temp folder, removed at once)."""
	key = ec.generate_private_key(ec.SECP256R1())
	name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
	now = datetime.datetime.now(datetime.timezone.utc)
	cert = (
		x509.CertificateBuilder()
		.subject_name(name)
		.issuer_name(name)
		.public_key(key.public_key())
		.serial_number(x509.random_serial_number())
		.not_valid_before(now - datetime.timedelta(days=1))
		.not_valid_after(now + datetime.timedelta(days=30))
		.add_extension(
			x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]), critical=False
		)
		.sign(key, hashes.SHA256())
	)
	context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
	with tempfile.TemporaryDirectory() as tmp:
		cert_path, key_path = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
		with open(cert_path, "wb") as f:
			f.write(cert.public_bytes(serialization.Encoding.PEM))
		with open(key_path, "wb") as f:
			f.write(
				key.private_bytes(
					serialization.Encoding.PEM,
					serialization.PrivateFormat.PKCS8,
					serialization.NoEncryption(),
				)
			)
		context.load_cert_chain(cert_path, key_path)
	return context


_SHARED_KEY: rsa.RSAPrivateKey | None = None


def shared_test_key() -> rsa.RSAPrivateKey:
	"""One RSA key for a whole fleet of simulated modems (saves ~0.1 s of key generation per modem)."""
	global _SHARED_KEY
	if _SHARED_KEY is None:
		_SHARED_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
	return _SHARED_KEY


def start_fleet(count: int, **kwargs) -> list[ModemGuiSimulator]:
	"""Start `count` modems on 127.0.0.2, 127.0.0.3, ... all on the same free port, as real modems
	each have their own address and the same GUI port. Stop each one (or use `stop_fleet`)."""
	rsa_key = kwargs.pop("rsa_key", None) or shared_test_key()
	for _attempt in range(20):
		with socket.socket() as probe:
			probe.bind(("127.0.0.1", 0))
			port = probe.getsockname()[1]
		fleet = []
		try:
			for i in range(count):
				fleet.append(ModemGuiSimulator(f"127.0.0.{i + 2}", port, rsa_key=rsa_key, **kwargs).start())
			return fleet
		except OSError:
			stop_fleet(fleet)
	raise RuntimeError("no common free port for the modem fleet")


def stop_fleet(fleet: list[ModemGuiSimulator]):
	for sim in fleet:
		sim.stop()
