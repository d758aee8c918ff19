"""SNMP adapter: walk OLTs' ONU tables with pysnmp (asyncio GETBULK), many OLTs at once.

Settings and credentials are arguments (the shell reads them from the OLT doctype's Password
fields). Each OLT walk runs under its own deadline inside one event loop, so a dead or slow
OLT costs its own timeout and never delays the others; its failure comes back as an
ExternalServiceError in its WalkResult, never as an exception that stops the batch.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

from pyasn1.type import univ
from pysnmp.hlapi.v3arch.asyncio import (
	CommunityData,
	ContextData,
	ObjectIdentity,
	ObjectType,
	SnmpEngine,
	UdpTransportTarget,
	UsmUserData,
	bulk_cmd,
	get_cmd,
	usmAesCfb128Protocol,
	usmAesCfb256Protocol,
	usmDESPrivProtocol,
	usmHMAC192SHA256AuthProtocol,
	usmHMACMD5AuthProtocol,
	usmHMACSHAAuthProtocol,
	usmNoAuthProtocol,
	usmNoPrivProtocol,
)
from pysnmp.proto import rfc1902, rfc1905

from gigafibre_fsm.errors import ExternalServiceError, GigafibreError, InvalidInput, _

from .identity import SYS_DESCR, SYS_OBJECT_ID, SystemIdentity, resolve_layout
from .layouts import VendorLayout
from .model import OltSnapshot
from .snapshot import build_snapshot

_AUTH = {
	"MD5": usmHMACMD5AuthProtocol,
	"SHA": usmHMACSHAAuthProtocol,
	"SHA256": usmHMAC192SHA256AuthProtocol,
	"NONE": usmNoAuthProtocol,
}
_PRIV = {
	"DES": usmDESPrivProtocol,
	"AES": usmAesCfb128Protocol,
	"AES256": usmAesCfb256Protocol,
	"NONE": usmNoPrivProtocol,
}


@dataclass(frozen=True)
class SnmpV2cCredentials:
	"""SNMP v2c: a community string (kept in a Password field by the shell)."""

	community: str = field(repr=False)

	def auth_data(self):
		return CommunityData(self.community, mpModel=1)


@dataclass(frozen=True)
class SnmpV3Credentials:
	"""SNMP v3 USM: user, optional auth and privacy keys and their protocols."""

	user: str
	auth_key: str | None = field(default=None, repr=False)
	priv_key: str | None = field(default=None, repr=False)
	auth_protocol: str = "SHA"
	priv_protocol: str = "AES"

	def auth_data(self):
		if self.auth_protocol.upper() not in _AUTH or self.priv_protocol.upper() not in _PRIV:
			raise InvalidInput(
				_("Unsupported SNMPv3 protocols {auth}/{priv}"),
				auth=self.auth_protocol,
				priv=self.priv_protocol,
			)
		kwargs = {}
		if self.auth_key:
			kwargs["authKey"] = self.auth_key
			kwargs["authProtocol"] = _AUTH[self.auth_protocol.upper()]
		if self.priv_key:
			kwargs["privKey"] = self.priv_key
			kwargs["privProtocol"] = _PRIV[self.priv_protocol.upper()]
		return UsmUserData(self.user, **kwargs)


@dataclass(frozen=True)
class OltTarget:
	"""Where and how to walk one OLT.

	`timeout`/`retries` apply to each SNMP request; `deadline` bounds the whole walk.
	`max_repetitions` is per column: GETBULK asks for that many rows of every column at once;
	`parallel_columns` is how many GETBULK chains run at once against this OLT.
	"""

	name: str
	host: str
	layout_key: str
	credentials: SnmpV2cCredentials | SnmpV3Credentials
	port: int = 161
	timeout: float = 2.0
	retries: int = 1
	deadline: float = 60.0
	max_repetitions: int = 25
	parallel_columns: int = 4
	include_autofind: bool = True


@dataclass
class WalkResult:
	"""One OLT's outcome: a snapshot, or the error that stopped its walk.

	`identity` is what the OLT answered before the walk (None if it did not answer) and
	`layout_key` the layout it was walked with (the identified one when the target said `auto`).
	A `DeviceMismatch` error means the OLT answered as another model: nothing was walked.
	"""

	olt: str
	snapshot: OltSnapshot | None = None
	error: ExternalServiceError | None = None
	seconds: float = 0.0
	finished_at: float = 0.0  # time.monotonic() when it ended, to order outcomes
	identity: SystemIdentity | None = None
	layout_key: str | None = None

	@property
	def ok(self) -> bool:
		return self.error is None


def _to_python(value):
	if isinstance(value, rfc1902.OctetString):
		return bytes(value.asOctets())
	if isinstance(value, rfc1902.ObjectIdentifier):
		return tuple(value)
	if isinstance(value, rfc1902.IpAddress):
		return ".".join(str(b) for b in value.asOctets())
	try:
		return int(value)
	except (TypeError, ValueError):
		return str(value)


async def walk_columns(
	engine: SnmpEngine,
	target: OltTarget,
	columns: Sequence[tuple[int, ...]],
	transport=None,
) -> dict[tuple[int, ...], list[tuple[tuple[int, ...], object]]]:
	"""GETBULK-walk several table columns side by side until each leaves its subtree.

	Columns are walked by `target.parallel_columns` concurrent GETBULK chains (round-robin
	groups): while the OLT answers one chain, pysnmp decodes another's response, which is what
	keeps pysnmp near net-snmp's speed. Within a chain each request carries one varbind per
	unfinished column. Returns column -> [(index suffix, raw value)].
	Raises ExternalServiceError on a timeout or an SNMP error.
	"""
	if transport is None:
		transport = await UdpTransportTarget.create(
			(target.host, target.port), timeout=target.timeout, retries=target.retries
		)
	auth = target.credentials.auth_data()
	chains = max(1, min(target.parallel_columns, len(columns)))
	groups = [list(columns[i::chains]) for i in range(chains)]
	parts = await asyncio.gather(*(_walk_chain(engine, target, auth, transport, g) for g in groups))
	merged: dict[tuple[int, ...], list] = {}
	for part in parts:
		merged.update(part)
	return {c: merged[c] for c in columns}


async def _walk_chain(engine, target: OltTarget, auth, transport, columns: list[tuple[int, ...]]):
	results: dict[tuple[int, ...], list] = {c: [] for c in columns}
	cursor = {c: c for c in columns}
	active = list(columns)
	while active:
		var_binds = [ObjectType(ObjectIdentity(cursor[c])) for c in active]
		err, status, _index, response = await bulk_cmd(
			engine,
			auth,
			transport,
			ContextData(),
			0,
			target.max_repetitions,
			*var_binds,
			lookupMib=False,
		)
		if err:
			raise ExternalServiceError(
				_("OLT {olt} did not answer SNMP: {error}"), olt=target.name, error=str(err)
			)
		if status:
			raise ExternalServiceError(
				_("OLT {olt} refused the SNMP request: {error}"), olt=target.name, error=str(status)
			)
		width = len(active)
		finished: set[tuple[int, ...]] = set()
		progressed = False
		for pos, var_bind in enumerate(response):
			column = active[pos % width]
			if column in finished:
				continue
			name, value = tuple(var_bind[0]), var_bind[1]
			size = len(column)
			if isinstance(value, rfc1905.EndOfMibView) or name[:size] != column or name <= cursor[column]:
				finished.add(column)
				continue
			if isinstance(value, rfc1905.NoSuchObject | rfc1905.NoSuchInstance):
				continue
			results[column].append((name[size:], _to_python(value)))
			cursor[column] = name
			progressed = True
		if not response or not progressed:
			finished.update(active)
		active = [c for c in active if c not in finished]
	return results


async def read_identity(engine: SnmpEngine, target: OltTarget, transport=None) -> SystemIdentity:
	"""GET sysObjectID and sysDescr in one request. ExternalServiceError when the OLT does not answer."""
	if transport is None:
		transport = await UdpTransportTarget.create(
			(target.host, target.port), timeout=target.timeout, retries=target.retries
		)
	err, status, _index, response = await get_cmd(
		engine,
		target.credentials.auth_data(),
		transport,
		ContextData(),
		ObjectType(ObjectIdentity(SYS_OBJECT_ID)),
		ObjectType(ObjectIdentity(SYS_DESCR)),
		lookupMib=False,
	)
	if err:
		raise ExternalServiceError(
			_("OLT {olt} did not answer SNMP: {error}"), olt=target.name, error=str(err)
		)
	if status:
		raise ExternalServiceError(
			_("OLT {olt} refused the SNMP request: {error}"), olt=target.name, error=str(status)
		)
	found = {tuple(name): value for name, value in response}
	object_id, descr = found.get(SYS_OBJECT_ID), found.get(SYS_DESCR)
	# pysnmp hands back pyasn1's universal types here (not rfc1902's subclasses)
	return SystemIdentity(
		sys_object_id=tuple(object_id) if isinstance(object_id, univ.ObjectIdentifier) else None,
		sys_descr=bytes(descr.asOctets()).decode("utf-8", "replace").strip()
		if isinstance(descr, univ.OctetString)
		else None,
	)


async def identify_and_walk(
	target: OltTarget, engine: SnmpEngine
) -> tuple[SystemIdentity, VendorLayout, OltSnapshot]:
	"""Ask the OLT who it is, refuse a layout that does not match it, then walk its tables.

	All within `target.deadline`. Raises DeviceMismatch (nothing walked) when the OLT answers
	as another model, ExternalServiceError when it does not answer, InvalidInput for an
	unknown layout key.
	"""

	async def run():
		transport = await UdpTransportTarget.create(
			(target.host, target.port), timeout=target.timeout, retries=target.retries
		)
		identity = await read_identity(engine, target, transport)
		layout = resolve_layout(target.layout_key, identity, target.name)
		columns = [c.oid for c in layout.columns_to_walk(target.include_autofind)]
		raw = await walk_columns(engine, target, columns, transport)
		return identity, layout, build_snapshot(layout, target.name, datetime.now(timezone.utc), raw)

	try:
		return await asyncio.wait_for(run(), target.deadline)
	except asyncio.TimeoutError:
		raise ExternalServiceError(
			_("OLT {olt} did not finish its SNMP walk within {seconds} s"),
			olt=target.name,
			seconds=target.deadline,
		)
	except GigafibreError:
		raise
	except Exception as exc:  # pysnmp raises its own errors for bad addresses and the like
		raise ExternalServiceError(_("OLT {olt} SNMP walk failed: {error}"), olt=target.name, error=str(exc))


async def walk_olt(target: OltTarget, engine: SnmpEngine | None = None) -> OltSnapshot:
	"""Identify one OLT and walk its ONU (and autofind) tables into a snapshot (see identify_and_walk)."""
	own_engine = engine is None
	engine = engine or SnmpEngine()
	try:
		return (await identify_and_walk(target, engine))[2]
	finally:
		if own_engine:
			engine.close_dispatcher()


async def walk_olts(targets: Sequence[OltTarget]) -> list[WalkResult]:
	"""Walk all OLTs concurrently on one engine; results in the order of `targets`."""
	engine = SnmpEngine()

	async def one(target: OltTarget) -> WalkResult:
		started = time.monotonic()
		result = WalkResult(olt=target.name)
		try:
			result.identity, layout, result.snapshot = await identify_and_walk(target, engine)
			result.layout_key = layout.key
		except ExternalServiceError as exc:
			result.error = exc
		except Exception as exc:
			result.error = ExternalServiceError(
				_("OLT {olt} SNMP walk failed: {error}"), olt=target.name, error=str(exc)
			)
		result.finished_at = time.monotonic()
		result.seconds = result.finished_at - started
		return result

	try:
		return list(await asyncio.gather(*(one(t) for t in targets)))
	finally:
		engine.close_dispatcher()


def walk_olts_blocking(targets: Sequence[OltTarget]) -> list[WalkResult]:
	"""`walk_olts` from synchronous code (a background job): a fresh event loop and engine each call."""
	return asyncio.run(walk_olts(targets))
