"""The summary at the end of a Hydra multirun: runs done, skipped, failed, time taken.

Each job writes `status.json` into its own output directory (any launcher: the
basic one, joblib's worker processes, submitit or Ray on other machines); the
callback, which Hydra calls in the launching process, adds them up. `LAST` keeps
the totals so the entry point can exit non-zero when a run failed.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from experiments.outputs import write_text

STATUS = "status.json"
COUNTS = ("done", "skipped", "failed")
LAST: dict[str, Any] = {}


def write_status(out_dir: Path, done: int = 0, skipped: int = 0, failed: int = 0, seconds: float = 0.0,
                 **extra: Any) -> None:
    """Record what one job did (a job is one run, or one chunk of a design)."""
    status = {"done": done, "skipped": skipped, "failed": failed, "seconds": seconds, "finished_at": time.time(),
              **extra}
    write_text(Path(out_dir) / STATUS, json.dumps(status, indent=2))


def gather(sweep_dir: Path, since: float = 0.0) -> dict[str, Any]:
    """Add up the status files of the jobs under `sweep_dir` that finished after `since` (a Unix time)."""
    totals: dict[str, Any] = dict.fromkeys(COUNTS, 0)
    totals["jobs"] = 0
    for path in sorted(Path(sweep_dir).glob(f"*/{STATUS}")):
        try:
            status = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if status.get("finished_at", 0.0) < since:
            continue
        totals["jobs"] += 1
        for key in COUNTS:
            totals[key] += int(status.get(key, 0))
    return totals


def describe(totals: dict[str, Any], seconds: float, where: Path) -> str:
    runs = sum(totals[k] for k in COUNTS)
    return (f"Sweep summary: {runs} runs in {totals['jobs']} jobs: {totals['done']} done, {totals['skipped']} "
            f"skipped (already complete), {totals['failed']} failed; {seconds:.1f} s. Results: {where}")


class SweepSummary(Callback):
    """Prints the sweep's totals when a multirun ends."""

    def __init__(self) -> None:
        self.started = time.time()

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        self.started = time.time()
        LAST.clear()

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        sweep_dir = Path(config.hydra.sweep.dir)
        totals = gather(sweep_dir, since=self.started - 1.0)
        seconds = time.time() - self.started
        LAST.update(totals, seconds=seconds, sweep_dir=str(sweep_dir))
        print(describe(totals, seconds, sweep_dir), flush=True)
