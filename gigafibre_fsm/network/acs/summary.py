"""A device's summary for both data models: TR-098 (`InternetGatewayDevice.`) and TR-181
(`Device.`). Every reader is tolerant: a missing or odd parameter gives None (shown as
"unknown"), never an exception. The paths read are listed in this package's README.
"""

import re
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone

from gigafibre_fsm.errors import InvalidInput, _
from gigafibre_fsm.network.acs import params as P
from gigafibre_fsm.network.acs import vendors as V
from gigafibre_fsm.network.acs.optical import (
	OPTICAL_SOURCES,
	OpticalStatus,
	OpticalThresholds,
	optical_status,
)
from gigafibre_fsm.subscribers.equipment_identity import normalise_serial

IGD = "InternetGatewayDevice"
DEV = "Device"

# What a summary needs, as NBI projection paths (a parent returns its subtree): one round
# trip gives everything, and far less than the full document (no logs, no vendor tables).
SUMMARY_PROJECTION = [
	"_id",
	"_deviceId",
	"_lastInform",
	"_lastBoot",
	"_registered",
	"_tags",
	f"{IGD}.DeviceInfo",
	f"{IGD}.WANDevice",
	f"{IGD}.LANDevice.1.LANEthernetInterfaceConfig",
	f"{IGD}.LANDevice.1.WLANConfiguration",
	f"{IGD}.X_HW_APDevice",
	f"{IGD}.X_ZTE-COM_EasyMesh.NetworkTopology",
	f"{DEV}.DeviceInfo",
	f"{DEV}.PPP.Interface",
	f"{DEV}.DHCPv4.Client",
	f"{DEV}.Optical",
	f"{DEV}.Ethernet.Interface",
	f"{DEV}.WiFi.Radio",
	f"{DEV}.WiFi.SSID",
	f"{DEV}.WiFi.AccessPoint",
	f"{DEV}.WiFi.MultiAP.APDevice",
	f"{DEV}.WiFi.DataElements.Network.Device",
]


def optical_projection(parents: list[str]) -> list[str]:
	"""The objects holding every vendor's optical readings and GPON serial (from the vendor
	table), minus those already under one of `parents` (a projected parent returns its subtree)."""
	paths = []
	for src in OPTICAL_SOURCES:
		for template in (src.rx, src.tx, src.temperature, src.voltage, src.bias):
			if template:
				paths.append(template.split(".{i}.")[0].rsplit(".", 1)[0])
	paths += [row.path.rsplit(".", 1)[0] for row in V.load_table()[1]]
	return [p for p in dict.fromkeys(paths) if not _covered(p, parents)]


def _covered(path: str, parents: list[str]) -> bool:
	return any(path == p or path.startswith(p + ".") for p in parents)


SUMMARY_PROJECTION += optical_projection(SUMMARY_PROJECTION)

DEFAULT_ONLINE_MINUTES = 15


@dataclass
class WanConnection:
	kind: str = P.UNKNOWN  # PPPoE, DHCP, Static or unknown
	status: str | None = None
	ip: str | None = None
	username: str | None = None
	name: str | None = None
	connected: bool = False


@dataclass
class EthernetPort:
	name: str | None = None
	status: str | None = None
	speed_mbps: int | None = None
	duplex: str | None = None
	upstream: bool = False


@dataclass
class Radio:
	band: str | None = None
	channel: int | None = None
	enabled: bool | None = None
	status: str | None = None
	standards: str | None = None
	bandwidth: str | None = None


@dataclass
class Ssid:
	ssid: str | None = None
	band: str | None = None
	enabled: bool | None = None
	status: str | None = None
	clients: int | None = None
	bssid: str | None = None
	backhaul: bool = False


@dataclass
class MeshNode:
	mac: str | None = None
	name: str | None = None
	model: str | None = None
	serial: str | None = None
	ip: str | None = None
	controller: bool = False
	active: bool | None = None
	backhaul: str | None = None


@dataclass
class DeviceSummary:
	device_id: str
	data_model: str | None = None
	manufacturer: str | None = None
	model: str | None = None
	product_class: str | None = None
	serial: str | None = None
	gpon_serial: str | None = None
	firmware: str | None = None
	hardware: str | None = None
	uptime_seconds: int | None = None
	last_inform: datetime | None = None
	last_boot: datetime | None = None
	online: bool = False
	wan: list[WanConnection] = field(default_factory=list)
	wan_ip: str | None = None
	optical: OpticalStatus = field(default_factory=OpticalStatus)
	ethernet: list[EthernetPort] = field(default_factory=list)
	radios: list[Radio] = field(default_factory=list)
	ssids: list[Ssid] = field(default_factory=list)
	mesh_nodes: list[MeshNode] = field(default_factory=list)

	def to_dict(self) -> dict:
		"""Plain JSON-able dict (datetimes as ISO strings)."""
		d = asdict(self)
		for k in ("last_inform", "last_boot"):
			if d[k] is not None:
				d[k] = d[k].isoformat()
		return d


def display(value) -> str:
	"""How a summary value reads on screen: None is "unknown"."""
	if value is None or value == "":
		return P.UNKNOWN
	if isinstance(value, bool):
		return _("yes") if value else _("no")
	return str(value)


def is_online(last_inform: datetime | None, now: datetime, minutes: int = DEFAULT_ONLINE_MINUTES) -> bool:
	"""Online means the device informed within the last `minutes`."""
	return last_inform is not None and now - last_inform <= timedelta(minutes=minutes)


def summarize(
	doc: dict,
	now: datetime | None = None,
	thresholds: OpticalThresholds | None = None,
	online_minutes: int = DEFAULT_ONLINE_MINUTES,
) -> DeviceSummary:
	"""Summarise a GenieACS device document (full, or projected with SUMMARY_PROJECTION)."""
	now = now or datetime.now(timezone.utc)
	doc = doc if isinstance(doc, dict) else {}
	ids = doc.get("_deviceId") if isinstance(doc.get("_deviceId"), dict) else {}
	model = P.data_model(doc)
	root = IGD if model == P.TR098 else DEV
	info = f"{root}.DeviceInfo."
	s = DeviceSummary(device_id=P.text(doc.get("_id")) or P.UNKNOWN, data_model=model)
	s.manufacturer = P.text(P.first(doc, info + "Manufacturer")) or P.text(ids.get("_Manufacturer"))
	s.model = P.text(P.first(doc, info + "ModelName", info + "X_TP_DeviceModel")) or P.text(
		ids.get("_ProductClass")
	)
	s.product_class = P.text(ids.get("_ProductClass")) or P.text(P.value(doc, info + "ProductClass"))
	s.serial = P.text(ids.get("_SerialNumber")) or P.text(P.value(doc, info + "SerialNumber"))
	s.gpon_serial = gpon_serial(doc)
	s.firmware = P.text(P.value(doc, info + "SoftwareVersion"))
	s.hardware = P.text(P.value(doc, info + "HardwareVersion"))
	up = P.integer(P.value(doc, info + "UpTime"))
	s.uptime_seconds = up if up is not None and up >= 0 else None
	s.last_inform = P.timestamp(doc.get("_lastInform"))
	s.last_boot = P.timestamp(doc.get("_lastBoot"))
	s.online = is_online(s.last_inform, now, online_minutes)
	s.wan = wan_connections(doc)
	s.wan_ip = next((w.ip for w in s.wan if w.connected and w.ip), None)
	s.optical = optical_status(doc, thresholds)
	s.ethernet = ethernet_ports(doc)
	s.radios, s.ssids = wifi(doc)
	s.mesh_nodes = mesh_nodes(doc)
	return s


def gpon_serial(doc: dict) -> str | None:
	"""The GPON serial as printed on the ONT's label and reported by OLTs ("HWTC1234ABCD"),
	from the vendor table's paths, when the model reports it (a 16-hex "48575443…" form is
	turned into the printed one)."""
	model = P.data_model(doc)
	for row in V.load_table()[1]:
		if row.data_model != model:
			continue
		v = P.text(P.value(doc, row.path))
		if not v:
			continue
		try:
			printed = normalise_serial(v)
		except InvalidInput:
			continue
		if re.match(r"^[A-Z]{4}[0-9A-F]{8}$", printed):
			return printed
	return None


def _valid_ip(ip) -> str | None:
	ip = P.text(ip)
	return ip if ip and ip not in ("0.0.0.0", "::") else None


def wan_connections(doc: dict) -> list[WanConnection]:
	"""PPPoE / DHCP / static WAN connections of either data model."""
	out: list[WanConnection] = []
	if P.data_model(doc) == P.TR098:
		for _w, wan_dev in P.instances(doc, IGD + ".WANDevice"):
			for _c, conn_dev in P.instances(wan_dev, "WANConnectionDevice"):
				for _k, ppp in P.instances(conn_dev, "WANPPPConnection"):
					status = P.text(P.value(ppp, "ConnectionStatus"))
					out.append(
						WanConnection(
							kind="PPPoE",
							status=status,
							ip=_valid_ip(P.value(ppp, "ExternalIPAddress")),
							username=P.text(P.value(ppp, "Username")),
							name=P.text(P.value(ppp, "Name")),
							connected=status == "Connected",
						)
					)
				for _k, ipc in P.instances(conn_dev, "WANIPConnection"):
					status = P.text(P.value(ipc, "ConnectionStatus"))
					addressing = P.text(P.value(ipc, "AddressingType"))
					kind = {"DHCP": "DHCP", "Static": "Static"}.get(addressing or "", P.UNKNOWN)
					out.append(
						WanConnection(
							kind=kind,
							status=status,
							ip=_valid_ip(P.value(ipc, "ExternalIPAddress")),
							name=P.text(P.value(ipc, "Name")),
							connected=status == "Connected",
						)
					)
		return out
	for _k, ppp in P.instances(doc, DEV + ".PPP.Interface"):
		status = P.text(P.first(ppp, "ConnectionStatus", "Status"))
		out.append(
			WanConnection(
				kind="PPPoE",
				status=status,
				ip=_valid_ip(P.value(ppp, "IPCP.LocalIPAddress")),
				username=P.text(P.value(ppp, "Username")),
				name=P.text(P.value(ppp, "Name")),
				connected=status in ("Connected", "Up"),
			)
		)
	for _k, dhcp in P.instances(doc, DEV + ".DHCPv4.Client"):
		status = P.text(P.first(dhcp, "DHCPStatus", "Status"))
		ip = _valid_ip(P.value(dhcp, "IPAddress"))
		out.append(
			WanConnection(
				kind="DHCP",
				status=status,
				ip=ip,
				name=P.ref_path(P.value(dhcp, "Interface")),
				connected=status == "Bound" and ip is not None,
			)
		)
	return out


def _speed(*candidates) -> int | None:
	"""First positive bit rate (Mb/s) among candidates; "Auto", -1 and 0 are not speeds."""
	for c in candidates:
		s = P.text(c)
		if s is None:
			continue
		digits = s.split("_")[-1]  # Huawei's "Auto_1000"
		n = P.integer(digits)
		if n is not None and n > 0:
			return n
	return None


def ethernet_ports(doc: dict) -> list[EthernetPort]:
	out: list[EthernetPort] = []
	if P.data_model(doc) == P.TR098:
		for k, port in P.instances(doc, IGD + ".LANDevice.1.LANEthernetInterfaceConfig"):
			status = P.text(P.value(port, "Status"))
			up = status == "Up"
			out.append(
				EthernetPort(
					name=P.text(P.value(port, "Name")) or f"LAN{k}",
					status=status,
					speed_mbps=_speed(
						P.value(port, "X_TP_NegoSpeed") if up else None,
						P.value(port, "X_HW_Speed") if up else None,
						P.value(port, "MaxBitRate") if up else None,
					),
					duplex=P.text(P.value(port, "DuplexMode")),
				)
			)
		return out
	for k, port in P.instances(doc, DEV + ".Ethernet.Interface"):
		status = P.text(P.value(port, "Status"))
		up = status == "Up"
		out.append(
			EthernetPort(
				name=P.text(P.value(port, "Name")) or f"eth{k}",
				status=status,
				speed_mbps=_speed(P.value(port, "CurrentBitRate"), P.value(port, "MaxBitRate"))
				if up
				else None,
				duplex=P.text(P.value(port, "DuplexMode")),
				upstream=bool(P.boolean(P.value(port, "Upstream"))),
			)
		)
	return out


def band_of(text_band=None, channel=None) -> str | None:
	"""Normalised band ("2.4GHz", "5GHz", "6GHz") from a band label or, failing that, a channel."""
	s = (P.text(text_band) or "").lower().replace(" ", "")
	if s.startswith("2.4") or s == "2g" or s.startswith("2g"):
		return "2.4GHz"
	if s.startswith("5"):
		return "5GHz"
	if s.startswith("6"):
		return "6GHz"
	ch = P.integer(channel)
	if ch is not None and ch > 0:
		return "2.4GHz" if ch <= 14 else "5GHz"
	return None


def _tr098_band(wlan: dict) -> str | None:
	return band_of(
		P.first(wlan, "OperatingFrequencyBand", "X_TP_Band", "X_HW_RFBand", "X_ZTE-COM_WLANBand"),
		P.value(wlan, "Channel"),
	)


def _backhaul_bssids(doc) -> set[str]:
	out = set()
	for _n, ap_dev in P.instances(doc, DEV + ".WiFi.MultiAP.APDevice"):
		for _r, radio in P.instances(ap_dev, "Radio"):
			for _a, ap in P.instances(radio, "AP"):
				if (P.text(P.value(ap, "X_TP_Type")) or "").lower() == "backhaul":
					mac = P.normalize_mac(P.value(ap, "BSSID"))
					if mac:
						out.add(mac)
	return out


def wifi(doc: dict) -> tuple[list[Radio], list[Ssid]]:
	"""Radios (one per band) and SSIDs with their band, state and client count."""
	radios: list[Radio] = []
	ssids: list[Ssid] = []
	if P.data_model(doc) == P.TR098:
		seen_bands = set()
		for _k, wlan in P.instances(doc, IGD + ".LANDevice.1.WLANConfiguration"):
			band = _tr098_band(wlan)
			enabled = P.boolean(P.value(wlan, "Enable"))
			clients = P.integer(P.value(wlan, "TotalAssociations"))
			if clients is None:
				clients = (
					len(P.instances(wlan, "AssociatedDevice")) if P.node(wlan, "AssociatedDevice") else None
				)
			ssids.append(
				Ssid(
					ssid=P.text(P.value(wlan, "SSID")),
					band=band,
					enabled=enabled,
					status=P.text(P.value(wlan, "Status")),
					clients=clients,
					bssid=P.normalize_mac(P.value(wlan, "BSSID")),
				)
			)
			# TR-098 has no radio object: the first WLANConfiguration of a band speaks for it
			if band not in seen_bands:
				seen_bands.add(band)
				radios.append(
					Radio(
						band=band,
						channel=P.integer(P.value(wlan, "Channel")),
						enabled=enabled,
						status=P.text(P.value(wlan, "Status")),
						standards=P.text(P.value(wlan, "Standard")),
						bandwidth=P.text(P.value(wlan, "X_TP_Bandwidth")),
					)
				)
		return radios, ssids
	radio_band: dict[str, str | None] = {}
	for k, radio in P.instances(doc, DEV + ".WiFi.Radio"):
		band = band_of(P.value(radio, "OperatingFrequencyBand"), P.value(radio, "Channel"))
		radio_band[f"{DEV}.WiFi.Radio.{k}"] = band
		radios.append(
			Radio(
				band=band,
				channel=P.integer(P.value(radio, "Channel")),
				enabled=P.boolean(P.value(radio, "Enable")),
				status=P.text(P.value(radio, "Status")),
				standards=P.text(P.value(radio, "OperatingStandards")),
				bandwidth=P.text(P.value(radio, "CurrentOperatingChannelBandwidth")),
			)
		)
	clients_by_ssid: dict[str, int | None] = {}
	for _k, ap in P.instances(doc, DEV + ".WiFi.AccessPoint"):
		ref = P.ref_path(P.value(ap, "SSIDReference"))
		if ref:
			n = P.integer(P.value(ap, "AssociatedDeviceNumberOfEntries"))
			if n is None and P.node(ap, "AssociatedDevice") is not None:
				n = len(P.instances(ap, "AssociatedDevice"))
			clients_by_ssid[ref] = n
	backhaul = _backhaul_bssids(doc)
	for k, ssid in P.instances(doc, DEV + ".WiFi.SSID"):
		bssid = P.normalize_mac(P.value(ssid, "BSSID"))
		ssids.append(
			Ssid(
				ssid=P.text(P.value(ssid, "SSID")),
				band=radio_band.get(P.ref_path(P.value(ssid, "LowerLayers")) or ""),
				enabled=P.boolean(P.value(ssid, "Enable")),
				status=P.text(P.value(ssid, "Status")),
				clients=clients_by_ssid.get(f"{DEV}.WiFi.SSID.{k}"),
				bssid=bssid,
				backhaul=bssid in backhaul if bssid else False,
			)
		)
	return radios, ssids


def gateway_node(doc: dict) -> MeshNode:
	"""The device itself as a node (the controller of its mesh)."""
	root = IGD if P.data_model(doc) == P.TR098 else DEV
	model = P.text(P.value(doc, f"{root}.DeviceInfo.ModelName"))
	return MeshNode(
		name=model or P.text(doc.get("_id")),
		model=model,
		serial=P.text(P.value(doc, f"{root}.DeviceInfo.SerialNumber")),
		controller=True,
		active=True,
	)


def _first_mac(v) -> str | None:
	"""The first MAC of a comma/space separated list (Huawei's ApMacPool.MacPool)."""
	for part in re.split(r"[,;\s]+", P.text(v) or ""):
		mac = P.normalize_mac(part)
		if mac:
			return mac
	return None


def tr098_satellites(doc: dict) -> list[MeshNode]:
	"""Satellites of a TR-098 gateway's vendor mesh.

	Huawei (WiFi coverage / FTTR: InternetGatewayDevice.X_HW_APDevice.{i}, fields APMacAddr,
	ApMacPool.MacPool, DeviceType, SerialNumber, ApOnlineFlag: Huawei's own web pages
	wlancoverinfo.asp and the EG8145X6 export in tests/data/devices); ZTE EasyMesh
	(InternetGatewayDevice.X_ZTE-COM_EasyMesh.NetworkTopology.Agent.{i}: only SerialNumber
	is known, from the Controller object of the ZXHN H199A export).
	"""
	out = []
	for _n, ap in P.instances(doc, IGD + ".X_HW_APDevice"):
		mac = P.normalize_mac(P.value(ap, "APMacAddr")) or _first_mac(P.value(ap, "ApMacPool.MacPool"))
		serial = P.text(P.value(ap, "SerialNumber"))
		if not mac and not serial:
			continue  # an empty slot
		kind = P.text(P.value(ap, "DeviceType"))
		out.append(
			MeshNode(
				mac=mac,
				name=kind,
				model=kind,
				serial=serial,
				active=P.boolean(P.value(ap, "ApOnlineFlag")),
				backhaul=P.text(P.value(ap, "UplinkType")),
			)
		)
	for _n, agent in P.instances(doc, IGD + ".X_ZTE-COM_EasyMesh.NetworkTopology.Agent"):
		serial = P.text(P.value(agent, "SerialNumber"))
		if serial:
			out.append(MeshNode(serial=serial, name=serial))
	return out


def mesh_nodes(doc: dict) -> list[MeshNode]:
	"""Mesh nodes: TR-181 EasyMesh (MultiAP, else Data Elements); TR-098 vendor meshes as the
	gateway (controller) followed by its satellites. [] when the device has no mesh."""
	out: list[MeshNode] = []
	if P.data_model(doc) == P.TR098:
		satellites = tr098_satellites(doc)
		return [gateway_node(doc), *satellites] if satellites else []
	for _n, dev in P.instances(doc, DEV + ".WiFi.MultiAP.APDevice"):
		out.append(
			MeshNode(
				mac=P.normalize_mac(P.value(dev, "MACAddress")),
				name=P.text(P.first(dev, "X_TP_HostName", "X_HostName")),
				model=P.text(P.first(dev, "X_TP_ModelName", "ProductClass")),
				serial=P.text(P.value(dev, "SerialNumber")),
				ip=P.text(P.first(dev, "X_TP_IPAddress")),
				controller=bool(P.boolean(P.value(dev, "X_TP_IsController"))),
				active=P.boolean(P.value(dev, "X_TP_Active")),
				backhaul=P.text(P.value(dev, "BackhaulLinkType")),
			)
		)
	if out:
		return out
	for n, dev in P.instances(doc, DEV + ".WiFi.DataElements.Network.Device"):
		out.append(MeshNode(mac=P.normalize_mac(P.value(dev, "ID")), controller=n == "1", active=True))
	return out
