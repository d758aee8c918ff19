"""Reading equipment labels from photos: the share of labels read right, by degradation.

Generated photos (tests/subscribers/label_reading/label_photos.py: five vendors' label layouts
with Code 128, QR and DataMatrix codes, on a casing, then rotated, skewed, blurred, noisy,
JPEG-compressed, with glare, dim, or small), uploaded as a phone would (JPEG), read by
`read_label`, side by side with zxing-cpp alone (its first pass, without our retries). A label
is "read" when both the serial number Service Equipment would store and the MAC are right;
"partial" when one is right and the other missing; "wrong" when a value is not the label's.

    .venv/bin/python -m benchmarks.label_reading [--quick] [--per N] [--seed S]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter, defaultdict

from gigafibre_fsm.subscribers.label_reading import decode_symbols, load_image, read_label, read_symbols
from tests.subscribers.label_reading.label_photos import DEGRADATIONS, as_jpeg, outcome, photo_set


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--quick", action="store_true", help="4 labels per degradation (smoke)")
	parser.add_argument("--per", type=int, default=20, help="labels per degradation (default 20)")
	parser.add_argument("--seed", type=int, default=2026)
	args = parser.parse_args()
	per = 4 if args.quick else args.per

	results: dict[str, dict[str, Counter]] = {
		"ours": defaultdict(Counter),
		"zxing-cpp alone": defaultdict(Counter),
	}
	seconds: dict[str, list[float]] = {"ours": [], "zxing-cpp alone": []}
	passes = Counter()
	for degradation, spec, photo in photo_set(per, args.seed):
		upload = as_jpeg(photo, 92)
		for name, extra in (("ours", True), ("zxing-cpp alone", False)):
			started = time.perf_counter()
			if extra:
				reading = read_label(upload)
			else:
				reading = read_symbols(decode_symbols(load_image(upload), extra_passes=False))
			seconds[name].append(time.perf_counter() - started)
			result = outcome(spec, reading.serial_number, reading.mac_address)
			results[name][degradation][result] += 1
			if extra:
				passes.update({s.found_by for s in reading.symbols})

	total = per * len(DEGRADATIONS)
	print(f"{total} generated label photos ({per} per degradation, seed {args.seed}), uploaded as JPEG q92")
	print(
		f"{'degradation':16} {'ours read':>10} {'partial':>8} {'wrong':>6} {'alone read':>11} {'partial':>8} {'wrong':>6}"
	)
	for degradation in DEGRADATIONS:
		ours, alone = results["ours"][degradation], results["zxing-cpp alone"][degradation]
		print(
			f"{degradation:16} {ours['read'] / per:>10.0%} {ours['partial']:>8} {ours['wrong']:>6}"
			f" {alone['read'] / per:>11.0%} {alone['partial']:>8} {alone['wrong']:>6}"
		)
	for name in results:
		summed = Counter()
		for counts in results[name].values():
			summed.update(counts)
		times = sorted(seconds[name])
		p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
		print(
			f"{name:16} read {summed['read'] / total:.1%} ({summed['read']}/{total}), partial {summed['partial']},"
			f" wrong {summed['wrong']}, nothing {summed['nothing']};"
			f" per photo p50 {statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"
		)
	print("passes that found codes (ours, photos): " + ", ".join(f"{k} {v}" for k, v in passes.most_common()))
	print("goal: clean labels 100 %, more labels read than zxing-cpp alone, wrong values as rare as possible")
	return 0 if results["ours"]["clean"]["read"] == per else 1


if __name__ == "__main__":
	sys.exit(main())
