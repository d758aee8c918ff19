"""The day planner: assign and sequence a day's jobs across technicians (see README.md)."""

from .check import check_plan
from .model import (
	PRIORITY_HIGH,
	PRIORITY_LOW,
	PRIORITY_NORMAL,
	PRIORITY_URGENT,
	STATUS_EN_ROUTE,
	STATUS_IN_PROGRESS,
	STATUS_SCHEDULED,
	DayPlan,
	LunchBreak,
	PlanJob,
	PlannedStop,
	PlanTechnician,
	TechnicianRoute,
	UnassignedJob,
)
from .planner import plan_day

__all__ = [
	"PRIORITY_HIGH",
	"PRIORITY_LOW",
	"PRIORITY_NORMAL",
	"PRIORITY_URGENT",
	"STATUS_EN_ROUTE",
	"STATUS_IN_PROGRESS",
	"STATUS_SCHEDULED",
	"DayPlan",
	"LunchBreak",
	"PlanJob",
	"PlanTechnician",
	"PlannedStop",
	"TechnicianRoute",
	"UnassignedJob",
	"check_plan",
	"plan_day",
]
