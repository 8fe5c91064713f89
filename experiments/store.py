"""Run results on disk, keyed by the resolved config and the seed, so sweeps can resume.

A run directory holds daily.parquet, teams.parquet, summary.json and config.yaml
(see `experiments.outputs.write_run`), each written atomically, and last a
completion marker `complete.json` with the run's key and each file's size. A run is
complete only if the marker exists, names the same key, and every file it lists is
there with its recorded size: a run killed halfway, a truncated or deleted file, or
a changed config all count as missing and are done again. A run that raised leaves
`failed.json` with the error instead.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

from experiments.outputs import RUN_FILES, json_ready, write_run, write_text
from sim import SimulationResult
from sim.config import SimConfig, to_dict

MARKER = "complete.json"
FAILURE = "failed.json"


def run_key(config: SimConfig, seed: int) -> str:
    """A stable hash of the whole resolved config (events included) and the seed."""
    text = json.dumps({"config": to_dict(config), "seed": int(seed)}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def read_marker(run_dir: Path) -> dict[str, Any] | None:
    try:
        return json.loads((Path(run_dir) / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_complete(run_dir: Path, key: str | None = None) -> bool:
    """True if `run_dir` holds a finished run (of `key`, when given) whose files are all intact."""
    marker = read_marker(run_dir)
    if not marker or (key is not None and marker.get("key") != key):
        return False
    for name, size in marker.get("files", {}).items():
        path = Path(run_dir) / name
        if not path.is_file() or path.stat().st_size != size:
            return False
    return True


def write_complete_run(result: SimulationResult, run_dir: Path, key: str, params: dict[str, Any] | None = None,
                       seconds: float | None = None) -> None:
    """Write a run's files, then its completion marker (last, so a crash never leaves a run looking complete)."""
    run_dir = Path(run_dir)
    (run_dir / MARKER).unlink(missing_ok=True)
    (run_dir / FAILURE).unlink(missing_ok=True)
    write_run(result, run_dir)
    files = {name: (run_dir / name).stat().st_size for name in RUN_FILES}
    marker = {"key": key, "seed": result.seed, "params": params or {}, "files": files, "seconds": seconds,
              "finished_at": time.time()}
    write_text(run_dir / MARKER, json.dumps(json_ready(marker), indent=2))


def record_failure(run_dir: Path, key: str, seed: int, error: str, params: dict[str, Any] | None = None) -> None:
    """Note that a run raised (its other files, if any, stay incomplete and are redone next time)."""
    run_dir = Path(run_dir)
    (run_dir / MARKER).unlink(missing_ok=True)
    write_text(run_dir / FAILURE, json.dumps(json_ready({"key": key, "seed": seed, "params": params or {},
                                                         "error": error, "failed_at": time.time()}), indent=2))


def remove_stale_temporaries(run_dir: Path) -> int:
    """Delete temporary files a killed writer left behind (they never carry a final name); return how many."""
    removed = 0
    for path in Path(run_dir).glob(".*.tmp"):
        path.unlink(missing_ok=True)
        removed += 1
    return removed


class RunStore:
    """A directory of runs, one sub-directory per key: `<root>/runs/<key>/`."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def run_dir(self, key: str) -> Path:
        return self.root / "runs" / key

    def is_complete(self, key: str) -> bool:
        return is_complete(self.run_dir(key), key)

    def complete_keys(self) -> set[str]:
        runs = self.root / "runs"
        return {d.name for d in runs.iterdir() if is_complete(d, d.name)} if runs.is_dir() else set()
