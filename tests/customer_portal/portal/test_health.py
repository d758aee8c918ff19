"""The health light of a customer's device: thresholds, silence, and no reading as no reading."""

import pytest

from gigafibre_fsm.customer_portal.portal.health import (
	GREEN,
	GREY,
	ORANGE,
	RED,
	Light,
	health_light,
	optical_reading,
	worst,
)

WINDOW = 15 * 60


@pytest.mark.parametrize(
	"rx, age, colour",
	[
		(-20.0, 60, GREEN),
		(-25.0, 60, GREEN),  # the warning threshold itself is still fine
		(-25.01, 60, ORANGE),
		(-27.0, 60, ORANGE),
		(-27.01, 60, RED),
		(-7.5, 60, RED),  # overload
		(-20.0, WINDOW + 1, RED),  # silent too long, even with a good last level
		(-20.0, WINDOW, GREEN),
		(None, None, GREY),
		(0, None, GREY),
		("", None, GREY),
		(-20.0, None, GREEN),  # a level known without an inform time
		(-28.0, None, RED),
	],
)
def test_the_light(rx, age, colour):
	assert health_light(rx, age, WINDOW).colour == colour


@pytest.mark.parametrize("placeholder", [0, 0.0, "0", "", None, "n/a", float("nan")])
def test_an_empty_or_zero_reading_is_no_reading(placeholder):
	assert optical_reading(placeholder) is None
	light = health_light(placeholder, 30, WINDOW)
	assert light.colour == GREEN and light.rx_dbm is None  # informing, level unknown: not an alarm


def test_operator_thresholds_apply():
	assert health_light(-24.0, 10, WINDOW, rx_warning=-23.0, rx_critical=-26.0).colour == ORANGE
	assert health_light(-26.5, 10, WINDOW, rx_warning=-23.0, rx_critical=-26.0).colour == RED


def test_a_place_shows_its_worst_device():
	assert worst([Light(GREEN, "a"), Light(ORANGE, "b"), Light(GREY, "c")]).colour == ORANGE
	assert worst([Light(GREY, "c"), Light(GREEN, "a")]).colour == GREEN
	assert worst([Light(GREY, "c")]).colour == GREY
	assert worst([]).colour == GREY
