"""Synthesise a fleet of device documents in GenieACS's JSON shape, both data models.

Models (mix by weight): TP-Link XX230v (TR-181 `Device.`, GPON ONT with EasyMesh nodes),
TP-Link EX220 (TR-181 router, mesh), Raisecom HT803G (TR-098 `InternetGatewayDevice.`, GPON
ONT, optics in `X_CT-COM_GponInterfaceConfig` in 0.1 uW as flashman reads them), Huawei
EG8145V5 (TR-098 with Huawei's `X_GponInterafceConfig`), TP-Link EC220-G5 (TR-098 router).
Paths follow the real exports in tests/data/devices and the TR-098 / TR-181 data models.

Memory: 10,000 documents must fit comfortably, so leaves whose value does not vary are
interned (one dict shared by every document) and a large unchanging "filler" subtree, shared
by all, makes full documents as heavy as real ones (thousands of parameters) for the naive
reference. The simulator copies a document before a task changes it.
"""

import random
from datetime import datetime, timedelta, timezone

_FLEET_TS = datetime(2025, 1, 1, tzinfo=timezone.utc)

MODELS = [
	# (weight, key)
	(35, "XX230v"),
	(15, "EX220"),
	(25, "HT803G"),
	(15, "EG8145V5"),
	(10, "EC220-G5"),
]

FIRMWARES = {
	"XX230v": ["1.2.0 Build 20240115", "1.2.3 Build 20240612", "1.1.8 Build 20230904"],
	"EX220": ["0.14.0 2.0.0 v605f.0 Build 221227 Rel.55257n", "0.15.1 2.0.0 v605f.0 Build 230810"],
	"HT803G": ["HT803G_V1.0.12", "HT803G_V1.0.15", "HT803G_V1.1.2"],
	"EG8145V5": ["V5R020C00S280", "V5R021C00S120"],
	"EC220-G5": ["3.16.0 0.9.1 v6055.0 Build 220706 Rel.79244n"],
}

_interned: dict = {}


def _leaf(value, xsd: str, ts, writable=False, shared=False) -> dict:
	if shared:
		key = (value, xsd, writable)
		leaf = _interned.get(key)
		if leaf is None:
			leaf = _interned[key] = {
				"_object": False,
				"_writable": writable,
				"_value": value,
				"_type": xsd,
				"_timestamp": _FLEET_TS,
			}
		return leaf
	return {"_object": False, "_writable": writable, "_value": value, "_type": xsd, "_timestamp": ts}


def _xsd(value) -> str:
	if isinstance(value, bool):
		return "xsd:boolean"
	if isinstance(value, int):
		return "xsd:int" if value < 0 else "xsd:unsignedInt"
	if isinstance(value, datetime):
		return "xsd:dateTime"
	return "xsd:string"


_COMMON_STRINGS = {
	"Up",
	"Down",
	"NoLink",
	"Connected",
	"Enabled",
	"Bound",
	"Full",
	"Auto",
	"DHCP",
	"Wi-Fi",
	"802.11",
	"Ethernet",
	"2.4GHz",
	"5GHz",
	"40MHz",
	"80MHz",
	"TP-Link",
	"Raisecom",
	"Huawei Technologies Co., Ltd",
	"gpon0",
	"",
	"b,g,n,ax",
	"a,n,ac,ax",
	"n",
	"ac",
	"1000",
	"100",
	"V1.0",
	"Deco X50",
	"Gateway",
	"Basement",
	"Upstairs",
}


def _common(value) -> bool:
	"""Values worth one shared leaf across the fleet (booleans, small numbers, common words)."""
	if isinstance(value, bool):
		return True
	if isinstance(value, int):
		return 0 <= value < 2000
	return isinstance(value, str) and value in _COMMON_STRINGS


def build_document(
	device_id: str, device_id_parts: dict, params: dict, ts, events: dict, shared: set | None = None
) -> dict:
	"""Nest flat `params` ({path: value}) into a GenieACS document.

	Paths listed in `shared` get interned leaves; `params` values that are dicts are grafted as
	ready-made subtrees (used for the shared filler).
	"""
	doc: dict = {"_id": device_id, "_deviceId": device_id_parts, **events}
	shared = shared or set()
	for path, value in params.items():
		parts = path.split(".")
		node = doc
		for part in parts[:-1]:
			nxt = node.get(part)
			if nxt is None:
				nxt = node[part] = {"_object": True, "_writable": False, "_timestamp": ts}
			node = nxt
		if isinstance(value, dict):
			node[parts[-1]] = value
		else:
			node[parts[-1]] = _leaf(value, _xsd(value), ts, shared=path in shared or _common(value))
	return doc


def _filler(root: str, size: int) -> dict:
	"""An unchanging subtree of `size` parameters (shared by every document of that root)."""
	key = ("filler", root, size)
	if key not in _interned:
		tree: dict = {"_object": True, "_writable": False, "_timestamp": _FLEET_TS}
		for i in range(1, size // 10 + 1):
			obj: dict = {"_object": True, "_writable": True, "_timestamp": _FLEET_TS}
			for j, name in enumerate(
				(
					"Enable",
					"Alias",
					"Name",
					"Status",
					"Interval",
					"Counter",
					"Mode",
					"Reference",
					"Level",
					"Note",
				)
			):
				obj[name] = _leaf(
					f"{name.lower()}-{j}" if j % 2 else j * 7, "xsd:string", _FLEET_TS, shared=True
				)
			tree[str(i)] = obj
		_interned[key] = tree
	return _interned[key]


def _mac(rng: random.Random, oui: str) -> str:
	tail = [rng.randrange(256) for _ in range(3)]
	return ":".join([oui[0:2], oui[2:4], oui[4:6]] + [f"{b:02X}" for b in tail])


def _rx_power(rng: random.Random) -> float:
	r = rng.random()
	if r < 0.85:
		return round(rng.uniform(-24.5, -14.0), 2)
	if r < 0.94:
		return round(rng.uniform(-26.9, -25.1), 2)
	if r < 0.99:
		return round(rng.uniform(-32.0, -27.2), 2)
	return round(rng.uniform(-7.5, -3.0), 2)


def _tenths_of_microwatt(dbm: float) -> int:
	"""A level in dBm as the SFF-8472 unit TP-Link and CT-COM firmwares report (0.1 uW)."""
	return round(10 ** (dbm / 10) * 10000)


def _hosts(rng: random.Random, count: int) -> list[dict]:
	names = ["iPhone", "Galaxy-S23", "MacBook", "ThinkPad", "Chromecast", "Xbox", "Nest-Hub", "Unknown"]
	return [
		{
			"mac": _mac(rng, rng.choice(["5CF938", "04B167", "8836CF", "F0D5BF", "3C2EF9"])),
			"name": rng.choice(names),
			"ip": f"192.168.0.{100 + i}",
			"band": rng.choice(["2.4GHz", "5GHz", "5GHz", "Ethernet"]),
			"signal": -rng.randrange(30, 85),
			"rate_kbps": rng.choice([72000, 144000, 433000, 866000, 1201000]),
		}
		for i in range(count)
	]


def _tr181(rng, model, serial, oui, now, with_optical: bool, filler: int) -> dict:
	D = "Device."
	p: dict = {}
	p[D + "DeviceInfo.Manufacturer"] = "TP-Link"
	p[D + "DeviceInfo.ManufacturerOUI"] = oui
	p[D + "DeviceInfo.ModelName"] = model
	p[D + "DeviceInfo.ProductClass"] = model
	p[D + "DeviceInfo.SerialNumber"] = serial
	p[D + "DeviceInfo.HardwareVersion"] = model + " v1.0"
	p[D + "DeviceInfo.SoftwareVersion"] = rng.choice(FIRMWARES[model])
	p[D + "DeviceInfo.UpTime"] = rng.randrange(60, 90 * 86400)
	p[D + "ManagementServer.ConnectionRequestURL"] = (
		f"http://10.{rng.randrange(256)}.{rng.randrange(256)}.2:7547/"
	)
	wan_mac = _mac(rng, oui)
	pppoe = rng.random() < 0.6
	ip = f"100.{rng.randrange(64, 128)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
	if pppoe:
		p[D + "PPP.Interface.1.Enable"] = True
		p[D + "PPP.Interface.1.Status"] = "Up"
		p[D + "PPP.Interface.1.ConnectionStatus"] = "Connected"
		p[D + "PPP.Interface.1.Username"] = f"{serial.lower()}@gigafibre"
		p[D + "PPP.Interface.1.IPCP.LocalIPAddress"] = ip
		p[D + "PPP.Interface.1.LowerLayers"] = "Device.Ethernet.Link.2."
	else:
		p[D + "DHCPv4.Client.1.Enable"] = True
		p[D + "DHCPv4.Client.1.Status"] = "Enabled"
		p[D + "DHCPv4.Client.1.DHCPStatus"] = "Bound"
		p[D + "DHCPv4.Client.1.IPAddress"] = ip
		p[D + "DHCPv4.Client.1.Interface"] = "Device.IP.Interface.2."
	p[D + "Ethernet.Link.2.MACAddress"] = wan_mac
	if with_optical:
		# as the real XX230v export: the standard levels hold a placeholder 0, the readings are
		# in X_TP_GPON_Config (0.1 uW; temperature in 1/256 degC), the GPON serial in GponAuth
		o = D + "Optical.Interface.1."
		p[o + "Name"] = "BBA_OPTC_INTF"
		p[o + "Status"] = "Up"
		p[o + "OpticalSignalLevel"] = 0
		p[o + "TransmitOpticalLevel"] = 0
		p[o + "X_TP_GPON_Config.RXPower"] = _tenths_of_microwatt(_rx_power(rng))
		p[o + "X_TP_GPON_Config.TXPower"] = _tenths_of_microwatt(rng.uniform(0.8, 4.5))
		p[o + "X_TP_GPON_Config.TransceiverTemperature"] = rng.randrange(35, 75) * 256
		p[o + "GponAuth.GponSn"] = "54504C47" + serial[-8:].upper()
	for i in range(1, 5):
		up = rng.random() < 0.4
		p[f"{D}Ethernet.Interface.{i}.Name"] = f"eth0.{i + 1}"
		p[f"{D}Ethernet.Interface.{i}.Status"] = "Up" if up else "Down"
		p[f"{D}Ethernet.Interface.{i}.MaxBitRate"] = 1000
		p[f"{D}Ethernet.Interface.{i}.CurrentBitRate"] = rng.choice([100, 1000]) if up else 0
		p[f"{D}Ethernet.Interface.{i}.DuplexMode"] = "Full"
		p[f"{D}Ethernet.Interface.{i}.Upstream"] = False
	bands = [
		("2.4GHz", rng.choice([1, 6, 11]), "b,g,n,ax"),
		("5GHz", rng.choice([36, 44, 149, 157]), "a,n,ac,ax"),
	]
	for r, (band, channel, std) in enumerate(bands, start=1):
		p[f"{D}WiFi.Radio.{r}.Enable"] = True
		p[f"{D}WiFi.Radio.{r}.Status"] = "Up"
		p[f"{D}WiFi.Radio.{r}.OperatingFrequencyBand"] = band
		p[f"{D}WiFi.Radio.{r}.Channel"] = channel
		p[f"{D}WiFi.Radio.{r}.OperatingStandards"] = std
		p[f"{D}WiFi.Radio.{r}.CurrentOperatingChannelBandwidth"] = "40MHz" if r == 1 else "80MHz"
		p[f"{D}WiFi.SSID.{r}.SSID"] = f"Gigafibre-{serial[-4:]}" + ("" if r == 1 else "-5G")
		p[f"{D}WiFi.SSID.{r}.Enable"] = True
		p[f"{D}WiFi.SSID.{r}.Status"] = "Up"
		p[f"{D}WiFi.SSID.{r}.LowerLayers"] = f"Device.WiFi.Radio.{r}."
		p[f"{D}WiFi.SSID.{r}.BSSID"] = _mac(rng, oui)
		p[f"{D}WiFi.AccessPoint.{r}.SSIDReference"] = f"Device.WiFi.SSID.{r}."
		p[f"{D}WiFi.AccessPoint.{r}.Enable"] = True
	hosts = _hosts(rng, rng.randrange(0, 9))
	nodes = 1 + (rng.random() < 0.45) + (rng.random() < 0.2)
	node_names = ["Gateway", "Basement", "Upstairs"]
	for n in range(1, nodes + 1):
		base = f"{D}WiFi.MultiAP.APDevice.{n}."
		node_mac = wan_mac if n == 1 else _mac(rng, oui)
		p[base + "MACAddress"] = node_mac
		p[base + "Manufacturer"] = "TP-Link"
		p[base + "SerialNumber"] = serial if n == 1 else f"{serial[:-3]}{n:03d}"
		p[base + "X_TP_ModelName"] = model if n == 1 else "Deco X50"
		p[base + "X_TP_HostName"] = node_names[n - 1]
		p[base + "X_TP_IsController"] = n == 1
		p[base + "X_TP_Active"] = True
		p[base + "BackhaulLinkType"] = "" if n == 1 else rng.choice(["Wi-Fi", "Ethernet"])
		for r, (band, channel, _std) in enumerate(bands, start=1):
			p[f"{base}Radio.{r}.OperatingFrequencyBand"] = band
			p[f"{base}Radio.{r}.Channel"] = channel
	eth_count: dict[int, int] = {}
	wifi_count: dict[tuple[int, int], int] = {}
	for h, host in enumerate(hosts, start=1):
		hb = f"{D}Hosts.Host.{h}."
		p[hb + "PhysAddress"] = host["mac"]
		p[hb + "HostName"] = host["name"]
		p[hb + "IPAddress"] = host["ip"]
		p[hb + "Active"] = True
		p[hb + "InterfaceType"] = "Ethernet" if host["band"] == "Ethernet" else "Wi-Fi"
		node = rng.randrange(1, nodes + 1)
		if host["band"] == "Ethernet":
			k = eth_count[node] = eth_count.get(node, 0) + 1
			eb = f"{D}WiFi.MultiAP.APDevice.{node}.X_TP_Ethernet.AssociatedDevice.{k}."
			p[eb + "MACAddress"] = host["mac"]
			p[eb + "LinkSpeed"] = 1000
			p[eb + "Active"] = True
		else:
			r = 1 if host["band"] == "2.4GHz" else 2
			k = wifi_count[(node, r)] = wifi_count.get((node, r), 0) + 1
			ab = f"{D}WiFi.MultiAP.APDevice.{node}.Radio.{r}.AP.1.AssociatedDevice.{k}."
			p[ab + "MACAddress"] = host["mac"]
			p[ab + "SignalStrength"] = max(0, min(220, 2 * (host["signal"] + 110)))  # RCPI
			p[ab + "LastDataDownlinkRate"] = host["rate_kbps"]
			p[ab + "Active"] = True
	p[D + "Hosts.HostNumberOfEntries"] = len(hosts)
	if filler:
		p[D + "X_TP_Filler"] = _filler("Device", filler)
	return p


def _tr098(rng, model, serial, oui, now, vendor: str, filler: int) -> dict:
	I = "InternetGatewayDevice."
	p: dict = {}
	p[I + "DeviceInfo.Manufacturer"] = {"HT803G": "Raisecom", "EG8145V5": "Huawei Technologies Co., Ltd"}.get(
		model, "TP-Link"
	)
	p[I + "DeviceInfo.ManufacturerOUI"] = oui
	p[I + "DeviceInfo.ModelName"] = model
	p[I + "DeviceInfo.ProductClass"] = model
	p[I + "DeviceInfo.SerialNumber"] = serial
	p[I + "DeviceInfo.HardwareVersion"] = "V1.0"
	p[I + "DeviceInfo.SoftwareVersion"] = rng.choice(FIRMWARES[model])
	p[I + "DeviceInfo.UpTime"] = rng.randrange(60, 90 * 86400)
	p[I + "ManagementServer.ConnectionRequestURL"] = (
		f"http://10.{rng.randrange(256)}.{rng.randrange(256)}.3:7547/"
	)
	wan = I + "WANDevice.1.WANConnectionDevice.1."
	ip = f"100.{rng.randrange(64, 128)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
	if rng.random() < 0.6:
		p[wan + "WANPPPConnection.1.Enable"] = True
		p[wan + "WANPPPConnection.1.ConnectionStatus"] = "Connected"
		p[wan + "WANPPPConnection.1.ExternalIPAddress"] = ip
		p[wan + "WANPPPConnection.1.Username"] = f"{serial.lower()}@gigafibre"
		p[wan + "WANPPPConnection.1.MACAddress"] = _mac(rng, oui)
	else:
		p[wan + "WANIPConnection.1.Enable"] = True
		p[wan + "WANIPConnection.1.ConnectionStatus"] = "Connected"
		p[wan + "WANIPConnection.1.AddressingType"] = "DHCP"
		p[wan + "WANIPConnection.1.ExternalIPAddress"] = ip
		p[wan + "WANIPConnection.1.MACAddress"] = _mac(rng, oui)
	if model == "HT803G":
		# Raisecom's China Telecom style paths, in 0.1 uW (flashman raisecom-ht803g-rev-t.js);
		# drawn from the serial so that the fleet's main random sequence is unchanged
		own = random.Random(serial)
		g = I + "WANDevice.1.X_CT-COM_GponInterfaceConfig."
		p[g + "RXPower"] = _tenths_of_microwatt(_rx_power(own))
		p[g + "TXPower"] = _tenths_of_microwatt(own.uniform(0.8, 4.5))
	if vendor == "huawei":
		g = I + "WANDevice.1.X_GponInterafceConfig."
		p[g + "Status"] = "Up"
		p[g + "RXPower"] = _rx_power(rng)
		p[g + "TXPower"] = round(rng.uniform(0.8, 4.5), 2)
		p[g + "TransceiverTemperature"] = rng.randrange(35, 75)
		p[I + "DeviceInfo.X_HW_SerialNumber"] = "HWTC" + serial[8:]
	lan = I + "LANDevice.1."
	for i in range(1, 5):
		up = rng.random() < 0.4
		p[f"{lan}LANEthernetInterfaceConfig.{i}.Name"] = f"LAN{i}"
		p[f"{lan}LANEthernetInterfaceConfig.{i}.Status"] = "Up" if up else "NoLink"
		p[f"{lan}LANEthernetInterfaceConfig.{i}.MaxBitRate"] = rng.choice(["1000", "100"]) if up else "Auto"
		p[f"{lan}LANEthernetInterfaceConfig.{i}.DuplexMode"] = "Full" if up else "Auto"
		p[f"{lan}LANEthernetInterfaceConfig.{i}.MACAddress"] = _mac(rng, oui)
	wlans = [(1, "2.4GHz", rng.choice([1, 6, 11]), "n"), (5, "5GHz", rng.choice([36, 149]), "ac")]
	hosts = _hosts(rng, rng.randrange(0, 7))
	for w, band, channel, std in wlans:
		wb = f"{lan}WLANConfiguration.{w}."
		p[wb + "Enable"] = True
		p[wb + "Status"] = "Up"
		p[wb + "SSID"] = f"Gigafibre-{serial[-4:]}" + ("" if band == "2.4GHz" else "-5G")
		p[wb + "Channel"] = channel
		p[wb + "Standard"] = std
		p[wb + "BSSID"] = _mac(rng, oui)
		p[wb + ("X_HW_RFBand" if vendor == "huawei" else "OperatingFrequencyBand")] = band
	assoc: dict[int, int] = {}
	for h, host in enumerate(hosts, start=1):
		hb = f"{lan}Hosts.Host.{h}."
		p[hb + "MACAddress"] = host["mac"]
		p[hb + "HostName"] = host["name"]
		p[hb + "IPAddress"] = host["ip"]
		p[hb + "Active"] = True
		p[hb + "InterfaceType"] = "Ethernet" if host["band"] == "Ethernet" else "802.11"
		if host["band"] != "Ethernet":
			w = 1 if host["band"] == "2.4GHz" else 5
			k = assoc[w] = assoc.get(w, 0) + 1
			ab = f"{lan}WLANConfiguration.{w}.AssociatedDevice.{k}."
			p[ab + "AssociatedDeviceMACAddress"] = host["mac"]
			p[ab + "X_TP_StaSignalStrength"] = str(host["signal"])
			p[ab + "X_TP_StaConnectionSpeed"] = host["rate_kbps"] // 1000
	for w, *_ in wlans:
		p[f"{lan}WLANConfiguration.{w}.TotalAssociations"] = assoc.get(w, 0)
	if filler:
		p[I + "X_Filler"] = _filler("InternetGatewayDevice", filler)
	return p


def generate_fleet(count: int, seed: int = 1, now: datetime | None = None, filler: int = 1000) -> list[dict]:
	"""`count` device documents, deterministic for a seed.

	Last informs: ~80 % within the last 5 minutes, ~12 % within a day, the rest older (offline).
	`filler` unchanging parameters per document (shared) make full documents realistically heavy.
	"""
	rng = random.Random(seed)
	now = now or datetime.now(timezone.utc)
	weights = [w for w, _ in MODELS]
	keys = [k for _, k in MODELS]
	ouis = {
		"XX230v": "5C628B",
		"EX220": "1C61B4",
		"HT803G": "C850E9",
		"EG8145V5": "00259E",
		"EC220-G5": "9CA2F4",
	}
	fleet = []
	for n in range(count):
		model = rng.choices(keys, weights)[0]
		oui = ouis[model]
		if model == "EG8145V5":
			serial = f"48575443{rng.randrange(16**8):08X}"
		elif model == "HT803G":
			serial = f"RCMG{rng.randrange(16**8):08X}"
		else:
			serial = f"{22000000000 + n * 7919 + rng.randrange(7919):013d}"
		r = rng.random()
		if r < 0.80:
			last = now - timedelta(seconds=rng.randrange(0, 300))
		elif r < 0.92:
			last = now - timedelta(seconds=rng.randrange(300, 86400))
		else:
			last = now - timedelta(days=rng.randrange(1, 60))
		product_class = {"EC220-G5": "IGD"}.get(model, model)
		device_id = f"{oui}-{product_class}-{serial}"
		if model in ("XX230v", "EX220"):
			params = _tr181(rng, model, serial, oui, now, with_optical=model == "XX230v", filler=filler)
		else:
			vendor = "huawei" if model == "EG8145V5" else "other"
			params = _tr098(rng, model, serial, oui, now, vendor, filler)
		boot = last - timedelta(seconds=rng.randrange(60, 30 * 86400))
		events = {
			"_lastInform": last,
			"_registered": boot - timedelta(days=rng.randrange(1, 700)),
			"_lastBoot": boot,
			"_lastBootstrap": boot - timedelta(days=1),
			"_tags": [],
		}
		ids = {
			"_Manufacturer": params.get("Device.DeviceInfo.Manufacturer")
			or params.get("InternetGatewayDevice.DeviceInfo.Manufacturer"),
			"_OUI": oui,
			"_ProductClass": product_class,
			"_SerialNumber": serial,
		}
		fleet.append(build_document(device_id, ids, params, last, events))
	return fleet
