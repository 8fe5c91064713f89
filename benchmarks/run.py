"""`make bench`: every performance target of the project, measured, in one table.

    python -m benchmarks.run                 # the full suite (several minutes), writes benchmarks/results.md
    python -m benchmarks.run --quick --output /tmp/results.md   # tiny sizes: checks that it all runs

Measures (medians over repeats; ratios from runs interleaved in one process):
the reference scenario with full daily collection; the per-agent Mesa baseline
side by side; time and peak memory from 1,000 to 1,000,000 customers, each size in
a fresh process; sweep throughput through the persistent worker pool; and the cost
of one `ServiceModel.step()` against a dashboard frame. The machine is shared and
noisy: the load average at the start is written beside the figures.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shlex
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

from benchmarks import reference, scaling, sweep

RESULTS = Path(__file__).with_name("results.md")
FRAME_SECONDS = 1.0 / 30.0  # a dashboard that animates at 30 frames per second


@dataclass(frozen=True)
class Plan:
    """How much of each measurement to do."""

    reference_repeats: int = 7
    reference_days: int = 730
    mesa_repeats: int = 3
    mesa_days: int = 60
    scaling_customers: tuple[int, ...] = (1000, 10_000, 100_000, 1_000_000)
    scaling_days: int = 730
    sweep_runs: int = 60
    sweep_workers: int = 2
    sweep_days: int = 730
    step_days: int = 200


QUICK = Plan(reference_repeats=2, reference_days=20, mesa_repeats=1, mesa_days=3, scaling_customers=(1000, 4000),
             scaling_days=10, sweep_runs=4, sweep_workers=2, sweep_days=10, step_days=5)


@dataclass
class Row:
    """One line of the table."""

    measurement: str
    median: str
    minimum: str = ""
    maximum: str = ""
    target: str = ""
    met: bool | None = None


def _spread(values: list[float], scale: float = 1.0, fmt: str = "{:.3f}") -> tuple[str, str, str]:
    return tuple(fmt.format(scale * v) for v in (statistics.median(values), min(values), max(values)))


def _verdict(met: bool | None) -> str:
    return "" if met is None else ("yes" if met else "NO")


def measure_all(plan: Plan, say=print) -> list[Row]:
    """Run every measurement of `plan`; return the table rows."""
    rows: list[Row] = []

    say(f"reference scenario: {plan.reference_repeats} runs of {plan.reference_days} days ...")
    ref = reference.time_reference(plan.reference_repeats, plan.reference_days)
    median_cpu = statistics.median(ref.cpu)
    rows.append(Row(f"reference run, {plan.reference_days} days, wall s", *_spread(ref.wall)))
    rows.append(Row(f"reference run, {plan.reference_days} days, CPU s (one core)", *_spread(ref.cpu),
                    target="<= 0.5 (goal 0.2)", met=median_cpu <= 0.5 if plan.reference_days == 730 else None))

    say(f"versus per-agent Mesa: {plan.mesa_repeats} interleaved pairs of {plan.mesa_days} days ...")
    vectorised, baseline = reference.time_versus_mesa(plan.mesa_repeats, plan.mesa_days)
    rows.append(Row(f"per-agent Mesa baseline, {plan.mesa_days} days, CPU s", *_spread(baseline.cpu)))
    rows.append(Row(f"vectorised model, {plan.mesa_days} days, CPU s", *_spread(vectorised.cpu)))
    ratio = statistics.median(baseline.cpu) / statistics.median(vectorised.cpu)
    pair_ratios = [b / v for b, v in zip(baseline.cpu, vectorised.cpu)]
    rows.append(Row("speed-up over per-agent Mesa (ratio of medians; pairs: min/max)", f"{ratio:.1f}x",
                    f"{min(pair_ratios):.1f}x", f"{max(pair_ratios):.1f}x", ">= 30x", ratio >= 30))

    for customers in plan.scaling_customers:
        say(f"scaling: {customers:,} customers, {plan.scaling_days} days, fresh process ...")
        size = scaling.measure(customers, plan.scaling_days)
        label = f"{size.customers:,} customers ({size.teams} teams x {size.employees_per_team}), {size.days} days"
        is_million = size.customers >= 1_000_000 and size.days >= 730
        rows.append(Row(f"{label}: wall s", f"{size.seconds:.2f}", target="<= 60" if is_million else "",
                        met=size.seconds <= 60 if is_million else None))
        rows.append(Row(f"{label}: CPU s", f"{size.cpu_seconds:.2f}", target="<= 60" if is_million else "",
                        met=size.cpu_seconds <= 60 if is_million else None))
        rows.append(Row(f"{label}: us per customer-day (wall)", f"{size.us_per_customer_day:.4f}"))
        memory = f"{size.peak_rss_mb:.0f} ({size.imports_rss_mb:.0f})"
        rows.append(Row(f"{label}: peak memory MB (imports alone)", memory,
                        target="<= 2048" if is_million else "", met=size.peak_rss_mb <= 2048 if is_million else None))
        rows.append(Row(f"{label}: traced peak allocation, bytes per customer", f"{size.bytes_per_customer:.0f}"))

    say(f"sweep: {plan.sweep_runs} runs on {plan.sweep_workers} workers ...")
    result = sweep.measure(plan.sweep_runs, plan.sweep_workers, plan.sweep_days)
    full = plan.sweep_days == 730
    label = (f"sweep, {result.runs} runs of {plan.sweep_days} days on {result.workers} workers "
             f"(chunks of {result.chunk_size}, pool start included)")
    rows.append(Row(f"{label}, runs/minute (wall clock)", f"{result.runs_per_minute:.0f}",
                    target=">= 200" if full else "",
                    met=(result.runs_per_minute >= 200 and result.failures == 0) if full else None))
    rows.append(Row(f"{label}, runs/minute on free cores (from the workers' CPU time)",
                    f"{result.runs_per_minute_on_free_cores:.0f}", target=">= 200" if full else "",
                    met=(result.runs_per_minute_on_free_cores >= 200 and result.failures == 0) if full else None))

    say(f"dashboard: {plan.step_days} single steps ...")
    steps = reference.time_steps(plan.step_days)
    median_ms = 1e3 * statistics.median(steps.wall)
    rows.append(Row("one ServiceModel.step() (reference), wall ms", *_spread(steps.wall, 1e3),
                    target=f"<< {1e3 * FRAME_SECONDS:.1f} (a 30 fps frame)", met=median_ms <= 0.1e3 * FRAME_SECONDS))
    return rows


def machine_description() -> list[str]:
    """What the figures were measured on."""
    import mesa
    import numpy
    import pandas

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                             if line.startswith("MemTotal")))
        memory = f"{memory_kb / 1024 ** 2:.1f} GiB"
    except (OSError, StopIteration, ValueError):  # pragma: no cover - not Linux
        memory = "unknown"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [f"- CPU: {cpu}, {os.cpu_count()} logical cores; memory {memory}",
            f"- OS: {platform.platform()}",
            f"- Python {platform.python_version()}, NumPy {numpy.__version__}, pandas {pandas.__version__}, "
            f"Mesa {mesa.__version__}",
            f"- load average (1, 5, 15 min) at the start: {load} (the machine is shared: other processes compete)"]


def render(rows: list[Row], command: str, started: datetime.datetime) -> str:
    """The results as Markdown: machine, command, table."""
    lines = ["# Benchmark results", "",
             f"Measured {started:%Y-%m-%d %H:%M} UTC with `{command}`.", "", *machine_description(), "",
             "Medians over repeats (min and max beside them). Ratios come from runs interleaved in one process. "
             "CPU seconds are those of the measuring process (one core); wall seconds include waiting for the "
             "CPU when other processes compete.", "",
             "| measurement | median | min | max | target | met |", "| --- | ---: | ---: | ---: | --- | --- |"]
    for row in rows:
        lines.append(f"| {row.measurement} | {row.median} | {row.minimum} | {row.maximum} | {row.target} | "
                     f"{_verdict(row.met)} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, to check that everything runs")
    parser.add_argument("--output", type=Path, default=RESULTS, help=f"Markdown file to write (default {RESULTS})")
    args = parser.parse_args(argv)
    started = datetime.datetime.now(datetime.timezone.utc)
    command = "python -m benchmarks.run " + shlex.join(sys.argv[1:] if argv is None else argv)
    rows = measure_all(QUICK if args.quick else Plan(), say=lambda text: print(text, flush=True))
    text = render(rows, command.strip(), started)
    tmp = args.output.with_suffix(args.output.suffix + ".tmp")
    tmp.write_text(text)
    tmp.replace(args.output)  # whole or not at all
    print()
    print(text)
    print(f"written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
