"""Median wall time of the reference scenario (the defaults: 10 teams x 15, 20,000 customers, 730 days).

    python -m benchmarks.reference [--repeats 7] [--days 730]

Reports the median, min and max over repeated runs in this one process after a
warm-up run; a single absolute time on a shared machine means little.
"""

from __future__ import annotations

import argparse
import statistics
import time

from sim import SimConfig, simulate


def time_reference(repeats: int, days: int) -> list[float]:
    config = SimConfig(days=days)
    simulate(config, seed=0)  # warm-up: imports, caches
    times = []
    for seed in range(repeats):
        started = time.perf_counter()
        simulate(config, seed=seed)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--days", type=int, default=730)
    args = parser.parse_args()
    times = time_reference(args.repeats, args.days)
    print(f"reference scenario, {args.days} days, {args.repeats} runs: median {statistics.median(times):.3f} s "
          f"(min {min(times):.3f}, max {max(times):.3f})")


if __name__ == "__main__":
    main()
