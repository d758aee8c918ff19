"""A label photo in, the equipment's identity out: `read_label(photo_bytes)`."""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

from gigafibre_fsm.subscribers.label_reading.decoding import (
	DecodedSymbol,
	decode_symbols,
	load_image,
	mask_secrets,
)
from gigafibre_fsm.subscribers.label_reading.fields import (
	GPON_SERIAL,
	GPON_VENDORS,
	KINDS,
	MAC,
	SERIAL,
	Identity,
	classify_text,
)

# Keys naming the device's own (base) MAC, preferred over a WAN or Wi-Fi one.
_BASE_MAC_KEYS = {"MAC", "BASEMAC", "MACADDRESS", "MACADDR", "LANMAC", "ETHMAC"}


@dataclass(frozen=True)
class ReadIdentity:
	"""One value, merged over every code that carried it: `confidence` grows when two codes
	agree (the QR code and the Code 128 under it), `symbologies` names them."""

	kind: str
	value: str
	confidence: float
	symbologies: tuple[str, ...]
	keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class LabelReading:
	"""What a label photo says. `symbols`: every code found (passwords masked);
	`identities`: every value, best first within each kind; `gpon_serial`, `serial`,
	`mac_address`: the best of each kind, or None. `serial_number` is what Service Equipment
	stores: the GPON serial when the label has one (what OLTs and ACSs report), else the serial."""

	symbols: tuple[DecodedSymbol, ...]
	identities: tuple[ReadIdentity, ...] = field(default_factory=tuple)

	def best(self, kind: str) -> ReadIdentity | None:
		return next((i for i in self.identities if i.kind == kind), None)

	@property
	def gpon_serial(self) -> str | None:
		found = self.best(GPON_SERIAL)
		return found.value if found else None

	@property
	def serial(self) -> str | None:
		found = self.best(SERIAL)
		return found.value if found else None

	@property
	def mac_address(self) -> str | None:
		found = self.best(MAC)
		return found.value if found else None

	@property
	def serial_number(self) -> str | None:
		return self.gpon_serial or self.serial

	@property
	def confidence(self) -> float:
		"""How sure the identity is: the confidence of the serial number that would be stored,
		else of the MAC; 0 when neither was read."""
		chosen = self.best(GPON_SERIAL) or self.best(SERIAL) or self.best(MAC)
		return chosen.confidence if chosen else 0.0

	@property
	def found_by(self) -> str | None:
		"""The image pass that found the codes ("as taken", "sharpened", "rotated 90°" …)."""
		return self.symbols[0].found_by if self.symbols else None

	def as_dict(self) -> dict:
		return {
			"serial_number": self.serial_number,
			"gpon_serial": self.gpon_serial,
			"serial": self.serial,
			"mac_address": self.mac_address,
			"confidence": round(self.confidence, 2),
			"found_by": self.found_by,
			"identities": [
				{
					"kind": i.kind,
					"value": i.value,
					"confidence": round(i.confidence, 2),
					"symbologies": list(i.symbologies),
					"keys": list(i.keys),
				}
				for i in self.identities
			],
			"symbols": [{"symbology": s.symbology, "text": s.text} for s in self.symbols],
		}


# What a new piece of equipment read from its label starts as: in stock, not yet anywhere.
IN_STOCK = "En stock"


def proposed_equipment(reading: LabelReading) -> dict | None:
	"""The Service Equipment fields a label gives, for a record that does not exist yet; None
	when it gives no serial number (the one field equipment cannot be recorded without).

	A GPON serial makes it an ONT, whose maker its vendor id names; anything else is proposed
	as a router, for the person to correct."""
	if not reading.serial_number:
		return None
	gpon = reading.gpon_serial
	return {
		"equipment_type": "ONT" if gpon else "Router",
		"status": IN_STOCK,
		"serial_number": reading.serial_number,
		"mac_address": reading.mac_address,
		"manufacturer": GPON_VENDORS.get(gpon[:4]) if gpon else None,
	}


def merge_identities(found: list[Identity]) -> tuple[ReadIdentity, ...]:
	"""One entry per (kind, value), best first within each kind (kinds in KINDS' order).

	Two codes agreeing on a value make it surer: 1 − Π(1 − cᵢ), capped at 0.99. Among MACs,
	one the label calls the device's ("MAC", "LAN MAC") comes before a WAN or Wi-Fi one,
	however often that one is printed; then the surest; then the lowest, as vendors number a
	device's MACs up from its base address."""
	grouped: dict[tuple[str, str], list[Identity]] = {}
	for identity in found:
		grouped.setdefault((identity.kind, identity.value), []).append(identity)
	merged = []
	for (kind, value), group in grouped.items():
		doubt = 1.0
		for identity in group:
			doubt *= 1 - identity.confidence
		confidence = max(max(i.confidence for i in group), min(0.99, 1 - doubt))
		symbologies = tuple(dict.fromkeys(i.symbology for i in group))
		keys = tuple(dict.fromkeys(i.key for i in group if i.key))
		merged.append(ReadIdentity(kind, value, confidence, symbologies, keys))

	def order(i: ReadIdentity):
		base = any(k.replace(" ", "").replace("-", "").upper() in _BASE_MAC_KEYS for k in i.keys)
		return (
			KINDS.index(i.kind),
			not base,
			-round(i.confidence, 2),
			-len(i.value) if i.kind == SERIAL else 0,
			i.value,
		)

	return tuple(sorted(merged, key=order))


def read_symbols(symbols: list[DecodedSymbol]) -> LabelReading:
	"""The reading of codes already decoded (the classification half of `read_label`)."""
	found = [identity for symbol in symbols for identity in classify_text(symbol.text, symbol.symbology)]
	return LabelReading(tuple(mask_secrets(s) for s in symbols), merge_identities(found))


def read_label(photo: bytes | Image.Image) -> LabelReading:
	"""Decode every barcode and 2D code on a label photo and say what each value is.

	`photo` is the file's bytes (JPEG, PNG, WebP … as a phone sends them) or a Pillow image.
	The image passes beyond the first (see `decoding`) run only until a serial number and a
	MAC are both read. Raises InvalidInput when the bytes are not an image. A photo where
	nothing is found gives a reading with no symbols (not an error: one takes another)."""
	image = photo if isinstance(photo, Image.Image) else load_image(photo)
	return read_symbols(decode_symbols(image, enough=_identified))


def _identified(symbols: list[DecodedSymbol]) -> bool:
	"""Both a serial number and a MAC read: no need to try the photo another way."""
	reading = read_symbols(symbols)
	return bool(reading.serial_number and reading.mac_address)
