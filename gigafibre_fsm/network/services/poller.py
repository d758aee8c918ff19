"""The device poller: the scheduler event enqueues one small job per batch of devices; each job
reads its batch in one NBI request and writes the cached state onto the Service Equipment.

The ACS's health (failures in a row, next attempt) is kept in the cache, shared by all workers:
after a failure every batch job marks its devices stale without calling the ACS until the
backoff delay has passed, and the scheduler enqueues nothing meanwhile.
"""

import hashlib
from dataclasses import asdict
from datetime import datetime

import frappe

from gigafibre_fsm.network import acs
from gigafibre_fsm.network.acs.poller import NOT_IN_ACS
from gigafibre_fsm.network.services.settings import (
	BACKOFF,
	nbi_client,
	network_settings,
	online_minutes,
	optical_thresholds,
)
from gigafibre_fsm.services.frappe_versions import in_test
from gigafibre_fsm.services.times import system_naive, utc_now

HEALTH_KEY = "gigafibre_fsm:acs_poller_health"
POLL_JOB = "gigafibre_fsm.network.services.poller.poll_devices"
DEVICE_EVENT = "network_device_changed"
STATE_FIELDS = ["name", "acs_device_id", "online", "optical_status", "state_stale"]


def enqueue_device_polls() -> int:
	"""Scheduler event: one background job per batch; returns how many were enqueued."""
	settings = network_settings()
	if not settings.poll_enabled or not settings.acs_url:
		return 0
	if not acs.should_poll(get_health(), utc_now()):
		return 0
	device_ids = frappe.get_all(
		"Service Equipment",
		filters={"acs_device_id": ["is", "set"]},
		pluck="acs_device_id",
		order_by="name asc",
	)
	batches = acs.plan_batches(device_ids, int(settings.poll_batch_size or 50))
	for batch in batches:
		# the same batch is not enqueued again while a slow run of it is queued or running
		digest = hashlib.sha1("\n".join(batch).encode()).hexdigest()[:16]
		frappe.enqueue(
			POLL_JOB,
			queue="short",
			timeout=300,
			job_id=f"acs-poll-{digest}",
			deduplicate=True,
			now=bool(in_test()),
			device_ids=batch,
		)
	return len(batches)


def poll_devices(device_ids: list[str]) -> dict:
	"""Background job: poll one batch and cache each device's state on its Service Equipment."""
	now = utc_now()
	health = get_health()
	if not acs.should_poll(health, now):
		error = health.last_error or ""
		_mark_stale(device_ids, error)
		return {"polled": 0, "stale": len(device_ids), "error": error}
	settings = network_settings()
	with nbi_client(settings) as client:
		result = acs.poll_batch(
			client,
			device_ids,
			now=now,
			online_minutes=online_minutes(settings),
			thresholds=optical_thresholds(settings),  # as the live summary judges
		)
	if result.failed:
		set_health(acs.after_failure(health, now, result.error or "", BACKOFF))
		_mark_stale(device_ids, result.error or "")
		return {"polled": 0, "stale": len(device_ids), "error": result.error}
	if health.consecutive_failures:
		set_health(acs.after_success(health))
	_write_states(result.states, now)
	return {"polled": len(result.states), "stale": 0, "error": None}


def _rows(device_ids) -> list[dict]:
	return frappe.get_all(
		"Service Equipment", filters={"acs_device_id": ["in", list(device_ids)]}, fields=STATE_FIELDS
	)


def _write_states(states, now: datetime) -> None:
	by_device = {s.device_id: s for s in states}
	updated_on = system_naive(now)
	for row in _rows(by_device):
		state = by_device[row.acs_device_id]
		if state.stale:  # not in the ACS (any more)
			values = {"online": 0, "state_stale": 1, "state_error": frappe._(NOT_IN_ACS)}
		else:
			values = {
				"online": int(state.online),
				"last_inform": system_naive(state.last_inform),
				# Frappe's number columns are NOT NULL: an unknown level reads 0 beside status "unknown"
				"optical_rx_dbm": state.rx_dbm or 0,
				"optical_tx_dbm": state.tx_dbm or 0,
				"optical_status": state.optical_status,
				"uptime_seconds": state.uptime_seconds or 0,
				"wan_ip": state.wan_ip,
				"state_stale": 0,
				"state_error": None,
			}
		values["state_updated_on"] = updated_on
		frappe.db.set_value("Service Equipment", row.name, values, update_modified=False)
		_publish_if_changed(row, values)


def _mark_stale(device_ids, error: str) -> None:
	for row in _rows(device_ids):
		values = {"state_stale": 1, "state_error": error}
		frappe.db.set_value("Service Equipment", row.name, values, update_modified=False)
		_publish_if_changed(row, values)


def _publish_if_changed(row, values: dict) -> None:
	keys = ("online", "optical_status", "state_stale")
	if all(k not in values or (row.get(k) or 0) == (values[k] or 0) for k in keys):
		return
	frappe.publish_realtime(
		DEVICE_EVENT,
		{
			"equipment": row.name,
			"device_id": row.acs_device_id,
			**{k: values.get(k, row.get(k)) for k in keys},
		},
		doctype="Service Equipment",
		docname=row.name,
		after_commit=True,
	)


def get_health() -> acs.PollerHealth:
	data = frappe.cache.get_value(HEALTH_KEY)
	if not data:
		return acs.PollerHealth()
	moment = data.get("next_attempt_at")
	return acs.PollerHealth(
		consecutive_failures=int(data.get("consecutive_failures") or 0),
		next_attempt_at=datetime.fromisoformat(moment) if moment else None,
		last_error=data.get("last_error"),
	)


def set_health(health: acs.PollerHealth) -> None:
	data = asdict(health)
	if health.next_attempt_at:
		data["next_attempt_at"] = health.next_attempt_at.isoformat()
	frappe.cache.set_value(HEALTH_KEY, data)


def reset_health() -> None:
	frappe.cache.delete_value(HEALTH_KEY)
