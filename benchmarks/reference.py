"""Time the reference scenario and the per-day step, and compare with the per-agent Mesa baseline.

    python -m benchmarks.reference [--repeats 7] [--days 730]

Every function returns raw samples (seconds); `benchmarks.run` turns them into the
table. A warm-up run comes first so that imports and caches are not timed.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass

from sim import ServiceModel, SimConfig, simulate


@dataclass
class Samples:
    """Repeated timings of one thing: wall seconds and CPU seconds of this process."""

    wall: list[float]
    cpu: list[float]


def _timed(function, *args) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    function(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


def time_reference(repeats: int, days: int = 730) -> Samples:
    """`simulate` of the defaults (full daily and per-team collection, summary), one seed per repeat."""
    config = SimConfig(days=days)
    simulate(SimConfig(days=min(days, 30)), seed=0)  # warm-up: imports, caches
    samples = Samples([], [])
    for seed in range(repeats):
        wall, cpu = _timed(simulate, config, seed)
        samples.wall.append(wall)
        samples.cpu.append(cpu)
    return samples


def time_steps(days: int, warm_up_days: int = 30) -> Samples:
    """`ServiceModel.step()` alone, one sample per day: what a live dashboard pays per frame."""
    model = ServiceModel(SimConfig(days=warm_up_days + days), seed=0)
    model.run(warm_up_days)
    samples = Samples([], [])
    for _ in range(days):
        wall, cpu = _timed(model.step)
        samples.wall.append(wall)
        samples.cpu.append(cpu)
    return samples


def time_versus_mesa(repeats: int, days: int) -> tuple[Samples, Samples]:
    """The vectorised model and the per-agent Mesa baseline on the reference config, interleaved.

    Interleaving puts both under the same load from whatever else runs on the machine.
    """
    from benchmarks.mesa_baseline import run_baseline

    config = SimConfig(days=days)
    simulate(SimConfig(days=5), 0)
    run_baseline(SimConfig(days=2), 0)
    vectorised, baseline = Samples([], []), Samples([], [])
    for seed in range(repeats):
        for samples, function in ((baseline, run_baseline), (vectorised, simulate)):
            wall, cpu = _timed(function, config, seed)
            samples.wall.append(wall)
            samples.cpu.append(cpu)
    return vectorised, baseline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--days", type=int, default=730)
    args = parser.parse_args()
    times = time_reference(args.repeats, args.days).wall
    print(f"reference scenario, {args.days} days, {args.repeats} runs: median {statistics.median(times):.3f} s "
          f"(min {min(times):.3f}, max {max(times):.3f})")


if __name__ == "__main__":
    main()
