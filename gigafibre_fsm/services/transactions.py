"""Transactions the database gave up, and starting them again."""

import random
import time
from collections.abc import Callable

import frappe

from gigafibre_fsm.services.frappe_versions import in_test


def database_gave_up(e: Exception) -> bool:
	"""The database rolled this transaction back, not the request's input: a deadlock's victim
	(MariaDB and PostgreSQL), or, on PostgreSQL, whose REPEATABLE READ transactions Frappe uses,
	a row another request changed meanwhile (SQLSTATE 40001, serialization_failure)."""
	return isinstance(e, frappe.QueryDeadlockError) or getattr(e, "pgcode", None) == "40001"


def with_fresh_attempts(work: Callable, attempts: int = 4):
	"""Run `work()`, which owns the request's transaction; when the database gives it up, roll
	back and run it again in a new transaction (a new snapshot sees what the winner wrote)."""
	for attempt in range(1, attempts + 1):
		try:
			return work()
		except Exception as e:
			if not database_gave_up(e) or attempt == attempts or in_test():
				raise
			frappe.db.rollback()
			time.sleep(random.uniform(0.01, 0.05) * attempt)
