"""Optical (GPON) levels of an ONT and their verdict against thresholds.

Where the levels live and in which unit depends on the vendor: that knowledge is data, the
rows of `vendor_paths.json` (see `vendors.py`), each citing its source. Reading tries the rows
of the document's data model, those whose manufacturer matches the device first; the first
row giving a real reading wins. A placeholder 0 or an empty value is no reading, never 0 dBm,
and a device that no row knows gets "no optical reading" instead of an alarm.
"""

from dataclasses import dataclass, field

from gigafibre_fsm.errors import InvalidInput, _
from gigafibre_fsm.network.acs import params as P
from gigafibre_fsm.network.acs import vendors as V
from gigafibre_fsm.network.acs.vendors import OpticalSource

OK = "ok"
WARNING = "warning"
CRITICAL = "critical"

NO_READING = _("No optical reading")
UNIT_NOT_CONFIRMED = _("Optical reading shown, but its unit is not confirmed for this model")


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


def _table_sources() -> list[OpticalSource]:
	return list(V.load_table()[0])


# The vendor table's rows, in file order (read-only: add a model to vendor_paths.json).
OPTICAL_SOURCES: list[OpticalSource] = _table_sources()


@dataclass
class OpticalReading:
	"""What one device reports, converted (dBm, °C, V, mA), and which table row it came from."""

	rx_dbm: float | None = None
	tx_dbm: float | None = None
	temperature_c: float | None = None
	voltage_v: float | None = None
	bias_ma: float | None = None
	vendor: str | None = None
	unverified: frozenset = frozenset()


@dataclass
class OpticalStatus:
	rx_dbm: float | None = None
	tx_dbm: float | None = None
	temperature_c: float | None = None
	voltage_v: float | None = None
	bias_ma: float | None = None
	source: str | None = None  # the vendor row the reading came from
	status: str = P.UNKNOWN
	reasons: list[str] = field(default_factory=list)
	unverified: list[str] = field(default_factory=list)


def _expand(doc, template: str | None) -> list:
	"""Values at a path with `{i}` standing for every instance, in instance order."""
	if not template:
		return []
	if "{i}" not in template:
		return [P.value(doc, template)]
	head, _sep, tail = template.partition(".{i}.")
	return [P.value(inst, tail) for _k, inst in P.instances(doc, head)]


def _at(values: list, i: int):
	return values[i] if i < len(values) else None


def manufacturer(doc: dict) -> str:
	"""The device's manufacturer as reported (device id, else DeviceInfo), lower case."""
	ids = doc.get("_deviceId") if isinstance(doc.get("_deviceId"), dict) else {}
	parts = [ids.get("_Manufacturer"), P.value(doc, "InternetGatewayDevice.DeviceInfo.Manufacturer")]
	parts.append(P.value(doc, "Device.DeviceInfo.Manufacturer"))
	return " ".join(str(p) for p in parts if p).lower()


def candidate_sources(doc: dict, sources: list[OpticalSource] | None = None) -> list[OpticalSource]:
	"""The rows that apply to this document's data model: its manufacturer's rows, then the rows
	for any manufacturer, then the other vendors' rows (their vendor paths may be shared by
	OEM firmwares)."""
	model = P.data_model(doc)
	rows = [s for s in (sources if sources is not None else OPTICAL_SOURCES) if s.data_model == model]
	maker = manufacturer(doc)
	mine = [s for s in rows if s.manufacturers and any(m in maker for m in s.manufacturers)]
	anyone = [s for s in rows if not s.manufacturers]
	return mine + anyone + [s for s in rows if s not in mine and s not in anyone]


def read_optical(doc: dict, sources: list[OpticalSource] | None = None) -> OpticalReading:
	"""The first real reading any applicable row gives (rx or tx), converted; empty when none."""
	doc = doc if isinstance(doc, dict) else {}
	for src in candidate_sources(doc, sources):
		rxs, txs = _expand(doc, src.rx), _expand(doc, src.tx)
		for i in range(max(len(rxs), len(txs))):
			rx = V.power_dbm(_at(rxs, i), src.power_unit)
			tx = V.power_dbm(_at(txs, i), src.power_unit)
			if rx is None and tx is None:
				continue
			temp = V.temperature_c(_at(_expand(doc, src.temperature), i), src.temperature_unit)
			unverified = set(src.unverified)
			if temp is None:
				temp = _device_temperature(doc)
				unverified.discard("temperature")
			return OpticalReading(
				rx_dbm=rx,
				tx_dbm=tx,
				temperature_c=temp,
				voltage_v=V.voltage_v(_at(_expand(doc, src.voltage), i), src.voltage_unit),
				bias_ma=V.bias_ma(_at(_expand(doc, src.bias), i), src.bias_unit),
				vendor=src.vendor,
				unverified=frozenset(unverified),
			)
	return OpticalReading()


def _device_temperature(doc) -> float | None:
	for root in ("InternetGatewayDevice", "Device"):
		for _k, sensor in P.instances(doc, root + ".DeviceInfo.TemperatureStatus.TemperatureSensor"):
			t = V.temperature_c(P.value(sensor, "Value"), "degC")
			if t is not None:
				return t
	return None


def judge(
	rx, tx, temperature, thresholds: OpticalThresholds | None = None, unverified=frozenset()
) -> OpticalStatus:
	"""Verdict: the worst of rx, tx and temperature.

	"unknown" with the reason "no optical reading" when rx is unknown; a reading whose unit is
	unverified for the model is reported but never raises an alarm.
	"""
	t = thresholds or OpticalThresholds()
	out = OpticalStatus(rx_dbm=rx, tx_dbm=tx, temperature_c=temperature, unverified=sorted(unverified))
	if rx is None:
		out.reasons.append(NO_READING)
		return out
	if "rx" in unverified:
		out.reasons.append(UNIT_NOT_CONFIRMED)
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
	if tx is not None and "tx" not in unverified and not (t.tx_min <= tx <= t.tx_max):
		level = CRITICAL if level == CRITICAL else WARNING
		out.reasons.append(_("Transmit power out of range"))
	if temperature is not None and "temperature" not in unverified:
		if temperature >= t.temp_critical:
			level = CRITICAL
			out.reasons.append(_("Transceiver temperature critical"))
		elif temperature >= t.temp_warning:
			level = CRITICAL if level == CRITICAL else WARNING
			out.reasons.append(_("Transceiver temperature high"))
	out.status = level
	return out


def optical_status(doc: dict, thresholds=None, sources=None) -> OpticalStatus:
	"""Read the levels from a device document (through the vendor table) and judge them."""
	r = read_optical(doc, sources)
	out = judge(r.rx_dbm, r.tx_dbm, r.temperature_c, thresholds, r.unverified)
	out.voltage_v, out.bias_ma, out.source = r.voltage_v, r.bias_ma, r.vendor
	return out
