"""Legal status changes of a Service Subscription: pending → active → suspended → cancelled."""

from gigafibre_fsm.lifecycle import lifecycle

SUBSCRIPTION_LIFECYCLE = lifecycle(
	"Service Subscription",
	initial="Pending",
	table={
		"Pending": ("Active", "Cancelled"),
		"Active": ("Suspended", "Cancelled"),
		# a suspension (unpaid bill, customer request) is lifted or ends the service
		"Suspended": ("Active", "Cancelled"),
		"Cancelled": (),
	},
)


def location_suspended_on_network(statuses) -> bool:
	"""Whether the devices of a location are to be restricted, given the statuses of every
	Service Subscription there: when one is Suspended and none is Active (a location keeps its
	service while any of its subscriptions is active). Pending and Cancelled ones do not count:
	a cancelled service is taken back by returning the equipment, not by a tag."""
	statuses = list(statuses)
	return "Suspended" in statuses and "Active" not in statuses
