"""Connected hosts grouped by mesh node: MAC → node, band, signal, speed.

Sources, in the order they win for a given MAC (the first that knows it assigns its node):
TR-181
  1. Device.WiFi.MultiAP.APDevice.{n}.Radio.{r}.AP.{a}.AssociatedDevice.{d}. (EasyMesh,
     TP-Link) — SignalStrength is an RCPI (0–220, dBm = RCPI/2 − 110), rates in kb/s;
     Device.WiFi.MultiAP.APDevice.{n}.X_TP_Ethernet.AssociatedDevice.{d}. for wired clients.
  2. Device.WiFi.DataElements.Network.Device.{n}.Radio.{r}.BSS.{b}.STA.{s}. (RCPI too).
  3. Device.WiFi.AccessPoint.{a}.AssociatedDevice.{d}. on the gateway (SignalStrength in dBm).
  4. Device.Hosts.Host.{i}. for names, IPs and the hosts no association table knows.
TR-098
  1. InternetGatewayDevice.X_HW_APDevice.{n}.WLANConfiguration.{w}.AssociatedDevice.{d}. on a
     Huawei satellite (AssociatedDeviceMACAddress, RSSI in dBm, TxRate in Mbit/s, the band
     from the WLANConfiguration's RFBand "2.4G"/"5G": Huawei's apssidStation.asp and the
     EG8145X6 export in tests/data/devices).
  2. InternetGatewayDevice.LANDevice.1.WLANConfiguration.{w}.AssociatedDevice.{d}. on the
     gateway (vendor signal/speed: X_TP_StaSignalStrength, X_TP_StaConnectionSpeed,
     X_HW_RSSI, X_HW_TxRate, or the standard LastDataDownlinkRate / SignalStrength).
  3. InternetGatewayDevice.LANDevice.1.Hosts.Host.{i}.
A satellite is a node, never a client: its own MAC in the host table, and its backhaul station
on the gateway's radio (a locally administered MAC sharing its first five octets, as the K562
satellite of the EG8145X6 export shows), are left out of the hosts.
"""

from dataclasses import asdict, dataclass, field

from gigafibre_fsm.network.acs import params as P
from gigafibre_fsm.network.acs.summary import DEV, IGD, MeshNode, band_of, gateway_node, mesh_nodes

# What a host listing needs (one NBI read after the refresh tasks)
HOSTS_PROJECTION = [
	"_id",
	"_lastInform",
	f"{IGD}.LANDevice.1.Hosts",
	f"{IGD}.LANDevice.1.WLANConfiguration",
	f"{IGD}.X_HW_APDevice",
	f"{IGD}.X_ZTE-COM_EasyMesh.NetworkTopology",
	f"{IGD}.DeviceInfo.ModelName",
	f"{IGD}.DeviceInfo.SerialNumber",
	f"{DEV}.DeviceInfo.ModelName",
	f"{DEV}.DeviceInfo.SerialNumber",
	f"{DEV}.Hosts",
	f"{DEV}.WiFi.Radio",
	f"{DEV}.WiFi.SSID",
	f"{DEV}.WiFi.AccessPoint",
	f"{DEV}.WiFi.MultiAP.APDevice",
	f"{DEV}.WiFi.DataElements.Network.Device",
]


def refresh_objects(data_model: str | None, huawei_satellites: bool = False) -> list[str]:
	"""The objects to refresh before listing hosts: the host table and the association tables
	(and a Huawei gateway's satellites when it has the object: refreshing a path a device does
	not have is a fault)."""
	if data_model == P.TR098:
		out = [f"{IGD}.LANDevice.1.Hosts.", f"{IGD}.LANDevice.1.WLANConfiguration."]
		return [*out, f"{IGD}.X_HW_APDevice."] if huawei_satellites else out
	return [f"{DEV}.Hosts.", f"{DEV}.WiFi."]


@dataclass
class Host:
	mac: str
	name: str | None = None
	ip: str | None = None
	band: str | None = None  # 2.4GHz, 5GHz, 6GHz, Ethernet or None
	signal_dbm: int | None = None
	speed_mbps: float | None = None
	active: bool | None = None


@dataclass
class NodeHosts:
	node: MeshNode
	hosts: list[Host] = field(default_factory=list)

	def to_dict(self) -> dict:
		return asdict(self)


def rcpi_to_dbm(rcpi) -> int | None:
	"""IEEE 802.11 RCPI (0–220) to dBm; 255 means "not available"."""
	n = P.integer(rcpi)
	if n is None or n < 0 or n > 220:
		return None
	return round(n / 2 - 110)


def _dbm(v) -> int | None:
	n = P.integer(v)
	if n is None or n >= 0 or n < -120:
		return None
	return n


def _mbps_from_kbps(v) -> float | None:
	n = P.number(v)
	return round(n / 1000, 1) if n is not None and n > 0 else None


def _name(v) -> str | None:
	"""A host name, where "Unknown" (what many CPEs write for no name) is no name."""
	s = P.text(v)
	return None if s is None or s.lower() == "unknown" else s


def _mac_stem(mac: str) -> str:
	"""The first five octets with the locally-administered bit cleared."""
	first = int(mac[:2], 16) & ~0x02
	return f"{first:02x}{mac[2:14]}"


def is_node_mac(mac: str | None, nodes: list[MeshNode]) -> bool:
	"""True when `mac` is a mesh node itself or a satellite's backhaul station."""
	if not mac:
		return False
	stems = {_mac_stem(n.mac) for n in nodes if n.mac and not n.controller}
	return any(mac == n.mac for n in nodes if n.mac) or _mac_stem(mac) in stems


def hosts_by_node(doc: dict) -> list[NodeHosts]:
	"""Hosts of a device document grouped by the mesh node they are attached to.

	Nodes with no host are kept (a silent satellite is worth seeing). Hosts that no
	association table places are put on the gateway (the controller node).
	"""
	doc = doc if isinstance(doc, dict) else {}
	nodes = mesh_nodes(doc) or [gateway_node(doc)]
	groups = [NodeHosts(node=n) for n in nodes]
	gateway = next((g for g in groups if g.node.controller), groups[0])
	placed: dict[str, tuple[NodeHosts, Host]] = {}

	def place(group: NodeHosts, host: Host):
		if host.mac in placed or is_node_mac(host.mac, nodes):
			return
		placed[host.mac] = (group, host)
		group.hosts.append(host)

	if P.data_model(doc) == P.TR098:
		by_mac_node = {g.node.mac: g for g in groups if g.node.mac}
		for _n, ap in P.instances(doc, IGD + ".X_HW_APDevice"):
			mac = P.normalize_mac(P.value(ap, "APMacAddr"))
			group = by_mac_node.get(mac) or next(
				(g for g in groups if g.node.serial and g.node.serial == P.text(P.value(ap, "SerialNumber"))),
				gateway,
			)
			for _w, wlan in P.instances(ap, "WLANConfiguration"):
				band = band_of(P.value(wlan, "RFBand"), P.value(wlan, "Channel"))
				for _d, sta in P.instances(wlan, "AssociatedDevice"):
					sta_mac = P.normalize_mac(P.value(sta, "AssociatedDeviceMACAddress"))
					if not sta_mac:
						continue
					speed = P.number(P.value(sta, "TxRate"))
					place(
						group,
						Host(
							mac=sta_mac,
							ip=P.text(P.value(sta, "AssociatedDeviceIPAddress")),
							band=band,
							signal_dbm=_dbm(P.value(sta, "RSSI")),
							speed_mbps=speed if speed and speed > 0 else None,
							active=True,
						),
					)
		for _w, wlan in P.instances(doc, IGD + ".LANDevice.1.WLANConfiguration"):
			band = band_of(
				P.first(wlan, "OperatingFrequencyBand", "X_TP_Band", "X_HW_RFBand"), P.value(wlan, "Channel")
			)
			for _d, sta in P.instances(wlan, "AssociatedDevice"):
				mac = P.normalize_mac(P.value(sta, "AssociatedDeviceMACAddress"))
				if not mac:
					continue
				speed = P.number(P.first(sta, "X_TP_StaConnectionSpeed", "X_HW_TxRate"))
				if speed is None:
					speed = _mbps_from_kbps(P.value(sta, "LastDataDownlinkRate"))
				place(
					gateway,
					Host(
						mac=mac,
						ip=P.text(P.value(sta, "AssociatedDeviceIPAddress")),
						band=band,
						signal_dbm=_dbm(
							P.first(sta, "X_TP_StaSignalStrength", "X_HW_RSSI", "SignalStrength")
						),
						speed_mbps=speed if speed and speed > 0 else None,
						active=True,
					),
				)
		table = IGD + ".LANDevice.1.Hosts.Host"
		mac_field = "MACAddress"
	else:
		by_mac_node = {g.node.mac: g for g in groups if g.node.mac}
		for _n, ap_dev in P.instances(doc, DEV + ".WiFi.MultiAP.APDevice"):
			group = by_mac_node.get(P.normalize_mac(P.value(ap_dev, "MACAddress"))) or gateway
			for _r, radio in P.instances(ap_dev, "Radio"):
				band = band_of(P.value(radio, "OperatingFrequencyBand"), P.value(radio, "Channel"))
				for _a, ap in P.instances(radio, "AP"):
					for _d, sta in P.instances(ap, "AssociatedDevice"):
						mac = P.normalize_mac(P.value(sta, "MACAddress"))
						if mac and P.boolean(P.value(sta, "Active")) is not False:
							place(
								group,
								Host(
									mac=mac,
									name=_name(P.value(sta, "X_TP_HostName")),
									ip=P.text(P.value(sta, "X_TP_IPAddress")),
									band=band,
									signal_dbm=rcpi_to_dbm(P.value(sta, "SignalStrength")),
									speed_mbps=_mbps_from_kbps(P.value(sta, "LastDataDownlinkRate")),
									active=True,
								),
							)
			for _d, eth in P.instances(ap_dev, "X_TP_Ethernet.AssociatedDevice"):
				mac = P.normalize_mac(P.value(eth, "MACAddress"))
				if mac and P.boolean(P.value(eth, "Active")) is not False:
					speed = P.number(P.value(eth, "LinkSpeed"))
					place(
						group,
						Host(
							mac=mac,
							ip=P.text(P.value(eth, "IPAddress")),
							band="Ethernet",
							speed_mbps=speed if speed and speed > 0 else None,
							active=True,
						),
					)
		for _n, de_dev in P.instances(doc, DEV + ".WiFi.DataElements.Network.Device"):
			group = by_mac_node.get(P.normalize_mac(P.value(de_dev, "ID"))) or gateway
			for _r, radio in P.instances(de_dev, "Radio"):
				band = band_of(P.value(radio, "X_TP_Band"))
				for _b, bss in P.instances(radio, "BSS"):
					for _s, sta in P.instances(bss, "STA"):
						mac = P.normalize_mac(P.value(sta, "MACAddress"))
						if mac:
							place(
								group,
								Host(
									mac=mac,
									name=_name(P.value(sta, "Hostname")),
									band=band,
									signal_dbm=rcpi_to_dbm(P.value(sta, "SignalStrength")),
									speed_mbps=_mbps_from_kbps(P.value(sta, "LastDataDownlinkRate")),
									active=True,
								),
							)
		radio_band = {
			f"{DEV}.WiFi.Radio.{k}": band_of(P.value(r, "OperatingFrequencyBand"), P.value(r, "Channel"))
			for k, r in P.instances(doc, DEV + ".WiFi.Radio")
		}
		ssid_band = {
			f"{DEV}.WiFi.SSID.{k}": radio_band.get(P.ref_path(P.value(s, "LowerLayers")) or "")
			for k, s in P.instances(doc, DEV + ".WiFi.SSID")
		}
		for _a, ap in P.instances(doc, DEV + ".WiFi.AccessPoint"):
			band = ssid_band.get(P.ref_path(P.value(ap, "SSIDReference")) or "")
			for _d, sta in P.instances(ap, "AssociatedDevice"):
				mac = P.normalize_mac(P.value(sta, "MACAddress"))
				if mac:
					place(
						gateway,
						Host(
							mac=mac,
							band=band,
							signal_dbm=_dbm(P.value(sta, "SignalStrength")),
							speed_mbps=_mbps_from_kbps(P.value(sta, "LastDataDownlinkRate")),
							active=P.boolean(P.value(sta, "Active")),
						),
					)
		table = DEV + ".Hosts.Host"
		mac_field = "PhysAddress"

	for _i, entry in P.instances(doc, table):
		mac = P.normalize_mac(P.value(entry, mac_field))
		if not mac:
			continue
		name = _name(P.value(entry, "HostName"))
		ip = P.text(P.value(entry, "IPAddress"))
		active = P.boolean(P.value(entry, "Active"))
		if mac in placed:
			_g, host = placed[mac]
			host.name = host.name or name
			host.ip = host.ip or ip
			if host.active is None:  # an association table listing it is the fresher word
				host.active = active
			continue
		if active is False:
			continue  # an old lease, not a connected host
		kind = (P.text(P.value(entry, "InterfaceType")) or "").lower()
		band = "Ethernet" if kind == "ethernet" else band_of(P.value(entry, "X_TP_ConnIntf"))
		if band is None and (P.text(P.value(entry, "X_TP_ConnIntf")) or "").upper() == "LAN":
			band = "Ethernet"
		place(gateway, Host(mac=mac, name=name, ip=ip, band=band, active=active))
	return groups
