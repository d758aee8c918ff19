"""When a location's devices are restricted on the network, from its subscriptions' statuses."""

import pytest

from gigafibre_fsm.subscribers.subscription_lifecycle import location_suspended_on_network


@pytest.mark.parametrize(
	"statuses, restricted",
	[
		(["Suspended"], True),
		(["Suspended", "Suspended"], True),
		(["Suspended", "Cancelled"], True),
		(["Suspended", "Pending"], True),
		(["Suspended", "Active"], False),  # the location keeps the service it still pays for
		(["Active"], False),
		(["Cancelled"], False),  # a cancelled service is taken back with its equipment
		(["Pending"], False),
		([], False),
	],
)
def test_a_location_is_restricted_when_a_subscription_is_suspended_and_none_is_active(statuses, restricted):
	assert location_suspended_on_network(statuses) is restricted
	assert location_suspended_on_network(iter(statuses)) is restricted  # any iterable
