"""A technician's working time: weekly shifts, extra shifts, absences, and when they are free."""

from .availability import (
	DEFAULT_TZ,
	booked_blocks,
	contains,
	free_intervals,
	get_zone,
	is_free,
	local_instant,
	subtract,
	working_intervals,
)
from .model import (
	Absence,
	BookedJob,
	ExtraShift,
	WeeklyShift,
	parse_time,
	require_aware,
	validate_absence,
	validate_extra_shifts,
	validate_weekly_schedule,
	weekly_shifts_from_rows,
)

__all__ = [
	"DEFAULT_TZ",
	"Absence",
	"BookedJob",
	"ExtraShift",
	"WeeklyShift",
	"booked_blocks",
	"contains",
	"free_intervals",
	"get_zone",
	"is_free",
	"local_instant",
	"parse_time",
	"require_aware",
	"subtract",
	"validate_absence",
	"validate_extra_shifts",
	"validate_weekly_schedule",
	"weekly_shifts_from_rows",
	"working_intervals",
]
