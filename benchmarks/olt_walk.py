"""Walking a simulated OLT's ONU tables: pysnmp (our adapter) against net-snmp's snmpbulkwalk.

Both walk the same snmpsim agent in the same run. Two measurements:
- one column (ONU run state) of every ONU: pysnmp walk_columns vs one `snmpbulkwalk`;
- the whole ONU table (all layout columns + autofind): our concurrent walk_olt (which first
  GETs sysObjectID/sysDescr to check the OLT is the configured model) vs one `snmpbulkwalk`
  per column, one after the other (net-snmp walks one subtree per process).
The agent (snmpsim, pure Python) is the bottleneck for both, so the ratio is what matters.

    .venv/bin/python -m benchmarks.olt_walk [--quick] [--onus N] [--repeat R]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from pysnmp.hlapi.v3arch.asyncio import SnmpEngine

from gigafibre_fsm.network.olt import OltTarget, SnmpV2cCredentials, get_layout, walk_olts_blocking
from gigafibre_fsm.network.olt.snmp_client import walk_columns
from simulators.olt_snmp import SnmpSimAgent, generate_fleet, write_snmprec

LAYOUT = "huawei_ma5800"
REPS = 25


def _net_snmp(agent, community: str, column: tuple[int, ...]) -> int:
	out = subprocess.run(
		[
			"snmpbulkwalk",
			"-v2c",
			"-c",
			community,
			"-On",
			"-Oq",
			f"-Cr{REPS}",
			f"{agent.host}:{agent.port}",
			".".join(map(str, column)),
		],
		capture_output=True,
		text=True,
		check=True,
	).stdout
	return len(out.splitlines())


def _pysnmp_column(target: OltTarget, column: tuple[int, ...]) -> int:
	async def run():
		engine = SnmpEngine()
		try:
			return await walk_columns(engine, target, [column])
		finally:
			engine.close_dispatcher()

	return len(asyncio.run(run())[column])


def _timed(fn, repeat: int):
	times, result = [], None
	for _ in range(repeat):
		start = time.perf_counter()
		result = fn()
		times.append(time.perf_counter() - start)
	return statistics.median(times), result


def main(argv=None) -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--quick", action="store_true", help="512 ONUs, one repetition (CI smoke)")
	parser.add_argument("--onus", type=int, default=4096)
	parser.add_argument("--repeat", type=int, default=3)
	args = parser.parse_args(argv)
	onus, repeat = (512, 1) if args.quick else (args.onus, args.repeat)
	if shutil.which("snmpbulkwalk") is None:
		print("snmpbulkwalk not found: install Debian's 'snmp' package for the reference", file=sys.stderr)
		return 2
	layout = get_layout(LAYOUT)
	folder = tempfile.mkdtemp(prefix="olt-bench-")
	try:
		write_snmprec(generate_fleet(LAYOUT, onu_count=onus), folder, "bench")
		with SnmpSimAgent(folder, "bench", startup_timeout=120) as agent:
			target = OltTarget(
				"OLT-BENCH",
				agent.host,
				LAYOUT,
				SnmpV2cCredentials("bench"),
				port=agent.port,
				timeout=10,
				deadline=600,
				max_repetitions=REPS,
			)
			state = next(c.oid for c in layout.onu_columns if c.field == "oper_state")
			columns = [c.oid for c in layout.columns_to_walk()]
			rows = []
			# warm-up: pysnmp loads its base MIBs on the first engine of a process
			_pysnmp_column(target, state)
			_net_snmp(agent, "bench", state)
			t_ref, n_ref = _timed(lambda: _net_snmp(agent, "bench", state), repeat)
			t_ours, n_ours = _timed(lambda: _pysnmp_column(target, state), repeat)
			rows.append(("one column (run state)", n_ref, t_ref, n_ours, t_ours))
			t_ref, n_ref = _timed(lambda: sum(_net_snmp(agent, "bench", c) for c in columns), repeat)
			t_ours, result = _timed(lambda: walk_olts_blocking([target])[0], repeat)
			n_ours = sum(1 for _ in result.snapshot.onus) * len(layout.onu_columns) if result.ok else 0
			rows.append((f"whole ONU table ({len(columns)} columns)", n_ref, t_ref, n_ours, t_ours))
	finally:
		shutil.rmtree(folder, ignore_errors=True)
	print(f"OLT walk: {onus} ONUs on snmpsim ({LAYOUT}), max-repetitions {REPS}, median of {repeat}")
	print(
		f"{'walk':34} {'net-snmp rows':>13} {'net-snmp s':>10} {'pysnmp rows':>11} {'pysnmp s':>9} {'ratio':>6}"
	)
	for name, n_ref, t_ref, n_ours, t_ours in rows:
		print(f"{name:34} {n_ref:>13} {t_ref:>10.2f} {n_ours:>11} {t_ours:>9.2f} {t_ours / t_ref:>5.2f}x")
	print("goal: ratio <= 1.5x")
	return 0


if __name__ == "__main__":
	sys.exit(main())
