"""Reading a modem's or ONT's identity from a photo of its label (see README.md)."""

from gigafibre_fsm.subscribers.label_reading.decoding import DecodedSymbol, decode_symbols, load_image
from gigafibre_fsm.subscribers.label_reading.fields import (
	GPON_SERIAL,
	MAC,
	OTHER,
	SERIAL,
	WIFI_SSID,
	Identity,
	classify_text,
	classify_value,
	gpon_serial,
	redact,
	split_fields,
)
from gigafibre_fsm.subscribers.label_reading.reading import (
	IN_STOCK,
	LabelReading,
	ReadIdentity,
	proposed_equipment,
	read_label,
	read_symbols,
)
