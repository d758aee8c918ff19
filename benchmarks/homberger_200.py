"""Benchmark 2: the Gehring-Homberger 200-customer VRPTW instances (60), same figures as benchmark 1.

.venv/bin/python -m benchmarks.homberger_200 [--quick] [--time-limit 10]
"""

import sys

from benchmarks.solomon_vrptw import main

if __name__ == "__main__":
	main(["--set", "homberger_200", *sys.argv[1:]])
