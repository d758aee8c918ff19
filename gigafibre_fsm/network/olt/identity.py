"""Who an OLT says it is, checked before its ONU tables are walked.

Every SNMP agent answers sysObjectID (1.3.6.1.2.1.1.2.0), an OID under its maker's IANA
private enterprise number (1.3.6.1.4.1.<PEN>…), and sysDescr (1.3.6.1.2.1.1.1.0), free text.
A layout names the enterprise numbers and the sysDescr pattern of the OLTs it reads (see
layouts/). Walking an OLT with another vendor's layout "succeeds" with no ONU at all, which
would turn every ONU into a removal; so a layout that does not match is refused with a clear
error instead, before anything is walked or recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gigafibre_fsm.errors import DeviceMismatch, _

from .layouts import LAYOUTS, VendorLayout, get_layout, oid

SYS_DESCR = oid("1.3.6.1.2.1.1.1.0")
SYS_OBJECT_ID = oid("1.3.6.1.2.1.1.2.0")
ENTERPRISES = oid("1.3.6.1.4.1")
# The OLT doctype's "Model" may say this: the first walk identifies the model and keeps it.
AUTO = "auto"


@dataclass(frozen=True)
class SystemIdentity:
	"""sysObjectID and sysDescr as the OLT answered them (None when it did not)."""

	sys_object_id: tuple[int, ...] | None = None
	sys_descr: str | None = None

	@property
	def enterprise(self) -> int | None:
		"""The IANA private enterprise number sysObjectID sits under, if it does."""
		oid_ = self.sys_object_id
		if oid_ and len(oid_) > len(ENTERPRISES) and oid_[: len(ENTERPRISES)] == ENTERPRISES:
			return oid_[len(ENTERPRISES)]
		return None

	def describe(self) -> str:
		"""`sysObjectID 1.3.6…, sysDescr "…"` for error messages (sysDescr cut at 80 characters)."""
		found = ".".join(map(str, self.sys_object_id)) if self.sys_object_id else "none"
		descr = " ".join((self.sys_descr or "").split())
		descr = descr if len(descr) <= 80 else descr[:79] + "…"
		return f'sysObjectID {found}, sysDescr "{descr}"'


def layout_matches(layout: VendorLayout, identity: SystemIdentity) -> bool:
	"""Whether an OLT that answers `identity` is one `layout` can read.

	- a sysDescr naming a sibling model the layout does not read (`other_model`): no;
	- sysObjectID under one of the layout's enterprise numbers: yes;
	- sysObjectID under another known layout's enterprise number: no;
	- otherwise (an OEM number, no sysObjectID) the layout's sysDescr pattern decides;
	  nothing recognisable is a no: an OLT is walked only once it is known to be the model.
	"""
	descr = identity.sys_descr or ""
	if layout.other_model is not None and layout.other_model.search(descr):
		return False
	pen = identity.enterprise
	if pen in layout.enterprises:
		return True
	if pen is not None and any(pen in other.enterprises for other in LAYOUTS.values()):
		return False
	return bool(layout.sys_descr is not None and descr and layout.sys_descr.search(descr))


def identify(identity: SystemIdentity, layouts: Iterable[VendorLayout] | None = None) -> list[VendorLayout]:
	"""The layouts that can read an OLT answering `identity` (normally one, or none)."""
	return [layout for layout in (layouts or LAYOUTS.values()) if layout_matches(layout, identity)]


def resolve_layout(layout_key: str, identity: SystemIdentity, olt: str) -> VendorLayout:
	"""The layout to walk `olt` with, given what it answered; DeviceMismatch when there is none.

	With a configured model, that model's layout if the OLT answers as one, else a
	DeviceMismatch naming what it answers as. With `auto`, the one layout that matches.
	InvalidInput for a model key that does not exist.
	"""
	if layout_key == AUTO:
		found = identify(identity)
		if len(found) == 1:
			return found[0]
		if not found:
			raise DeviceMismatch(
				_("OLT {olt} is not a model this application can read ({identity}); nothing was walked"),
				olt=olt,
				identity=identity.describe(),
			)
		raise DeviceMismatch(
			_("OLT {olt} could be any of {models} ({identity}); choose its model"),
			olt=olt,
			models=", ".join(_name(layout) for layout in found),
			identity=identity.describe(),
		)
	layout = get_layout(layout_key)
	if layout_matches(layout, identity):
		return layout
	others = [other for other in identify(identity) if other.key != layout.key]
	if others:
		raise DeviceMismatch(
			_(
				"OLT {olt} answers as {found} ({identity}), not as the {expected} it is configured as; "
				"nothing was walked or changed"
			),
			olt=olt,
			found=", ".join(_name(other) for other in others),
			identity=identity.describe(),
			expected=_name(layout),
		)
	raise DeviceMismatch(
		_(
			"OLT {olt} does not answer as a {expected} ({identity}); check its model and address, "
			"nothing was walked or changed"
		),
		olt=olt,
		identity=identity.describe(),
		expected=_name(layout),
	)


def _name(layout: VendorLayout) -> str:
	return f"{layout.vendor} {layout.model}"
