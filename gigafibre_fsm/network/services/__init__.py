"""The Frappe shell of the Network context: settings, the device poller, OLT walks, outages,
Uptime-Kuma, the modem bridge. The decisions are in the cores beside it (acs, olt, outages,
modem_bridge); these modules load documents, call them, save and publish."""
