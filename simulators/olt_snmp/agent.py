"""Run snmpsim's command responder on 127.0.0.1 over a folder of .snmprec recordings."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_RESPONDER = "import sys; from snmpsim.commands.responder import main; sys.exit(main())"


def free_udp_port() -> int:
	"""A UDP port on 127.0.0.1 that nothing listens on right now."""
	with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
		sock.bind(("127.0.0.1", 0))
		return sock.getsockname()[1]


class SnmpSimAgent:
	"""An snmpsim agent serving every `<community>.snmprec` in `data_dir`.

	Use as a context manager; `start()` returns once the agent answers a GET on `probe_community`.
	SNMPv3 is served too when `v3_user` is given (snmpsim then maps contexts to files; the
	default context serves the file named by `probe_community`... see snmpsim's docs).
	"""

	def __init__(
		self,
		data_dir: Path | str,
		probe_community: str,
		port: int | None = None,
		v3_user: str | None = None,
		v3_auth_key: str | None = None,
		v3_priv_key: str | None = None,
		startup_timeout: float = 30.0,
	):
		self.data_dir = Path(data_dir)
		self.probe_community = probe_community
		self.port = port or free_udp_port()
		self.host = "127.0.0.1"
		self.v3_user, self.v3_auth_key, self.v3_priv_key = v3_user, v3_auth_key, v3_priv_key
		self.startup_timeout = startup_timeout
		self._proc: subprocess.Popen | None = None
		self._cache = None

	def start(self) -> SnmpSimAgent:
		self._cache = tempfile.mkdtemp(prefix="snmpsim-cache-")
		args = [
			sys.executable,
			"-c",
			_RESPONDER,
			f"--data-dir={self.data_dir}",
			f"--cache-dir={self._cache}",
			f"--agent-udpv4-endpoint={self.host}:{self.port}",
			"--logging-method=null",
		]
		if self.v3_user:
			args += [f"--v3-user={self.v3_user}"]
			if self.v3_auth_key:
				args += [f"--v3-auth-key={self.v3_auth_key}", "--v3-auth-proto=SHA"]
			if self.v3_priv_key:
				args += [f"--v3-priv-key={self.v3_priv_key}", "--v3-priv-proto=AES"]
		env = dict(os.environ, SNMPSIM_ALLOW_ROOT="true")
		self._proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
		deadline = time.monotonic() + self.startup_timeout
		while time.monotonic() < deadline:
			if self._proc.poll() is not None:
				err = self._proc.stderr.read().decode(errors="replace") if self._proc.stderr else ""
				raise RuntimeError(f"snmpsim exited with {self._proc.returncode}: {err[-2000:]}")
			if _answers(self.host, self.port, self.probe_community):
				return self
			time.sleep(0.2)
		self.stop()
		raise RuntimeError(f"snmpsim did not answer on {self.host}:{self.port}")

	def stop(self) -> None:
		if self._proc is not None:
			self._proc.terminate()
			try:
				self._proc.wait(timeout=5)
			except subprocess.TimeoutExpired:
				self._proc.kill()
				self._proc.wait()
			if self._proc.stderr:
				self._proc.stderr.close()
			self._proc = None
		if self._cache:
			shutil.rmtree(self._cache, ignore_errors=True)
			self._cache = None

	def __enter__(self) -> SnmpSimAgent:
		return self.start()

	def __exit__(self, *exc) -> None:
		self.stop()


def _answers(host: str, port: int, community: str) -> bool:
	from pysnmp.hlapi.v3arch.asyncio import (
		CommunityData,
		ContextData,
		ObjectIdentity,
		ObjectType,
		SnmpEngine,
		UdpTransportTarget,
		get_cmd,
	)

	async def probe() -> bool:
		engine = SnmpEngine()
		try:
			target = await UdpTransportTarget.create((host, port), timeout=0.5, retries=0)
			err, status, _idx, _vbs = await get_cmd(
				engine,
				CommunityData(community),
				target,
				ContextData(),
				ObjectType(ObjectIdentity("1.3.6.1.2.1.1.5.0")),
				lookupMib=False,
			)
			return err is None and not status
		finally:
			engine.close_dispatcher()

	return asyncio.run(probe())


class SilentUdpPeer:
	"""A UDP socket on 127.0.0.1 that reads requests and never answers: an OLT that hangs."""

	def __init__(self):
		self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
		self._sock.bind(("127.0.0.1", 0))
		self.host, self.port = self._sock.getsockname()

	def close(self) -> None:
		self._sock.close()

	def __enter__(self) -> SilentUdpPeer:
		return self

	def __exit__(self, *exc) -> None:
		self.close()
