"""gunicorn from the bench, serving this site on a free 127.0.0.1 port, for tests that must
meet the app as production does: several worker processes, each committing its own requests."""

import os
import socket
import subprocess
import tempfile
import time
from unittest import SkipTest
from urllib.error import URLError
from urllib.request import Request, urlopen

from frappe.utils import get_bench_path


def free_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


class Gunicorn:
	"""gunicorn from the bench's own environment, serving its sites on 127.0.0.1."""

	def __init__(self, workers: int = 4):
		bench = get_bench_path()
		self.binary = os.path.join(bench, "env", "bin", "gunicorn")
		self.sites = os.path.join(bench, "sites")
		self.port = free_port()
		self.base_url = f"http://127.0.0.1:{self.port}"
		self.workers = workers
		self.log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False)
		self.process = None

	def start(self, site: str) -> "Gunicorn":
		if not os.path.exists(self.binary):
			raise SkipTest(f"no gunicorn in the bench's environment ({self.binary})")
		command = [self.binary, "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}"]
		command += ["--chdir", self.sites, "--timeout", "120", "frappe.app:application"]
		self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)
		deadline = time.monotonic() + 90
		while time.monotonic() < deadline:
			if self.process.poll() is not None:
				raise AssertionError(f"gunicorn exited with {self.process.returncode}: {self.output()}")
			try:
				request = Request(
					f"{self.base_url}/api/method/ping", headers={"Host": site, "X-Frappe-Site-Name": site}
				)
				with urlopen(request, timeout=10) as response:
					if response.status == 200:
						return self
			except (URLError, OSError):
				time.sleep(0.3)
		self.stop()
		raise AssertionError(f"gunicorn did not answer in 90 s: {self.output()}")

	def output(self) -> str:
		with open(self.log.name, encoding="utf-8", errors="replace") as f:
			return f.read()[-3000:]

	def stop(self) -> None:
		if self.process and self.process.poll() is None:
			self.process.terminate()
			try:
				self.process.wait(timeout=30)
			except subprocess.TimeoutExpired:
				self.process.kill()
				self.process.wait()
		self.log.close()
		os.unlink(self.log.name)
