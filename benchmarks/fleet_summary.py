"""Fleet summary over a simulated GenieACS fleet: our projected, paged NBI reads against the
naive approach of the replaced system (list the devices, then fetch each full document).

    .venv/bin/python -m benchmarks.fleet_summary           # 10,000 devices
    .venv/bin/python -m benchmarks.fleet_summary --quick   # 1,000 devices (CI smoke)

Both run in the same process against the same simulator (a real HTTP server on 127.0.0.1).
The naive reference is timed on a sample of devices and extrapolated linearly to the fleet
(its request count, N + 1, is exact); fetching 10,000 full documents one by one would take
minutes for no extra information. Target: our summary of 10,000 devices in <= 2 s.
"""

import argparse
import math
import random
import sys
import time
from datetime import datetime, timezone

from gigafibre_fsm.errors import _
from gigafibre_fsm.network.acs import NbiClient, fetch_fleet_summary, summarize_fleet
from gigafibre_fsm.network.acs.summary import summarize
from simulators.genieacs_nbi import NbiSimulator, generate_fleet

TARGET_SECONDS = 2.0


def naive_sample(client: NbiClient, sim: NbiSimulator, ids: list[str], now) -> tuple[float, int, int]:
	"""The replaced system's way, on `ids`: one full-document request per device."""
	before_req, before_bytes = client.request_count, sim.bytes_out
	t0 = time.perf_counter()
	docs = []
	for device_id in ids:
		doc = client.get_device(device_id)  # no projection: the whole document
		summarize(doc, now=now)
		docs.append(doc)
	return time.perf_counter() - t0, client.request_count - before_req, sim.bytes_out - before_bytes


def main(argv=None) -> int:
	ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	ap.add_argument("--quick", action="store_true", help="1,000 devices, small naive sample")
	ap.add_argument("--devices", type=int, default=None)
	ap.add_argument("--page-size", type=int, default=5000)
	ap.add_argument("--sample", type=int, default=None, help="devices fetched one by one for the reference")
	ap.add_argument("--filler", type=int, default=1000, help="unchanging parameters per document")
	args = ap.parse_args(argv)
	n = args.devices or (1000 if args.quick else 10_000)
	sample = min(n, args.sample or (100 if args.quick else 300))
	now = datetime.now(timezone.utc)

	t0 = time.perf_counter()
	docs = generate_fleet(n, seed=42, now=now, filler=args.filler)
	gen_s = time.perf_counter() - t0
	sim = NbiSimulator(docs)
	sim.start()
	client = NbiClient(sim.base_url, timeout=(3, 120))
	try:
		# warm the connection pool and the simulator (first-request costs are not the method's)
		client.count_devices()
		runs = []
		for _run in range(3):
			b0 = sim.bytes_out
			t0 = time.perf_counter()
			ours = fetch_fleet_summary(client, now=now, online_minutes=15, page_size=args.page_size)
			runs.append((time.perf_counter() - t0, ours.requests, sim.bytes_out - b0))
		ours_s, ours_req, ours_bytes = sorted(runs)[len(runs) // 2]
		direct = summarize_fleet(docs, now=now, online_minutes=15)
		assert (ours.total, ours.online, ours.by_firmware) == (
			direct.total,
			direct.online,
			direct.by_firmware,
		)

		list_t0 = time.perf_counter()
		b0 = sim.bytes_out
		ids = [d["_id"] for d in client.find_devices(None, ["_id"])]
		list_s, list_bytes = time.perf_counter() - list_t0, sim.bytes_out - b0
		picked = random.Random(1).sample(ids, sample)
		naive_s, naive_req, naive_bytes = naive_sample(client, sim, picked, now)
		naive_full_s = list_s + naive_s / sample * n
		naive_full_req = 1 + n
		naive_full_bytes = list_bytes + naive_bytes / sample * n
	finally:
		client.close()
		sim.stop()

	print(_("Fleet summary over a simulated GenieACS NBI"))
	print(
		f"devices: {n:,}   generation: {gen_s:.1f} s   page size: {args.page_size}   naive sample: {sample}"
	)
	print(f"models: {', '.join(f'{k} {v.total}' for k, v in ours.by_model.items())}")
	print(f"online (15 min): {ours.online:,} / {ours.total:,}   firmwares: {len(ours.by_firmware)}")
	print()
	header = f"{'approach':<44}{'requests':>10}{'MB':>10}{'seconds':>10}"
	print(header)
	print("-" * len(header))
	print(f"{'projected pages (ours)':<44}{ours_req:>10,}{ours_bytes / 1e6:>10.2f}{ours_s:>10.3f}")
	print(
		f"{'naive: 1 list + 1 full doc per device (ext.)':<44}{naive_full_req:>10,}"
		f"{naive_full_bytes / 1e6:>10.1f}{naive_full_s:>10.1f}"
	)
	print(f"{'  measured on the sample':<44}{naive_req:>10,}{naive_bytes / 1e6:>10.2f}{naive_s:>10.2f}")
	print()
	print(f"ratio requests (naive / ours): {naive_full_req / max(1, ours_req):,.0f}x")
	print(f"ratio bytes    (naive / ours): {naive_full_bytes / max(1, ours_bytes):,.0f}x")
	print(f"ratio time     (naive / ours): {naive_full_s / ours_s:,.0f}x")
	verdict = "PASS" if ours_s <= TARGET_SECONDS or n < 10_000 else "FAIL"
	target_note = "" if n >= 10_000 else " (target applies to 10,000 devices)"
	print(f"target <= {TARGET_SECONDS:.0f} s for 10,000 devices: {ours_s:.3f} s {verdict}{target_note}")
	print(f"expected pages: {math.ceil(n / args.page_size)}")
	return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
	sys.exit(main())
