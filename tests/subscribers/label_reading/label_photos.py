"""Photos of equipment labels, made here: real symbologies, then what a phone does to them.

A label is drawn as vendors print them (the product name, lines of text, a Code 128 per value,
a QR code, sometimes a DataMatrix), pasted on a device's casing, then degraded the ways a
technician's photo is: tilted a little or taken sideways, in perspective, out of focus, noisy,
heavily JPEG-compressed, with a glare spot, in poor light, from too far away.

Code 128 comes from python-barcode, QR codes from segno, DataMatrix from zxing-cpp's own writer
(the only DataMatrix generator among the dependencies: the reader then reads its own kind's
output, so these prove less than the Code 128 and QR codes do). The models, OUIs and serial
shapes are those of tests/data/devices (Huawei EG8145V5, Nokia G-1425G-A, TP-Link XX230v and
EC220-G5, ZTE ZXHN H199A).
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

import barcode
import numpy as np
import segno
import zxingcpp
from barcode.writer import ImageWriter
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont

DEGRADATIONS = (
	"clean",
	"small rotation",
	"right angle",
	"perspective",
	"blur",
	"noise",
	"jpeg",
	"glare",
	"low contrast",
	"downscaled",
	"phone",  # a little of each: the usual photo
)


@dataclass(frozen=True)
class LabelSpec:
	vendor: str
	model: str
	serial_number: str  # what Service Equipment stores: the GPON serial for an ONT
	mac_address: str  # AA:BB:CC:DD:EE:FF
	lines: tuple[str, ...]  # printed text
	codes: tuple[tuple[str, str], ...]  # (symbology, content): "code128", "qr", "datamatrix"
	wifi_password: str | None = None


def _hex(rng: random.Random, n: int) -> str:
	return "".join(rng.choice("0123456789ABCDEF") for _ in range(n))


def _mac(oui: str, rng: random.Random) -> str:
	digits = oui + _hex(rng, 6)
	return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def random_spec(rng: random.Random) -> LabelSpec:
	"""One label of one of five vendors' layouts, with random identifiers."""
	kind = rng.randrange(5)
	if kind == 0:  # Huawei ONT: the GPON SN as a barcode of its hex form, MAC bare
		tail = _hex(rng, 8)
		mac = _mac("00259E", rng)
		board = "2150083" + "".join(rng.choice("0123456789") for _ in range(6)) + "ABC" + _hex(rng, 4)
		return LabelSpec(
			"Huawei",
			"EG8145V5",
			"HWTC" + tail,
			mac,
			(
				"HUAWEI EchoLife EG8145V5",
				f"GPON SN: HWTC{tail}",
				f"S/N: {board}",
				f"MAC: {mac.replace(':', '')}",
			),
			(("code128", "48575443" + tail), ("code128", board), ("code128", mac.replace(":", ""))),
		)
	if kind == 1:  # Nokia ONT: printed GPON SN, MAC with dashes, a DataMatrix of both
		tail = _hex(rng, 8)
		mac = _mac("9075BC", rng)
		dashed = mac.replace(":", "-")
		return LabelSpec(
			"Nokia",
			"G-1425G-A",
			"ALCL" + tail,
			mac,
			("NOKIA G-1425G-A", f"Serial No: ALCL{tail}", f"MAC: {dashed}"),
			(
				("code128", "ALCL" + tail),
				("code128", dashed),
				("datamatrix", f"SN:ALCL{tail};MAC:{dashed}"),
			),
		)
	if kind == 2:  # TP-Link router: serial and MAC barcodes, a Wi-Fi QR code with its password
		serial = f"2227{rng.randrange(10)}{rng.choice('ABX')}{rng.randrange(10**7):07d}"
		mac = _mac("1C61B4", rng)
		ssid = "TP-Link_" + mac.replace(":", "")[-4:]
		password = "".join(rng.choice("0123456789") for _ in range(8))
		return LabelSpec(
			"TP-Link",
			"XX230v",
			serial,
			mac,
			("tp-link  AX1800 XX230v", f"S/N: {serial}", f"MAC: {mac.replace(':', '-')}", f"SSID: {ssid}"),
			(
				("code128", serial),
				("code128", mac.replace(":", "")),
				("qr", f"WIFI:S:{ssid};T:WPA;P:{password};;"),
			),
			password,
		)
	if kind == 3:  # ZTE router: a QR code with serial and MAC on two lines
		serial = "ZTEYH86" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(8))
		mac = _mac("C0B101", rng)
		return LabelSpec(
			"ZTE",
			"ZXHN H199A",
			serial,
			mac,
			("ZTE ZXHN H199A", f"SN: {serial}", f"MAC: {mac}"),
			(("code128", serial), ("qr", f"SN:{serial}\nMAC:{mac}\nMODEL:ZXHN H199A")),
		)
	# TP-Link EC220: an app link in the QR code; the MAC barcode in lower case with colons
	serial = f"22282X{rng.randrange(10**7):07d}"
	mac = _mac("9CA2F4", rng)
	return LabelSpec(
		"TP-Link",
		"EC220-G5",
		serial,
		mac,
		("tp-link  AC1200 EC220-G5", f"S/N: {serial}", f"MAC: {mac}"),
		(
			("code128", mac.lower()),
			(
				"qr",
				f"https://www.tp-link.com/app/?sn={serial}&mac={mac.replace(':', '')}&pwd=admin{_hex(rng, 4)}",
			),
		),
	)


def _code128(content: str) -> Image.Image:
	# 3 px per module, as a 300 dpi printer draws a 0.25 mm module
	code = barcode.get("code128", content, writer=ImageWriter())
	return code.render(
		{"write_text": False, "module_width": 0.254, "module_height": 7.0, "quiet_zone": 3.0, "dpi": 300}
	).convert("L")


def _qr(content: str) -> Image.Image:
	buffer = io.BytesIO()
	segno.make(content, error="m", micro=False).save(buffer, kind="png", scale=5, border=3)
	return Image.open(io.BytesIO(buffer.getvalue())).convert("L")


def _datamatrix(content: str) -> Image.Image:
	code = zxingcpp.create_barcode(content, zxingcpp.BarcodeFormat.DataMatrix)
	return Image.fromarray(np.array(code.to_image(scale=6, add_quiet_zones=True))).convert("L")


def _font(size: int):
	return ImageFont.load_default(size=size)


def render_label(spec: LabelSpec) -> Image.Image:
	"""The label itself, flat, in grayscale, ~900 px wide (a 76 mm label at 300 dpi)."""
	codes_1d = [_code128(c) for s, c in spec.codes if s == "code128"]
	codes_2d = [_qr(c) if s == "qr" else _datamatrix(c) for s, c in spec.codes if s in ("qr", "datamatrix")]
	width = max([900] + [c.width + 60 + (max((q.width for q in codes_2d), default=0) + 30) for c in codes_1d])
	height = 60 + 34 * len(spec.lines) + sum(c.height + 18 for c in codes_1d) + 40
	height = max(height, 60 + sum(q.height + 20 for q in codes_2d) + 40)
	label = Image.new("L", (width, height), 255)
	draw = ImageDraw.Draw(label)
	draw.rectangle((2, 2, width - 3, height - 3), outline=0, width=3)
	y = 20
	draw.text((30, y), spec.lines[0], fill=0, font=_font(30))
	y += 46
	for line in spec.lines[1:]:
		draw.text((30, y), line, fill=0, font=_font(22))
		y += 30
	y += 10
	for code in codes_1d:
		label.paste(code, (30, y))
		y += code.height + 18
	x2, y2 = width - 30, 60
	for code in codes_2d:
		label.paste(code, (x2 - code.width, y2))
		y2 += code.height + 20
	return label


def _on_casing(label: Image.Image, rng: random.Random, margin: float = 0.35) -> Image.Image:
	"""The label stuck on a device: a textured casing around it, in colour."""
	w, h = label.size
	W, H = int(w * (1 + 2 * margin)), int(h * (1 + 2 * margin))
	shade = rng.randrange(30, 200)
	base = np.full((H, W, 3), shade, np.float32)
	base += np.random.default_rng(rng.randrange(2**32)).normal(0, 6, (H, W, 1))
	photo = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8), "RGB")
	tint = Image.merge("RGB", [label.point(lambda v, k=k: v * k) for k in (1.0, 0.98, 0.94)])
	photo.paste(tint, ((W - w) // 2, (H - h) // 2))
	return photo


def _perspective(image: Image.Image, rng: random.Random, amount: float) -> Image.Image:
	w, h = image.size
	# the source quadrilateral's corners (top-left, bottom-left, bottom-right, top-right), moved in
	corners = [(0, 0), (0, h), (w, h), (w, 0)]
	quad = []
	for x, y in corners:
		dx = rng.uniform(0, amount) * w * (1 if x == 0 else -1)
		dy = rng.uniform(0, amount) * h * (1 if y == 0 else -1)
		quad += [x + dx, y + dy]
	return image.transform((w, h), Image.QUAD, quad, Image.BICUBIC, fillcolor=(90, 90, 90))


def _noise(image: Image.Image, rng: random.Random, sigma: float) -> Image.Image:
	pixels = np.asarray(image).astype(np.float32)
	pixels += np.random.default_rng(rng.randrange(2**32)).normal(0, sigma, pixels.shape)
	return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), image.mode)


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
	buffer = io.BytesIO()
	image.save(buffer, "JPEG", quality=quality)
	return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def _glare(image: Image.Image, rng: random.Random) -> Image.Image:
	w, h = image.size
	cx, cy = rng.uniform(0.3, 0.7) * w, rng.uniform(0.3, 0.7) * h
	radius = rng.uniform(0.10, 0.18) * max(w, h)
	yy, xx = np.mgrid[0:h, 0:w]
	strength = np.exp(-(((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * (radius / 1.6) ** 2)))[..., None]
	pixels = np.asarray(image).astype(np.float32)
	pixels = pixels + (255 - pixels) * strength * rng.uniform(0.6, 0.85)
	return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def degrade(photo: Image.Image, degradation: str, rng: random.Random) -> Image.Image:
	"""`photo` as a phone would have taken it under `degradation` (one of DEGRADATIONS)."""
	if degradation == "clean":
		return photo
	if degradation == "small rotation":
		return photo.rotate(
			rng.choice((-1, 1)) * rng.uniform(3, 12), Image.BICUBIC, expand=True, fillcolor=(90, 90, 90)
		)
	if degradation == "right angle":
		return photo.rotate(rng.choice((90, 180, 270)), expand=True)
	if degradation == "perspective":
		return _perspective(photo, rng, rng.uniform(0.05, 0.12))
	if degradation == "blur":
		return photo.filter(ImageFilter.GaussianBlur(rng.uniform(1.0, 2.5)))
	if degradation == "noise":
		return _noise(photo, rng, rng.uniform(12, 30))
	if degradation == "jpeg":
		return _jpeg(photo, rng.randrange(8, 25))
	if degradation == "glare":
		return _glare(photo, rng)
	if degradation == "low contrast":
		dim = ImageEnhance.Contrast(photo).enhance(rng.uniform(0.2, 0.35))
		return ImageEnhance.Brightness(dim).enhance(rng.uniform(0.6, 1.1))
	if degradation == "downscaled":
		scale = rng.uniform(0.35, 0.5)
		return photo.resize((int(photo.width * scale), int(photo.height * scale)), Image.BILINEAR)
	if degradation == "phone":
		photo = photo.rotate(rng.uniform(-6, 6), Image.BICUBIC, expand=True, fillcolor=(90, 90, 90))
		photo = _perspective(photo, rng, 0.04)
		photo = photo.filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.4)))
		photo = _noise(photo, rng, rng.uniform(5, 12))
		return _jpeg(photo, rng.randrange(40, 75))
	raise ValueError(degradation)


def label_photo(spec: LabelSpec, degradation: str, rng: random.Random) -> Image.Image:
	"""The photo of `spec`'s label on its device, degraded."""
	return degrade(_on_casing(render_label(spec), rng), degradation, rng)


def as_jpeg(image: Image.Image, quality: int = 90) -> bytes:
	"""The bytes a phone would upload."""
	buffer = io.BytesIO()
	image.convert("RGB").save(buffer, "JPEG", quality=quality)
	return buffer.getvalue()


def photo_set(count_per_degradation: int, seed: int = 2026):
	"""(degradation, spec, photo) for every degradation, `count_per_degradation` each, seeded."""
	rng = random.Random(seed)
	for degradation in DEGRADATIONS:
		for _ in range(count_per_degradation):
			spec = random_spec(rng)
			yield degradation, spec, label_photo(spec, degradation, rng)


def outcome(spec: LabelSpec, serial_number: str | None, mac_address: str | None) -> str:
	"""How a reading of `spec`'s photo went: "read" (serial number and MAC both right),
	"partial" (one right, the other missing), "wrong" (a value that is not the label's), or
	"nothing"."""
	got = [(serial_number, spec.serial_number), (mac_address, spec.mac_address)]
	if any(value is not None and value != expected for value, expected in got):
		return "wrong"
	right = sum(value == expected for value, expected in got)
	return ("nothing", "partial", "read")[right]
