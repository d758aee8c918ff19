"""Rules of a Dispatch Job: its status lifecycle, its team, its skills and its appointment."""

from gigafibre_fsm.errors import InvalidInput, _
from gigafibre_fsm.lifecycle import lifecycle

JOB_LIFECYCLE = lifecycle(
	"Dispatch Job",
	initial="Open",
	table={
		"Open": ("Assigned", "Cancelled"),
		"Assigned": ("Open", "En Route", "In Progress", "Cancelled"),
		# a technician turned back (traffic, emergency) goes back to the assigned list
		"En Route": ("Assigned", "In Progress", "Cancelled"),
		"In Progress": ("Completed", "Cancelled"),
		"Completed": (),
		# a cancelled visit can be reopened by the dispatcher, e.g. the customer called back
		"Cancelled": ("Open",),
	},
	# a dispatcher may create a job with its technician already chosen
	also_new=("Assigned",),
)

NEEDS_TECHNICIAN = frozenset({"Assigned", "En Route", "In Progress", "Completed"})


def status_after_assignment(status: str, technician: str | None) -> str:
	"""Return the status a job takes when its technician is set or cleared.

	Assigning an open job makes it Assigned; clearing the technician of an assigned job opens
	it again. A job under way must keep its technician.
	"""
	if technician and status == "Open":
		return "Assigned"
	if not technician and status == "Assigned":
		return "Open"
	if not technician and status in NEEDS_TECHNICIAN:
		raise InvalidInput(_("A job that is {status} needs a technician"), status=status)
	return status


def validate_team(technician: str | None, assistants: list[str]) -> None:
	"""Refuse a team where the technician is also an assistant, or an assistant appears twice."""
	seen = set()
	for assistant in assistants:
		if assistant == technician:
			raise InvalidInput(
				_("{technician} cannot be both the technician and an assistant"), technician=assistant
			)
		if assistant in seen:
			raise InvalidInput(_("{technician} is listed twice as an assistant"), technician=assistant)
		seen.add(assistant)


def validate_skill_levels(tags: list[tuple[str, int]]) -> None:
	"""Refuse a skill level outside 1–5 and a tag listed twice."""
	seen = set()
	for tag, level in tags:
		if not isinstance(level, int) or not 1 <= level <= 5:
			raise InvalidInput(_("Level {level} of {tag} is outside 1 to 5"), level=level, tag=tag)
		if tag in seen:
			raise InvalidInput(_("{tag} is listed twice"), tag=tag)
		seen.add(tag)


def validate_appointment(window_start, window_end, start, duration_minutes) -> None:
	"""Refuse an empty window, a start outside the window and a job without duration.

	Times are `datetime.time` or None; the window and the start may each be unset.
	"""
	if not isinstance(duration_minutes, int) or duration_minutes <= 0:
		raise InvalidInput(_("A job must last at least one minute, not {minutes}"), minutes=duration_minutes)
	if duration_minutes > 24 * 60:
		raise InvalidInput(_("A job cannot last more than a day; split it into several jobs"))
	if window_start and window_end and window_end <= window_start:
		raise InvalidInput(
			_("The appointment window {start}–{end} is empty or inverted"),
			start=window_start.strftime("%H:%M"),
			end=window_end.strftime("%H:%M"),
		)
	if (start and window_start and start < window_start) or (start and window_end and start > window_end):
		raise InvalidInput(
			_("The start time {start} is outside the appointment window"), start=start.strftime("%H:%M")
		)
