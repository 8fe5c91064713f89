"""Before/after: time another version of `sim` and this one side by side, interleaved in one process.

    python -m benchmarks.compare --before-commit ea7a2b6 [--repeats 7] [--days 730]
    python -m benchmarks.compare --before-commit ea7a2b6 --teams 500   # a million customers

The other version's `sim/` is taken from git (`git archive`) into a temporary folder and
imported as the package `sim_before` (the model's imports are relative), so both run in
this interpreter under the same load: runs alternate, and the ratio of the median CPU
seconds is the speed-up. Both versions must produce the same numbers for this to be a
fair race: `python -m benchmarks.fingerprint` checks that.
"""

from __future__ import annotations

import argparse
import importlib
import io
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent


def import_sim_at(commit: str, into: Path):
    """Import `sim/` as of `commit` as the package `sim_before` from a copy under `into`."""
    archive = subprocess.run(["git", "-C", str(REPOSITORY), "archive", commit, "sim"], capture_output=True,
                             check=False)
    if archive.returncode != 0:
        raise SystemExit(f"--before-commit {commit!r}: git archive failed: {archive.stderr.decode().strip()}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    (into / "sim").rename(into / "sim_before")
    sys.path.insert(0, str(into))
    return importlib.import_module("sim_before")


def _cpu_seconds(module, days: int, teams: int, seed: int) -> float:
    config = module.SimConfig(days=days, organisation={"teams": teams})
    started = time.process_time()
    module.simulate(config, seed)
    return time.process_time() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before-commit", required=True, help="git revision of the 'before' version of sim/")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--teams", type=int, default=10, help="teams of 2,000 customers (500: a million)")
    args = parser.parse_args(argv)
    import sim

    with tempfile.TemporaryDirectory() as folder:
        before = import_sim_at(args.before_commit, Path(folder))
        for module in (before, sim):  # warm-up: imports, caches
            _cpu_seconds(module, 5, args.teams, 0)
        times: dict[str, list[float]] = {"before": [], "after": []}
        for seed in range(args.repeats):
            times["before"].append(_cpu_seconds(before, args.days, args.teams, seed))
            times["after"].append(_cpu_seconds(sim, args.days, args.teams, seed))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        print(f"{name:>6} ({args.before_commit if name == 'before' else 'working tree'}): median "
              f"{medians[name]:.3f} s CPU (min {min(values):.3f}, max {max(values):.3f}) over {args.repeats} runs "
              f"of {args.teams} teams x {args.days} days")
    print(f"speed-up: {medians['before'] / medians['after']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
