"""Dispatch Settings, and the travel-time provider they choose."""

import frappe

from gigafibre_fsm.dispatch import travel_time, work_schedule


def dispatch_settings():
	return frappe.get_single("Dispatch Settings")


def travel_time_provider(settings=None) -> travel_time.TravelTimeProvider:
	settings = settings or dispatch_settings()
	if settings.travel_time_provider == "OSRM" and settings.osrm_url:
		return travel_time.OsrmTravel(settings.osrm_url)
	if settings.travel_time_provider == "Mapbox":
		token = settings.get_password("mapbox_token", raise_exception=False)
		if token:
			return travel_time.MapboxTravel(token)
	return travel_time.GreatCircleTravel(
		road_factor=settings.road_factor or 1.3, speed_kmh=settings.urban_speed_kmh or 40
	)


def dispatch_time_zone(settings=None) -> str:
	"""The time zone dispatch plans in (the site's technicians' wall clock)."""
	settings = settings or dispatch_settings()
	return settings.time_zone or work_schedule.DEFAULT_TZ


def dispatch_zone(settings=None):
	return work_schedule.get_zone(dispatch_time_zone(settings))
