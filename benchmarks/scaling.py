"""Time and peak memory against the number of customers, each size in a fresh interpreter.

    python -m benchmarks.scaling --customers 1000 10000 100000 1000000 --days 730

Staff grow in proportion: teams of 2,000 customers and 15 front-line posts, as in
the reference scenario (below 2,000 customers: one team with proportionally fewer
posts). A fresh process per size makes the peak resident memory (ru_maxrss) that
size's own; the memory of the interpreter with its imports, measured before the
model is built, is reported beside it. The model's own peak allocation is measured
by tracemalloc in a second, untimed run (tracing slows every allocation).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass

REFERENCE_CUSTOMERS_PER_TEAM = 2000
REFERENCE_FRONT_STAFF_PER_TEAM = 15


@dataclass
class SizeResult:
    """One size: the organisation run, its timings and memory."""

    customers: int
    teams: int
    employees_per_team: int
    days: int
    seconds: float  # wall time of construction + all days + result frames
    cpu_seconds: float
    peak_rss_mb: float  # the process's peak resident memory
    imports_rss_mb: float  # resident memory after imports, before the model
    traced_peak_mb: float  # peak of the memory NumPy and Python allocated during the run (tracemalloc)

    @property
    def us_per_customer_day(self) -> float:
        return 1e6 * self.seconds / (self.customers * self.days)

    @property
    def bytes_per_customer(self) -> float:
        """Peak traced allocation of the run per customer."""
        return 1e6 * self.traced_peak_mb / self.customers

    @property
    def bytes_per_customer_day(self) -> float:
        return self.bytes_per_customer / self.days


def organisation_for(customers: int) -> tuple[int, int, int]:
    """(teams, customers per team, front-line posts per team) keeping the reference proportions."""
    teams = max(1, customers // REFERENCE_CUSTOMERS_PER_TEAM)
    per_team = customers // teams
    staff = max(1, round(REFERENCE_FRONT_STAFF_PER_TEAM * per_team / REFERENCE_CUSTOMERS_PER_TEAM))
    return teams, per_team, staff


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux reports KiB


def measure_here(customers: int, days: int, seed: int = 0) -> SizeResult:
    """Run one size in this process (call it in a fresh one: ru_maxrss never goes down)."""
    from sim import SimConfig, simulate

    teams, per_team, staff = organisation_for(customers)
    config = SimConfig(days=days, organisation={"teams": teams, "employees_per_team": staff},
                       market={"customers_per_team": per_team})
    simulate(SimConfig(days=2, organisation={"teams": 1}, market={"customers_per_team": 10}), seed)  # warm-up
    imports_rss = _rss_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    simulate(config, seed)
    seconds, cpu_seconds, peak_rss = time.perf_counter() - wall, time.process_time() - cpu, _rss_mb()
    tracemalloc.start()
    simulate(config, seed)
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return SizeResult(customers=teams * per_team, teams=teams, employees_per_team=staff, days=days,
                      seconds=seconds, cpu_seconds=cpu_seconds, peak_rss_mb=peak_rss, imports_rss_mb=imports_rss,
                      traced_peak_mb=traced_peak / 1e6)


def measure(customers: int, days: int, seed: int = 0) -> SizeResult:
    """Run one size in a fresh interpreter and read its result back."""
    completed = subprocess.run([sys.executable, "-m", "benchmarks.scaling", "--one", str(customers), "--days",
                                str(days), "--seed", str(seed)], capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"scaling run with {customers} customers failed:\n{completed.stderr[-2000:]}")
    return SizeResult(**json.loads(completed.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, nargs="+", default=[1000, 10_000, 100_000, 1_000_000])
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: measure one size, print JSON
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(vars(measure_here(args.one, args.days, args.seed))))
        return
    for customers in args.customers:
        r = measure(customers, args.days, args.seed)
        print(f"{r.customers:>9,} customers, {r.teams} teams x {r.employees_per_team}: {r.seconds:7.2f} s, "
              f"{r.us_per_customer_day:.3f} us/customer-day, peak RSS {r.peak_rss_mb:.0f} MB "
              f"(imports {r.imports_rss_mb:.0f} MB), traced peak {r.bytes_per_customer:.0f} B/customer")


if __name__ == "__main__":
    main()
