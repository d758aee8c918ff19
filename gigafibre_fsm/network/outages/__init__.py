"""Outages: correlate ONU state changes into incidents; read Uptime-Kuma's webhook."""

from .correlation import (
	Change,
	Incident,
	IncidentExtended,
	IncidentMerged,
	IncidentOpened,
	IncidentResolved,
	OnuFlapping,
	OutageCorrelator,
	OutagePolicy,
	correlate,
)
from .kuma import KumaEvent, WebhookRejected, parse_kuma_webhook, verify_kuma_request
from .naive import NaiveOutageCorrelator
from .topology import OnuPlace, Topology
