"""A device's health as one light a customer understands: green, orange, red or grey.

Decided from what the NOC's summary holds for the device: its optical receive level (dBm)
against the operator's thresholds, and how long ago it last informed the ACS. An empty or 0
reading is no reading (a placeholder many ONTs report), never 0 dBm; a device never heard from
is grey, not red: nothing is known about it yet.
"""

from dataclasses import dataclass

from gigafibre_fsm.errors import _

GREEN, ORANGE, RED, GREY = "green", "orange", "red", "grey"

WORKING = _("Working normally")
WEAK_SIGNAL = _("Weak fibre signal: we may need to check it")
NO_SIGNAL = _("Fibre signal out of range")
OFFLINE = _("Not connected")
NOT_HEARD = _("No reading yet")
NO_OPTICAL = _("Connected (no fibre signal reading)")


@dataclass(frozen=True)
class Light:
	colour: str
	reason: str  # an untranslated message (the shell translates it)
	rx_dbm: float | None = None


def optical_reading(value) -> float | None:
	"""The level in dBm, or None when there is none: empty, not a number, or a placeholder 0."""
	if value is None or value == "":
		return None
	try:
		level = float(value)
	except (TypeError, ValueError):
		return None
	if level == 0 or level != level:  # 0 is a placeholder; NaN is nothing
		return None
	return level


def health_light(
	rx_dbm,
	last_inform_age_s: float | None,
	online_window_s: float,
	rx_warning: float = -25.0,
	rx_critical: float = -27.0,
	rx_max: float = -8.0,
) -> Light:
	"""The light of a device whose optical level is `rx_dbm` and who last informed
	`last_inform_age_s` seconds ago (None: never).

	grey: never informed and no reading; red: silent for longer than `online_window_s`, or the
	level below `rx_critical` or above `rx_max`; orange: the level between `rx_critical` and
	`rx_warning`; green: informing in time with a level in range (or no optical reading)."""
	level = optical_reading(rx_dbm)
	if last_inform_age_s is None:
		if level is None:
			return Light(GREY, NOT_HEARD)
	elif last_inform_age_s > online_window_s:
		return Light(RED, OFFLINE, level)
	if level is None:
		return Light(GREEN, NO_OPTICAL)
	if level < rx_critical or level > rx_max:
		return Light(RED, NO_SIGNAL, level)
	if level < rx_warning:
		return Light(ORANGE, WEAK_SIGNAL, level)
	return Light(GREEN, WORKING, level)


def worst(lights) -> Light:
	"""The light of a place with several devices: its worst one (grey only if all are grey)."""
	order = {RED: 0, ORANGE: 1, GREEN: 2, GREY: 3}
	lights = list(lights)
	if not lights:
		return Light(GREY, NOT_HEARD)
	return min(lights, key=lambda light: order[light.colour])
