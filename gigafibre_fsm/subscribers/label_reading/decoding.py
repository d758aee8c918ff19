"""Every barcode and 2D code on a photo, with zxing-cpp, and the image work that helps phone photos.

zxing-cpp already looks for rotated, downscaled and inverted codes. A first pass reads the
photo as it is; only when it finds nothing (or, for `read_label`, not yet both a serial number
and a MAC) do the next passes try what helps photos taken in a basement with a phone:
the photo turned square by the angle of a QR or DataMatrix code already found on it (zxing-cpp
reads linear codes only a few degrees off the horizontal or vertical), grayscale with
stretched contrast, sharpened copies (out of focus), a global threshold instead of the local
one (glare, dim light), copies two and three times the size (taken from too far), equalised,
half size, denoised, turned by 6° and 12° either way, and the three right-angle rotations.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import zxingcpp
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

from gigafibre_fsm.errors import InvalidInput, _
from gigafibre_fsm.subscribers.label_reading.fields import redact

# A phone photo is 12–50 megapixels; past this it is not a photo but a decompression bomb.
MAX_PIXELS = 60_000_000
# Past this the first pass works on a reduced copy: zxing-cpp's time grows with the pixels,
# and a label's bars stay several pixels wide at this size.
WORKING_SIDE = 3000
# A photo smaller than this on its longest side is tried again at twice its size.
ENLARGE_BELOW = 2000
ENLARGE_THREE_TIMES_BELOW = 1200
_LINEAR = frozenset(f.name for f in zxingcpp.barcode_formats_list(zxingcpp.BarcodeFormat.AllLinear))


@dataclass(frozen=True)
class DecodedSymbol:
	"""One code found on the image: its symbology (zxing-cpp's name: Code128, QRCode,
	DataMatrix …), its text with any password masked, and the pass that found it."""

	symbology: str
	text: str
	found_by: str


def load_image(data: bytes) -> Image.Image:
	"""The photo as Pillow reads it, turned upright by its EXIF orientation (phones store
	pictures sideways and say so in EXIF); InvalidInput when it is not an image."""
	if not data:
		raise InvalidInput(_("The photo is empty"))
	try:
		image = Image.open(io.BytesIO(data))
		if image.width * image.height > MAX_PIXELS:
			raise InvalidInput(
				_("The photo is too large ({pixels} megapixels)"),
				pixels=image.width * image.height // 1_000_000,
			)
		image.load()
	except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError):
		raise InvalidInput(_("This file is not an image that can be read"))
	image = ImageOps.exif_transpose(image)
	if image.mode not in ("RGB", "L"):
		image = image.convert("RGB")
	return image


def _reduced(image: Image.Image, side: int) -> Image.Image:
	if max(image.size) <= side:
		return image
	scale = side / max(image.size)
	return image.resize(
		(max(1, round(image.width * scale)), max(1, round(image.height * scale))), Image.LANCZOS
	)


def _gray(image: Image.Image) -> Image.Image:
	return ImageOps.autocontrast(image.convert("L"), cutoff=1)


def _tilt(codes: list) -> int | None:
	"""How far the label is turned off square, from a 2D code found on it (a QR code's
	orientation is measured to the degree; a linear code's only to the quarter turn)."""
	for code in codes:
		if code.format.name in _LINEAR:
			continue
		tilt = ((code.orientation + 45) % 90) - 45
		if abs(tilt) >= 2:
			return tilt
	return None


def _straightened(gray: Image.Image, angle: float) -> Image.Image:
	return gray.rotate(angle, Image.BICUBIC, expand=True, fillcolor=128)


def _passes(image: Image.Image, tilt: int | None):
	"""(name, image, binarizer) to try in turn after the first pass, cheapest and likeliest first."""
	gray = _gray(image)
	if tilt is not None:
		# linear codes read across their bars: a few degrees off and the scan lines miss them
		yield (
			f"straightened by {tilt}° (from a 2D code)",
			_straightened(gray, tilt),
			zxingcpp.Binarizer.LocalAverage,
		)
	yield "grayscale", gray, zxingcpp.Binarizer.LocalAverage
	sharp = gray.filter(ImageFilter.UnsharpMask(radius=2, percent=180, threshold=2))
	yield "sharpened", sharp, zxingcpp.Binarizer.LocalAverage
	yield "sharpened, global threshold", sharp, zxingcpp.Binarizer.GlobalHistogram
	if max(gray.size) <= ENLARGE_BELOW:
		# taken from too far: bars one or two pixels wide; twice the size gives the reader room
		large = gray.resize((gray.width * 2, gray.height * 2), Image.LANCZOS)
		yield "enlarged", large, zxingcpp.Binarizer.LocalAverage
		large_sharp = large.filter(ImageFilter.UnsharpMask(radius=3, percent=200, threshold=2))
		yield "enlarged, sharpened", large_sharp, zxingcpp.Binarizer.GlobalHistogram
	if max(gray.size) <= ENLARGE_THREE_TIMES_BELOW:
		larger = gray.resize((gray.width * 3, gray.height * 3), Image.LANCZOS)
		larger = larger.filter(ImageFilter.UnsharpMask(radius=3, percent=200, threshold=2))
		yield "enlarged three times", larger, zxingcpp.Binarizer.LocalAverage
	stronger = sharp.filter(ImageFilter.UnsharpMask(radius=4, percent=250, threshold=0))
	yield "sharpened twice", stronger, zxingcpp.Binarizer.LocalAverage
	yield "equalised", ImageOps.equalize(gray), zxingcpp.Binarizer.LocalAverage
	half = gray.resize((max(1, gray.width // 2), max(1, gray.height // 2)), Image.LANCZOS)
	yield "half size", half, zxingcpp.Binarizer.LocalAverage
	yield "denoised", gray.filter(ImageFilter.MedianFilter(3)), zxingcpp.Binarizer.LocalAverage
	for angle in (-6, 6, -12, 12):
		yield f"straightened by {angle}°", _straightened(gray, angle), zxingcpp.Binarizer.LocalAverage
	for angle in (90, 180, 270):
		yield f"rotated {angle}°", gray.rotate(angle, expand=True), zxingcpp.Binarizer.LocalAverage


def _read(image: Image.Image, binarizer) -> list:
	return zxingcpp.read_barcodes(image, binarizer=binarizer)


def _found_anything(symbols: list[DecodedSymbol]) -> bool:
	return bool(symbols)


def decode_symbols(
	image: Image.Image,
	extra_passes: bool = True,
	enough: Callable[[list[DecodedSymbol]], bool] = _found_anything,
) -> list[DecodedSymbol]:
	"""Every code zxing-cpp finds on `image`. The first pass reads the photo as it is; the
	others (see the module) run one after the other only while `enough(symbols so far)` is
	False (by default: while nothing has been found), each adding the codes it finds.
	`extra_passes` False: the first pass alone, zxing-cpp as it comes (the benchmark's
	reference)."""
	working = _reduced(image, WORKING_SIDE)
	symbols: list[DecodedSymbol] = []
	seen: set[tuple[str, str]] = set()

	def add(found: list, name: str) -> None:
		for code in found:
			symbology = code.format.name
			if not code.valid or not code.text or (symbology, code.text) in seen:
				continue
			seen.add((symbology, code.text))
			symbols.append(DecodedSymbol(symbology, code.text, name))

	first = _read(working, zxingcpp.Binarizer.LocalAverage)
	add(first, "as taken")
	if extra_passes and not enough(symbols):
		for name, candidate, binarizer in _passes(working, _tilt(first)):
			add(_read(candidate, binarizer), name)
			if enough(symbols):
				break
	return symbols


def mask_secrets(symbol: DecodedSymbol) -> DecodedSymbol:
	"""The same symbol with any password in its text masked (for what is shown and returned)."""
	return DecodedSymbol(symbol.symbology, redact(symbol.text), symbol.found_by)
