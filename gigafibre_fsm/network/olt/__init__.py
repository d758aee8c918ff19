"""OLT and ONU over SNMP: vendor layouts, walks into snapshots, state changes, pre-authorisation."""

from .changes import diff_snapshots
from .identity import AUTO, SystemIdentity, identify, layout_matches, resolve_layout
from .layouts import (
	LAYOUTS,
	Column,
	PreauthorisationRequest,
	ProvisioningPlan,
	SnmpSet,
	VendorLayout,
	get_layout,
)
from .model import (
	ADDED,
	ADMIN_DISABLED,
	ADMIN_ENABLED,
	CAME_UP,
	OFFLINE,
	ONLINE,
	REMOVED,
	UNKNOWN,
	WENT_DOWN,
	OltSnapshot,
	OnuStateChange,
	OnuStatus,
	PonPort,
	UnregisteredOnu,
	card_id,
	onu_id_string,
	pon_id,
)
from .registration import plan_preauthorisation
from .snapshot import build_snapshot
from .snmp_client import (
	OltTarget,
	SnmpV2cCredentials,
	SnmpV3Credentials,
	WalkResult,
	identify_and_walk,
	read_identity,
	walk_olt,
	walk_olts,
	walk_olts_blocking,
)
