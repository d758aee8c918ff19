"""Recurring jobs: RRULE validation, DST-correct expansion, and edits of one/following/all."""

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
	"Occurrence",
	"OccurrenceOverride",
	"RecurringSeries",
	"edit_occurrence",
	"edit_series",
	"expand",
	"expand_series",
	"format_parts",
	"format_until",
	"parse_parts",
	"split_series",
	"validate_rrule",
	"validate_series",
]
