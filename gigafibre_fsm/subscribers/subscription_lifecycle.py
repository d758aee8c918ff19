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
