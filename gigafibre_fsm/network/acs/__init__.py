"""Devices through GenieACS (TR-069): NBI client, device lookup, summary for TR-098 and
TR-181, hosts by mesh node, tasks, fleet summary and the poller's core. No frappe here."""

from gigafibre_fsm.network.acs.client import (
	DONE,
	FAULTED,
	QUEUED,
	AcsRequestRejected,
	AcsUnavailable,
	NbiClient,
	TaskResult,
	UnknownDevice,
)
from gigafibre_fsm.network.acs.fleet import (
	FLEET_PROJECTION,
	FleetSummary,
	fetch_fleet_summary,
	summarize_fleet,
)
from gigafibre_fsm.network.acs.hosts import HOSTS_PROJECTION, Host, NodeHosts, hosts_by_node
from gigafibre_fsm.network.acs.lookup import LookupResult, lookup_device, serial_variants
from gigafibre_fsm.network.acs.operations import (
	HostsListing,
	TaskOutcome,
	factory_reset,
	list_hosts,
	reboot,
	refresh,
)
from gigafibre_fsm.network.acs.optical import OPTICAL_SOURCES, OpticalSource, OpticalStatus, OpticalThresholds
from gigafibre_fsm.network.acs.params import TR098, TR181, UNKNOWN
from gigafibre_fsm.network.acs.poller import (
	BackoffPolicy,
	BatchResult,
	CachedState,
	PollerHealth,
	after_failure,
	after_success,
	cached_state,
	plan_batches,
	poll_batch,
	should_poll,
	staleness,
)
from gigafibre_fsm.network.acs.summary import SUMMARY_PROJECTION, DeviceSummary, display, summarize
from gigafibre_fsm.network.acs.tags import TagChange, TagNotApplied, check_tag, set_tag

__all__ = [
	"DONE",
	"FAULTED",
	"FLEET_PROJECTION",
	"HOSTS_PROJECTION",
	"OPTICAL_SOURCES",
	"QUEUED",
	"SUMMARY_PROJECTION",
	"TR098",
	"TR181",
	"UNKNOWN",
	"AcsRequestRejected",
	"AcsUnavailable",
	"BackoffPolicy",
	"BatchResult",
	"CachedState",
	"DeviceSummary",
	"FleetSummary",
	"Host",
	"HostsListing",
	"LookupResult",
	"NbiClient",
	"NodeHosts",
	"OpticalSource",
	"OpticalStatus",
	"OpticalThresholds",
	"PollerHealth",
	"TagChange",
	"TagNotApplied",
	"TaskOutcome",
	"TaskResult",
	"UnknownDevice",
	"after_failure",
	"after_success",
	"cached_state",
	"check_tag",
	"display",
	"factory_reset",
	"fetch_fleet_summary",
	"hosts_by_node",
	"list_hosts",
	"lookup_device",
	"plan_batches",
	"poll_batch",
	"reboot",
	"refresh",
	"serial_variants",
	"set_tag",
	"should_poll",
	"staleness",
	"summarize",
	"summarize_fleet",
]
