"""Coordinates on the ground: validation shared by service locations and home bases."""

from gigafibre_fsm.errors import InvalidInput, _


def validate_coordinates(latitude, longitude, *, required: bool = False) -> tuple[float, float] | None:
	"""Return (latitude, longitude) as floats, None when both are empty and not required.

	0/0 counts as empty: it is what an unset Float field holds, and no customer lives there.
	"""
	empty = latitude in (None, "", 0, 0.0) and longitude in (None, "", 0, 0.0)
	if empty:
		if required:
			raise InvalidInput(_("GPS coordinates are required"))
		return None
	try:
		lat, lon = float(latitude), float(longitude)
	except (TypeError, ValueError):
		raise InvalidInput(
			_("GPS coordinates must be numbers, not {latitude}, {longitude}"),
			latitude=latitude,
			longitude=longitude,
		)
	if not -90 <= lat <= 90:
		raise InvalidInput(_("Latitude {latitude} is outside -90 to 90"), latitude=lat)
	if not -180 <= lon <= 180:
		raise InvalidInput(_("Longitude {longitude} is outside -180 to 180"), longitude=lon)
	return lat, lon
