"""Optical (GPON) levels of an ONT and their verdict against thresholds.

Where the levels live depends on the data model and the vendor; `OPTICAL_SOURCES` lists the
paths read, in order, each with the unit its vendor uses. Append to it (or pass `sources`) for
a model whose paths are known from a real device.
"""

from dataclasses import dataclass, field

from gigafibre_fsm.errors import InvalidInput, _
from gigafibre_fsm.network.acs import params as P

OK = "ok"
WARNING = "warning"
CRITICAL = "critical"


@dataclass(frozen=True)
class OpticalThresholds:
	"""Limits for an ONT's levels (GPON class B+ defaults; override per operator).

	rx (dBm): ok when rx_warning <= rx <= rx_max; warning when rx_critical <= rx < rx_warning;
	critical when rx < rx_critical (too weak) or rx > rx_max (overload).
	tx (dBm): warning outside [tx_min, tx_max]. Temperature (°C): warning from temp_warning,
	critical from temp_critical.
	"""

	rx_warning: float = -25.0
	rx_critical: float = -27.0
	rx_max: float = -8.0
	tx_min: float = 0.5
	tx_max: float = 5.0
	temp_warning: float = 70.0
	temp_critical: float = 85.0

	def __post_init__(self):
		if not (self.rx_critical <= self.rx_warning < self.rx_max):
			raise InvalidInput(
				_(
					"Optical thresholds must satisfy critical <= warning < maximum (got {critical}, {warning}, {maximum})"
				),
				critical=self.rx_critical,
				warning=self.rx_warning,
				maximum=self.rx_max,
			)


@dataclass(frozen=True)
class OpticalSource:
	"""Where one vendor keeps rx/tx/temperature. `{i}` is any instance number.

	unit: "dBm", "0.001dBm" (TR-181's OpticalSignalLevel), or "auto" (a heuristic: |v| <= 60
	is dBm, a larger negative value is 0.001 dBm).
	"""

	rx: str
	tx: str | None = None
	temperature: str | None = None
	unit: str = "auto"


OPTICAL_SOURCES: list[OpticalSource] = [
	# TR-181 standard: Device.Optical.Interface.{i}. levels in 0.001 dBm
	OpticalSource(
		"Device.Optical.Interface.{i}.OpticalSignalLevel",
		"Device.Optical.Interface.{i}.TransmitOpticalLevel",
		"Device.Optical.Interface.{i}.X_TP_Temperature",
		"auto",
	),
	# Huawei TR-098 ONTs (the sample EG8145V5): "Interafce" is Huawei's own spelling
	OpticalSource(
		"InternetGatewayDevice.WANDevice.1.X_GponInterafceConfig.RXPower",
		"InternetGatewayDevice.WANDevice.1.X_GponInterafceConfig.TXPower",
		"InternetGatewayDevice.WANDevice.1.X_GponInterafceConfig.TransceiverTemperature",
		"auto",
	),
	# Huawei TR-181 firmware
	OpticalSource(
		"Device.X_HW_GponInterfaceConfig.RXPower",
		"Device.X_HW_GponInterfaceConfig.TXPower",
		"Device.X_HW_GponInterfaceConfig.TransceiverTemperature",
		"auto",
	),
]


@dataclass
class OpticalStatus:
	rx_dbm: float | None = None
	tx_dbm: float | None = None
	temperature_c: float | None = None
	status: str = P.UNKNOWN
	reasons: list[str] = field(default_factory=list)


def to_dbm(raw, unit: str) -> float | None:
	"""A level in dBm from a vendor's raw value, or None when it cannot be one."""
	v = P.number(raw)
	if v is None:
		return None
	if unit == "0.001dBm":
		v = v / 1000
	elif unit == "auto" and abs(v) > 60:
		if v >= 0:
			return None  # a positive large value is a power in µW-ish units we cannot trust
		v = v / 1000
	if not (-60 <= v <= 20):
		return None
	return round(v, 2)


def _expand(doc, template: str) -> list:
	"""Values at a path with `{i}` standing for every instance (first match kept first)."""
	if "{i}" not in template:
		return [P.value(doc, template)]
	head, _sep, tail = template.partition(".{i}.")
	return [P.value(inst, tail) for _k, inst in P.instances(doc, head)]


def read_optical(doc: dict, sources: list[OpticalSource] | None = None) -> tuple:
	"""(rx, tx, temperature) in dBm / °C from the first source holding an rx value."""
	for src in sources or OPTICAL_SOURCES:
		for i, raw in enumerate(_expand(doc, src.rx)):
			rx = to_dbm(raw, src.unit)
			if rx is None:
				continue
			tx = temp = None
			if src.tx:
				txs = _expand(doc, src.tx)
				tx = to_dbm(txs[i] if i < len(txs) else None, src.unit)
			if src.temperature:
				temps = _expand(doc, src.temperature)
				temp = P.number(temps[i] if i < len(temps) else None)
			if temp is None:
				temp = _device_temperature(doc)
			return rx, tx, temp
	return None, None, None


def _device_temperature(doc) -> float | None:
	for root in ("InternetGatewayDevice", "Device"):
		for _k, sensor in P.instances(doc, root + ".DeviceInfo.TemperatureStatus.TemperatureSensor"):
			t = P.number(P.value(sensor, "Value"))
			if t is not None:
				return t
	return None


def judge(rx, tx, temperature, thresholds: OpticalThresholds | None = None) -> OpticalStatus:
	"""Verdict: the worst of rx, tx and temperature; "unknown" when rx is unknown."""
	t = thresholds or OpticalThresholds()
	out = OpticalStatus(rx_dbm=rx, tx_dbm=tx, temperature_c=temperature)
	if rx is None:
		return out
	level = OK
	if rx < t.rx_critical:
		level = CRITICAL
		out.reasons.append(_("Receive power too weak"))
	elif rx > t.rx_max:
		level = CRITICAL
		out.reasons.append(_("Receive power too strong (overload)"))
	elif rx < t.rx_warning:
		level = WARNING
		out.reasons.append(_("Receive power low"))
	if tx is not None and not (t.tx_min <= tx <= t.tx_max):
		level = CRITICAL if level == CRITICAL else WARNING
		out.reasons.append(_("Transmit power out of range"))
	if temperature is not None:
		if temperature >= t.temp_critical:
			level = CRITICAL
			out.reasons.append(_("Transceiver temperature critical"))
		elif temperature >= t.temp_warning:
			level = CRITICAL if level == CRITICAL else WARNING
			out.reasons.append(_("Transceiver temperature high"))
	out.status = level
	return out


def optical_status(doc: dict, thresholds=None, sources=None) -> OpticalStatus:
	"""Read the levels from a device document and judge them."""
	rx, tx, temp = read_optical(doc, sources)
	return judge(rx, tx, temp, thresholds)
