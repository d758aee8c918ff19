"""An in-memory ledger for the PPA run: every write is durable when it returns (as the shell
commits), and the run can be killed at any call, as a worker process is."""

from collections import Counter
from datetime import datetime

from gigafibre_fsm.billing.preauthorised_payments import STARTED, Attempt, DueInvoice
from gigafibre_fsm.errors import Conflict


class Killed(BaseException):
	"""The worker died (SIGKILL): nothing after this point runs, nothing is caught."""


class MemoryLedger:
	def __init__(self, invoices: list[DueInvoice], now: datetime):
		self.invoices = {d.invoice: d for d in invoices}
		self.log: dict[str, dict[int, Attempt]] = {}
		self.payments: dict[str, tuple[str, int]] = {}  # payment_intent -> (invoice, cents)
		self.suspended: set[str] = set()
		self.notices: list[tuple[str, str]] = []
		self.now = now
		self.calls = Counter()
		self.kill_at: tuple[str, int] | None = None  # (method, nth call) raising Killed
		self.total_calls = 0

	def _tick(self, method: str) -> None:
		self.calls[method] += 1
		self.total_calls += 1
		if self.kill_at == (method, self.calls[method]) or self.kill_at == ("*", self.total_calls):
			self.kill_at = None
			raise Killed(method)

	def due(self) -> list[DueInvoice]:
		paid = {invoice for invoice, _ in self.payments.values()}
		return [d for name, d in sorted(self.invoices.items()) if name not in paid]

	# the Ledger port
	def attempts(self, invoice):
		self._tick("attempts")
		return sorted(self.log.get(invoice, {}).values(), key=lambda a: a.number)

	def start_attempt(self, due, number, key):
		self._tick("start_attempt")
		if any(a.key == key for a in self.log.get(due.invoice, {}).values()):
			raise Conflict("taken")
		self.log.setdefault(due.invoice, {})[number] = Attempt(due.invoice, number, key, STARTED, self.now)

	def finish_attempt(self, due, number, status, result, error):
		self._tick("finish_attempt")
		old = self.log[due.invoice][number]
		self.log[due.invoice][number] = Attempt(
			due.invoice, number, old.key, status, old.at, result.payment_intent if result else None
		)

	def record_payment(self, due, result):
		self._tick("record_payment")
		self.payments.setdefault(result.payment_intent, (due.invoice, result.amount))

	def suspend(self, due):
		self._tick("suspend")
		if due.customer in self.suspended:
			return False
		self.suspended.add(due.customer)
		self.notices.append((due.invoice, "suspended"))
		return True

	def notify(self, due, kind, result):
		self._tick("notify")
		self.notices.append((due.invoice, kind))


class KillingGateway:
	"""The real adapter, but the worker dies right after Stripe answered the nth charge."""

	def __init__(self, gateway, kill_after_charge: int | None = None):
		self.gateway = gateway
		self.kill_after_charge = kill_after_charge
		self.charges = 0

	def find_payments(self, *args, **kwargs):
		return self.gateway.find_payments(*args, **kwargs)

	def charge_saved_method(self, *args, **kwargs):
		result = self.gateway.charge_saved_method(*args, **kwargs)
		self.charges += 1
		if self.charges == self.kill_after_charge:
			raise Killed("after Stripe charged")
		return result
