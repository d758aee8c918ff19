"""Pre-authorise a new subscriber's ONU: check it against the OLT's view, pick its id, plan it."""

from __future__ import annotations

from dataclasses import replace

from gigafibre_fsm.errors import Conflict, InvalidInput, _

from .layouts.base import (
	PreauthorisationRequest,
	ProvisioningPlan,
	VendorLayout,
	check_request,
	normalise_serial,
)
from .model import OltSnapshot


def plan_preauthorisation(
	layout: VendorLayout,
	snapshot: OltSnapshot,
	request: PreauthorisationRequest,
	require_discovered: bool = True,
) -> ProvisioningPlan:
	"""The vendor command plan that registers `request.serial` on the subscriber's PON port.

	Decides, from the latest walk of the OLT:
	- the serial is not already registered anywhere on this OLT (Conflict);
	- when `require_discovered`, the ONU was seen by the autofind table on the requested PON port;
	  seen on another port means the fibre is patched elsewhere (InvalidInput naming that port);
	- the ONU id: the requested one if free (Conflict if taken), else the lowest free one
	  (Conflict when the PON port is full).
	Pre-provisioning before the technician plugs the ONU in passes `require_discovered=False`.
	"""
	serial = normalise_serial(layout, request.serial)
	check_request(layout, request)
	if snapshot.olt != request.olt:
		raise InvalidInput(
			_("The walk is of OLT {walked}, not of OLT {olt}"), walked=snapshot.olt, olt=request.olt
		)
	for onu in snapshot.onus.values():
		if onu.serial == serial:
			raise Conflict(_("ONU {serial} is already registered as {onu}"), serial=serial, onu=onu.id)
	port_key = (request.frame, request.slot, request.port)
	if require_discovered:
		seen = [u for u in snapshot.unregistered if u.serial == serial]
		if not seen:
			raise InvalidInput(
				_(
					"ONU {serial} has not been discovered by OLT {olt}; check that it is connected and powered"
				),
				serial=serial,
				olt=request.olt,
			)
		if all((u.frame, u.slot, u.port) != port_key for u in seen):
			raise InvalidInput(
				_("ONU {serial} was discovered on PON port {found}, not on {expected}"),
				serial=serial,
				found=seen[0].pon,
				expected=f"{request.frame}/{request.slot}/{request.port}",
			)
	taken = {o.onu for o in snapshot.onus_on(*port_key)}
	if request.onu_id is not None:
		if not layout.first_onu_id <= request.onu_id <= layout.max_onu_id:
			raise InvalidInput(
				_("ONU id {onu_id} is outside {first} to {last}"),
				onu_id=request.onu_id,
				first=layout.first_onu_id,
				last=layout.max_onu_id,
			)
		if request.onu_id in taken:
			raise Conflict(_("ONU id {onu_id} is already used on this PON port"), onu_id=request.onu_id)
		onu_id = request.onu_id
	else:
		onu_id = next((i for i in range(layout.first_onu_id, layout.max_onu_id + 1) if i not in taken), None)
		if onu_id is None:
			raise Conflict(
				_("PON port {port} of OLT {olt} has no free ONU id"),
				port=f"{request.frame}/{request.slot}/{request.port}",
				olt=request.olt,
			)
	normalised = replace(request, serial=serial)
	return layout.build_preauthorisation(normalised, onu_id)
