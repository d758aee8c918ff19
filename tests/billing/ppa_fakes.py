"""An in-memory ledger for the PPA run: every write is durable when it returns (as the shell
commits), and the run can be killed at any call, as a worker process is."""

from collections import Counter
from datetime import datetime

from gigafibre_fsm.billing.preauthorised_payments import STARTED, SUCCEEDED, Attempt, DueInvoice


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
		self.started_batches: list[list[str]] = []  # the keys of each start_attempts write
		self.recorded_batches: list[list[str]] = []  # the invoices of each record_charges write
		self.refuse: set[str] = set()  # invoices whose charge the books refuse (a cancelled invoice)

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

	def start_attempts(self, tries):
		self._tick("start_attempts")
		taken = set()
		for due, charge in tries:
			if any(a.key == charge.key for a in self.log.get(due.invoice, {}).values()):
				taken.add(due.invoice)
				continue
			self.log.setdefault(due.invoice, {})[charge.number] = Attempt(
				due.invoice, charge.number, charge.key, STARTED, self.now
			)
		self.started_batches.append([charge.key for due, charge in tries if due.invoice not in taken])
		return taken

	def finish_attempt(self, due, number, status, result, error):
		self._tick("finish_attempt")
		old = self.log[due.invoice][number]
		self.log[due.invoice][number] = Attempt(
			due.invoice, number, old.key, status, old.at, result.payment_intent if result else None
		)

	def record_payment(self, due, result):
		self._tick("record_payment")
		self.payments.setdefault(result.payment_intent, (due.invoice, result.amount))

	def record_charges(self, charged):
		self._tick("record_charges")  # one durable write: all of it, or (killed before) none
		refused = {
			due.invoice: "refused by the books" for due, _n, _r in charged if due.invoice in self.refuse
		}
		for due, number, result in charged:
			if due.invoice in refused:
				continue
			self.payments.setdefault(result.payment_intent, (due.invoice, result.amount))
			old = self.log[due.invoice][number]
			self.log[due.invoice][number] = Attempt(
				due.invoice, number, old.key, SUCCEEDED, old.at, result.payment_intent
			)
		self.recorded_batches.append([due.invoice for due, _number, _result in charged])
		return refused

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
	"""The real adapter, but the worker dies right before the nth charge is sent, or right after
	Stripe answered it."""

	def __init__(self, gateway, kill_after_charge: int | None = None, kill_before_charge: int | None = None):
		self.gateway = gateway
		self.kill_after_charge = kill_after_charge
		self.kill_before_charge = kill_before_charge
		self.charges = 0

	def find_payments(self, *args, **kwargs):
		return self.gateway.find_payments(*args, **kwargs)

	def charge_saved_method(self, *args, **kwargs):
		if self.charges + 1 == self.kill_before_charge:
			raise Killed("before Stripe was asked")
		result = self.gateway.charge_saved_method(*args, **kwargs)
		self.charges += 1
		if self.charges == self.kill_after_charge:
			raise Killed("after Stripe charged")
		return result
