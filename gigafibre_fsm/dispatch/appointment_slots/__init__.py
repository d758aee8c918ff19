"""Appointment slots a customer may book: arrival windows that a real technician can take,
and the short holds that keep one while the customer pays or confirms."""

from gigafibre_fsm.dispatch.appointment_slots.slots import (
	ArrivalWindow,
	Hold,
	Slot,
	SlotRequest,
	TechnicianDay,
	arrival_windows_from_text,
	best_technician_for,
	offer_slots,
)

__all__ = [
	"ArrivalWindow",
	"Hold",
	"Slot",
	"SlotRequest",
	"TechnicianDay",
	"arrival_windows_from_text",
	"best_technician_for",
	"offer_slots",
]
