import pytest

from gigafibre_fsm.errors import IllegalTransition, InvalidInput
from gigafibre_fsm.subscribers.subscription_lifecycle import SUBSCRIPTION_LIFECYCLE as LIFECYCLE

LEGAL = [
	("Pending", "Active"),
	("Pending", "Cancelled"),
	("Active", "Suspended"),
	("Active", "Cancelled"),
	("Suspended", "Active"),
	("Suspended", "Cancelled"),
]


@pytest.mark.parametrize("old,new", LEGAL)
def test_legal_transitions(old, new):
	LIFECYCLE.check(old, new)


@pytest.mark.parametrize(
	"old,new",
	[(o, n) for o in LIFECYCLE.statuses for n in LIFECYCLE.statuses if o != n and (o, n) not in LEGAL],
)
def test_every_other_transition_is_illegal(old, new):
	with pytest.raises(IllegalTransition):
		LIFECYCLE.check(old, new)


def test_new_subscription_starts_pending():
	LIFECYCLE.check(None, "Pending")
	with pytest.raises(IllegalTransition):
		LIFECYCLE.check(None, "Active")


def test_cancelled_is_final_and_says_so():
	assert LIFECYCLE.is_final("Cancelled")
	with pytest.raises(IllegalTransition) as e:
		LIFECYCLE.check("Cancelled", "Active")
	assert "cannot change status any more" in e.value.message


def test_unknown_status():
	with pytest.raises(InvalidInput):
		LIFECYCLE.check("Active", "Paused")
