"""Recurring jobs: RRULE validation, DST-correct expansion, and edits of one/following/all."""

from .occurrences import (
	ExistingJob,
	SyncPlan,
	format_skipped_dates,
	occurrence_start,
	parse_skipped_dates,
	reconcile,
	series_from_values,
	validate_job_rule,
	with_job_overrides,
)
from .rules import format_parts, format_until, parse_parts, validate_rrule
from .series import (
	MAX_OCCURRENCES,
	Occurrence,
	OccurrenceOverride,
	RecurringSeries,
	edit_occurrence,
	edit_series,
	expand,
	expand_series,
	split_series,
	validate_series,
)

__all__ = [
	"MAX_OCCURRENCES",
	"ExistingJob",
	"Occurrence",
	"OccurrenceOverride",
	"RecurringSeries",
	"SyncPlan",
	"edit_occurrence",
	"edit_series",
	"expand",
	"expand_series",
	"format_parts",
	"format_skipped_dates",
	"format_until",
	"occurrence_start",
	"parse_parts",
	"parse_skipped_dates",
	"reconcile",
	"series_from_values",
	"split_series",
	"validate_job_rule",
	"validate_rrule",
	"validate_series",
	"with_job_overrides",
]
