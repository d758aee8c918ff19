"""Vendor layouts of OLT SNMP trees and provisioning dialects, by key."""

from .base import (
	Column,
	PreauthorisationRequest,
	ProvisioningPlan,
	SnmpSet,
	VendorLayout,
	decode_gpon_serial,
	oid,
)
from .cdata import CDATA_GPON
from .huawei import HUAWEI_MA5800
from .vsol import VSOL_V1600G
from .zte import ZTE_C320

LAYOUTS: dict[str, VendorLayout] = {
	layout.key: layout for layout in (HUAWEI_MA5800, ZTE_C320, VSOL_V1600G, CDATA_GPON)
}


def get_layout(key: str) -> VendorLayout:
	"""The layout registered under `key`; InvalidInput for an unknown OLT model."""
	from gigafibre_fsm.errors import InvalidInput, _

	try:
		return LAYOUTS[key]
	except KeyError:
		raise InvalidInput(_("Unknown OLT model {model}"), model=key)
