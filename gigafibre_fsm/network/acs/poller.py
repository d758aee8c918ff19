"""The core of the device poller: batches, cached state records, staleness, backoff.

The shell (a scheduler event) calls `plan_batches` and enqueues one background job per batch;
each job calls `poll_batch` (one NBI request for the whole batch) and writes the returned
`CachedState` records onto the Service Equipment. When the ACS fails, `poll_batch` returns the
previous records marked stale with the error, and `after_failure` says when to try again
(exponential backoff with jitter, capped), so a down ACS is not hammered by every worker.
More workers drain the batches faster: nothing here is shared between jobs but the ACS.
"""

import random
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta, timezone

from gigafibre_fsm.errors import ExternalServiceError, InvalidInput, _
from gigafibre_fsm.network.acs import params as P
from gigafibre_fsm.network.acs.optical import OpticalThresholds
from gigafibre_fsm.network.acs.summary import DEFAULT_ONLINE_MINUTES, optical_projection, summarize

# What a poll reads per device: identity, DeviceInfo, WAN and every vendor's optical subtree.
POLL_PROJECTION = [
	"_id",
	"_deviceId",
	"_lastInform",
	"_lastBoot",
	"InternetGatewayDevice.DeviceInfo",
	"InternetGatewayDevice.WANDevice",
	"Device.DeviceInfo",
	"Device.PPP.Interface",
	"Device.DHCPv4.Client",
	"Device.Optical",
]
POLL_PROJECTION += optical_projection(POLL_PROJECTION)

NOT_IN_ACS = _("Not found in the ACS")


@dataclass
class CachedState:
	"""What a Service Equipment caches of its device (flat fields, ready for a doctype)."""

	device_id: str
	online: bool = False
	last_inform: str | None = None
	model: str | None = None
	firmware: str | None = None
	serial: str | None = None
	uptime_seconds: int | None = None
	wan_ip: str | None = None
	rx_dbm: float | None = None
	tx_dbm: float | None = None
	optical_status: str = P.UNKNOWN
	polled_at: str | None = None
	stale: bool = False
	error: str | None = None

	def to_dict(self) -> dict:
		return asdict(self)


@dataclass(frozen=True)
class BackoffPolicy:
	base_seconds: float = 60.0
	factor: float = 2.0
	max_seconds: float = 3600.0
	jitter: float = 0.2  # ± fraction, so that workers spread their retries

	def delay(self, failures: int, rng: random.Random | None = None) -> float:
		if failures <= 0:
			return 0.0
		d = min(self.max_seconds, self.base_seconds * self.factor ** (failures - 1))
		r = (rng or random).uniform(-self.jitter, self.jitter)
		return max(0.0, min(self.max_seconds, d * (1 + r)))


@dataclass
class PollerHealth:
	"""The poller's view of the ACS, kept by the shell between runs (e.g. in the cache)."""

	consecutive_failures: int = 0
	next_attempt_at: datetime | None = None
	last_error: str | None = None


@dataclass
class BatchResult:
	states: list[CachedState] = field(default_factory=list)
	failed: bool = False
	error: str | None = None
	requests: int = 0


def plan_batches(device_ids, batch_size: int = 50) -> list[list[str]]:
	"""Split the fleet into batches of at most `batch_size` (order kept, duplicates dropped)."""
	if batch_size <= 0:
		raise InvalidInput(_("The batch size must be positive (got {size})"), size=batch_size)
	ids = list(dict.fromkeys(i for i in device_ids if i))
	return [ids[i : i + batch_size] for i in range(0, len(ids), batch_size)]


def _iso(d: datetime | None) -> str | None:
	return d.isoformat() if d else None


def cached_state(
	doc: dict,
	now: datetime,
	online_minutes: int = DEFAULT_ONLINE_MINUTES,
	thresholds: OpticalThresholds | None = None,
) -> CachedState:
	"""The record cached for one device from its (projected) document, judged with the
	operator's `thresholds` (the same ones the live summary uses)."""
	s = summarize(doc, now=now, thresholds=thresholds, online_minutes=online_minutes)
	return CachedState(
		device_id=s.device_id,
		online=s.online,
		last_inform=_iso(s.last_inform),
		model=s.model,
		firmware=s.firmware,
		serial=s.serial,
		uptime_seconds=s.uptime_seconds,
		wan_ip=s.wan_ip,
		rx_dbm=s.optical.rx_dbm,
		tx_dbm=s.optical.tx_dbm,
		optical_status=s.optical.status,
		polled_at=_iso(now),
	)


def staleness(state: CachedState | None, now: datetime, max_age_minutes: float = 30) -> bool:
	"""True when a cached record is too old to show as current (or was marked stale)."""
	if state is None or state.stale or not state.polled_at:
		return True
	polled = P.timestamp(state.polled_at)
	return polled is None or now - polled > timedelta(minutes=max_age_minutes)


def mark_stale(state: CachedState | None, device_id: str, error: str) -> CachedState:
	"""The previous record, kept for display but flagged stale with the reason."""
	base = state or CachedState(device_id=device_id)
	return replace(base, stale=True, error=error)


def should_poll(health: PollerHealth, now: datetime) -> bool:
	return health.next_attempt_at is None or now >= health.next_attempt_at


def after_failure(
	health: PollerHealth, now: datetime, error: str, policy: BackoffPolicy | None = None, rng=None
) -> PollerHealth:
	failures = health.consecutive_failures + 1
	delay = (policy or BackoffPolicy()).delay(failures, rng)
	return PollerHealth(failures, now + timedelta(seconds=delay), error)


def after_success(_health: PollerHealth) -> PollerHealth:
	return PollerHealth()


def poll_batch(
	client,
	device_ids: list[str],
	now: datetime | None = None,
	previous: dict[str, CachedState] | None = None,
	online_minutes: int = DEFAULT_ONLINE_MINUTES,
	thresholds: OpticalThresholds | None = None,
) -> BatchResult:
	"""Poll one batch in a single NBI request; never raises for an ACS failure. Optical levels
	are judged with `thresholds` (the operator's settings; GPON class B+ defaults when None)."""
	now = now or datetime.now(timezone.utc)
	previous = previous or {}
	before = client.request_count
	try:
		docs = client.find_devices({"_id": {"$in": list(device_ids)}}, POLL_PROJECTION)
	except ExternalServiceError as e:
		error = e.message.format(**e.params) if e.params else e.message
		return BatchResult(
			states=[mark_stale(previous.get(i), i, error) for i in device_ids],
			failed=True,
			error=error,
			requests=client.request_count - before,
		)
	found = {}
	for doc in docs:
		if isinstance(doc, dict) and doc.get("_id") in device_ids:
			found[doc["_id"]] = cached_state(doc, now, online_minutes, thresholds)
	states = []
	for i in device_ids:
		if i in found:
			states.append(found[i])
		else:
			states.append(
				replace(mark_stale(previous.get(i), i, NOT_IN_ACS), online=False, polled_at=_iso(now))
			)
	return BatchResult(states=states, requests=client.request_count - before)
