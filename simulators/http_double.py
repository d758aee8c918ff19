"""The HTTP plumbing the third-party doubles share: a threaded server on 127.0.0.1 (a free port
by default) whose requests go to the double's `_handle(request, method)`."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class HttpDouble:
	"""Subclasses call `_serve(host, port)` in `__init__` and answer in `_handle`; then
	`with Double() as double:` (or `start()` / `stop()`), and `double.base_url`."""

	methods: tuple[str, ...] = ("GET", "POST")

	def _serve(self, host: str, port: int) -> None:
		double = self

		class Handler(BaseHTTPRequestHandler):
			protocol_version = "HTTP/1.1"

			def log_message(self, *args):
				pass

			def setup(self):
				super().setup()
				# headers and body go out in two writes: without this, Nagle's algorithm and the
				# client's delayed ACK add 40 ms to every answer
				self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

		for method in self.methods:
			setattr(Handler, f"do_{method}", lambda request, m=method: double._handle(request, m))
		self._server = ThreadingHTTPServer((host, port), Handler)
		self._server.daemon_threads = True
		self._thread = threading.Thread(
			target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
		)

	def _handle(self, request: BaseHTTPRequestHandler, method: str) -> None:
		raise NotImplementedError

	@property
	def base_url(self) -> str:
		host, port = self._server.server_address[:2]
		return f"http://{host}:{port}"

	def start(self):
		self._thread.start()
		return self

	def stop(self) -> None:
		self._server.shutdown()
		self._server.server_close()

	def __enter__(self):
		return self.start()

	def __exit__(self, *exc):
		self.stop()
