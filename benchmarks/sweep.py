"""Sweep throughput: reference runs per minute through `experiments.batch.run_jobs`.

    python -m benchmarks.sweep --runs 40 --workers 2

The clock includes starting the persistent worker pool (spawned interpreters import
the model once each, not once per run), so this is what a researcher's sweep sees.
On a shared machine the workers wait for the CPU, so the CPU seconds the sweep used
(this process plus its finished workers, from rusage) are reported too: runs per
minute if the cores were the sweep's alone.
"""

from __future__ import annotations

import argparse
import resource
import time
from dataclasses import dataclass

from experiments.batch import Job, close_pool, run_jobs, summary_of
from sim import SimConfig


@dataclass
class SweepResult:
    runs: int
    workers: int
    chunk_size: int
    seconds: float
    worker_cpu_seconds: float  # user + system time of the finished workers and of this process
    failures: int

    @property
    def runs_per_minute(self) -> float:
        return 60.0 * self.runs / self.seconds

    @property
    def runs_per_minute_on_free_cores(self) -> float:
        """Runs per minute if each worker had a core to itself (worker CPU time shared over the workers)."""
        return 60.0 * self.runs * self.workers / self.worker_cpu_seconds


def _cpu_seconds_with_children() -> float:
    """CPU time of this process (it runs the jobs when workers=1) and of its finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + usage.ru_utime + usage.ru_stime


def measure(runs: int, workers: int, days: int = 730, chunk_size: int | None = None) -> SweepResult:
    """Evaluate `runs` reference jobs (seeds 0..runs-1) and time the whole call."""
    config = SimConfig(days=days)
    jobs = [Job(config, seed) for seed in range(runs)]
    chunk_size = chunk_size or max(1, -(-runs // (workers * 4)))
    close_pool()  # a pool kept by an earlier call would hide its start-up
    cpu_before, started = _cpu_seconds_with_children(), time.perf_counter()
    outcomes = run_jobs(jobs, summary_of, workers=workers, chunk_size=chunk_size, progress=False)
    close_pool()  # the workers exit, so that their CPU time is counted (and their stopping is timed)
    seconds = time.perf_counter() - started
    return SweepResult(runs=runs, workers=workers, chunk_size=chunk_size, seconds=seconds,
                       worker_cpu_seconds=_cpu_seconds_with_children() - cpu_before,
                       failures=sum(not outcome.ok for outcome in outcomes))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--days", type=int, default=730)
    args = parser.parse_args()
    result = measure(args.runs, args.workers, args.days)
    print(f"{result.runs} runs on {result.workers} workers (chunks of {result.chunk_size}): {result.seconds:.1f} s, "
          f"{result.runs_per_minute:.0f} runs/minute ({result.runs_per_minute_on_free_cores:.0f} on free cores), "
          f"{result.failures} failed")


if __name__ == "__main__":
    main()
