"""Run every benchmark, one after the other: `python -m benchmarks.run_all [--quick]`.

Each benchmark measures ours against a reference in the same run and prints its own table of
figures and ratios; this only runs them in turn and says which one failed.
"""

import argparse
import subprocess
import sys
import time

BENCHMARKS = (
	"solomon_vrptw",
	"homberger_200",
	"fleet_stage",
	"demo_day",
	"best_technician_latency",
	"fleet_summary",
	"olt_walk",
	"outage_correlation",
	"modem_bridge",
	"label_reading",
)


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__)
	parser.add_argument("--quick", action="store_true", help="a short smoke run of each benchmark")
	parser.add_argument("only", nargs="*", help="run only these benchmarks")
	args = parser.parse_args()
	failed = []
	for name in args.only or BENCHMARKS:
		print(f"\n=== {name} ===", flush=True)
		started = time.perf_counter()
		command = [sys.executable, "-m", f"benchmarks.{name}", *(["--quick"] if args.quick else [])]
		if subprocess.run(command).returncode != 0:
			failed.append(name)
		print(f"=== {name}: {time.perf_counter() - started:.1f} s ===", flush=True)
	if failed:
		print("failed: " + ", ".join(failed))
	return 1 if failed else 0


if __name__ == "__main__":
	sys.exit(main())
