"""Who can take this one job now: eligible technicians ranked, the others with a typed reason."""

from .ranking import (
	Candidate,
	Exclusion,
	JobRequest,
	Ranking,
	Reason,
	RequiredTag,
	TechnicianProfile,
	rank_technicians,
)

__all__ = [
	"Candidate",
	"Exclusion",
	"JobRequest",
	"Ranking",
	"Reason",
	"RequiredTag",
	"TechnicianProfile",
	"rank_technicians",
]
