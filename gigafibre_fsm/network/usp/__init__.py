"""TR-369/USP devices through Oktopus's controller API, behind the same device summary as
the TR-069 devices (gigafibre_fsm.network.acs). No frappe here."""

from gigafibre_fsm.network.usp.client import (
	ControllerUnavailable,
	DeviceOffline,
	OktopusClient,
	UspDevice,
	flatten_get_response,
	params_to_document,
	usp_summary,
)

__all__ = [
	"ControllerUnavailable",
	"DeviceOffline",
	"OktopusClient",
	"UspDevice",
	"flatten_get_response",
	"params_to_document",
	"usp_summary",
]
