"""Gather a sweep into one tidy dataset: `python -m experiments.collect <sweep dir> [--out DIR]`.

Works on both kinds of sweep directory: a Hydra multirun of `experiments.run` (one
sub-directory per job) and the run store of `experiments.sweep` (`runs/<key>/`). Every
run directory with a completion marker counts; failed runs are listed with their
error; unfinished ones are counted and left out. Writes, each atomically:

- `runs.parquet`: one row per run: run_id (the store key), status, seed, every config
  parameter as a dotted column (`policy.pressure`), the swept values and the summary KPIs;
- `daily.parquet`: one row per run and day: run_id, seed, the parameters that vary
  between runs, then the daily series.

Both read with pandas (`pd.read_parquet`) or DuckDB (`SELECT ... FROM 'runs.parquet'`).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml
from tqdm.auto import tqdm

from experiments.outputs import atomic_write, write_parquet
from experiments.store import FAILURE, MARKER, is_complete, read_marker
from sim.metrics import DAILY_COLUMNS


def flatten(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested config mapping as dotted columns; events as one JSON text column."""
    flat: dict[str, Any] = {}
    for key, value in values.items():
        name = f"{prefix}{key}"
        if key == "events" and not prefix:
            flat[name] = json.dumps(value, sort_keys=True)
        elif isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def find_runs(sweep_dir: Path) -> tuple[list[Path], list[Path], int]:
    """Run directories under `sweep_dir`: (complete, failed, unfinished count)."""
    complete, failed, unfinished = [], [], 0
    candidates = {p.parent for pattern in (MARKER, FAILURE, "config.yaml") for p in Path(sweep_dir).rglob(pattern)}
    for run_dir in sorted(candidates):
        if "collected" in run_dir.relative_to(sweep_dir).parts:
            continue
        if is_complete(run_dir):
            complete.append(run_dir)
        elif (run_dir / FAILURE).is_file():
            failed.append(run_dir)
        elif (run_dir / "summary.json").is_file() or (run_dir / "daily.parquet").is_file() or \
                any(run_dir.glob(".*.tmp")):
            unfinished += 1
    return complete, failed, unfinished


def _swept(marker_params: dict[str, Any]) -> dict[str, Any]:
    """The marker's record of how the run was chosen: grid values, or the Hydra overrides as one text."""
    out = {}
    for key, value in (marker_params or {}).items():
        out[f"swept.{key}"] = " ".join(map(str, value)) if isinstance(value, list) else value
    return out


def run_row(run_dir: Path) -> dict[str, Any]:
    """One row of runs.parquet for a complete run."""
    marker = read_marker(run_dir) or {}
    config = yaml.safe_load((run_dir / "config.yaml").read_text(encoding="utf-8"))
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    seed = config.pop("seed", summary.get("seed"))
    summary.pop("seed", None)
    return {"run_id": marker["key"], "status": "complete", "seed": seed, "path": str(run_dir),
            "seconds": marker.get("seconds"), **_swept(marker.get("params")), **flatten(config),
            **{f"kpi.{k}": v for k, v in summary.items()}}


def failed_row(run_dir: Path) -> dict[str, Any]:
    failure = json.loads((run_dir / FAILURE).read_text(encoding="utf-8"))
    return {"run_id": failure.get("key"), "status": "failed", "seed": failure.get("seed"), "path": str(run_dir),
            "error": str(failure.get("error", "")).splitlines()[0] if failure.get("error") else "",
            **_swept(failure.get("params"))}


def collect(sweep_dir: Path, out_dir: Path | None = None, progress: bool = True) -> dict[str, Any]:
    """Write runs.parquet and daily.parquet for `sweep_dir`; return counts and paths."""
    sweep_dir = Path(sweep_dir)
    if not sweep_dir.is_dir():
        raise FileNotFoundError(f"sweep directory {str(sweep_dir)!r} does not exist")
    out_dir = Path(out_dir) if out_dir is not None else sweep_dir / "collected"
    started = time.perf_counter()
    complete, failed, unfinished = find_runs(sweep_dir)
    rows, seen, duplicates = [], set(), 0
    for run_dir in tqdm(complete, desc="reading runs", unit="run", disable=not progress):
        row = run_row(run_dir)
        if row["run_id"] in seen:  # the same config and seed twice in one sweep: keep one
            duplicates += 1
            continue
        seen.add(row["run_id"])
        rows.append(row)
    rows += [failed_row(d) for d in failed]
    if not rows:
        raise FileNotFoundError(f"no complete or failed runs under {sweep_dir} (looked for {MARKER} and {FAILURE})")
    runs = pd.DataFrame(rows)
    ok = runs[runs["status"] == "complete"]
    parameter_columns = [c for c in ok.columns if c.split(".")[0] in ("organisation", "market", "policy", "behaviour",
                                                                     "economics", "days", "events")]
    varying = [c for c in parameter_columns if ok[c].astype(str).nunique() > 1]
    write_parquet(out_dir / "runs.parquet", runs, metadata={"sweep_dir": str(sweep_dir), "varying": varying})
    daily_rows = _write_daily(ok, varying, out_dir / "daily.parquet", progress)
    result = {"runs": len(ok), "failed": len(failed), "unfinished": unfinished, "duplicates": duplicates,
              "daily_rows": daily_rows, "varying": varying, "out_dir": out_dir,
              "seconds": time.perf_counter() - started}
    return result


def _write_daily(runs: pd.DataFrame, varying: list[str], path: Path, progress: bool) -> int:
    """Stream every run's daily series into one parquet file (one run in memory at a time)."""
    total = 0
    columns = {k: {"unit": u, "meaning": m} for k, (u, m) in DAILY_COLUMNS.items()}
    metadata = {b"columns": json.dumps(columns).encode(), b"varying": json.dumps(varying).encode()}

    def write(tmp: Path) -> None:
        nonlocal total
        writer = None
        try:
            for _, run in tqdm(runs.iterrows(), total=len(runs), desc="writing daily", unit="run",
                               disable=not progress):
                daily = pd.read_parquet(Path(run["path"]) / "daily.parquet")
                front = pd.DataFrame({"run_id": run["run_id"], "seed": run["seed"],
                                      **{c: run[c] for c in varying}}, index=daily.index)
                table = pa.Table.from_pandas(pd.concat([front, daily], axis=1), preserve_index=False)
                if writer is None:
                    table = table.replace_schema_metadata({**(table.schema.metadata or {}), **metadata})
                    writer = pq.ParquetWriter(tmp, table.schema)
                writer.write_table(table.cast(writer.schema))
                total += len(daily)
        finally:
            if writer is not None:
                writer.close()

    atomic_write(path, write)
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m experiments.collect", description=__doc__.splitlines()[0])
    parser.add_argument("sweep_dir", type=Path, help="a multirun directory of experiments.run, or a sweep store")
    parser.add_argument("--out", type=Path, default=None, help="where to write (default: <sweep dir>/collected)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)
    try:
        result = collect(args.sweep_dir, args.out, progress=not args.no_progress)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"Collected {result['runs']} complete runs ({result['daily_rows']:,} daily rows), {result['failed']} "
          f"failed, {result['unfinished']} unfinished left out, {result['duplicates']} duplicates dropped; "
          f"{result['seconds']:.1f} s")
    print(f"Varying parameters: {', '.join(result['varying']) or 'none'}")
    print(f"Wrote {result['out_dir'] / 'runs.parquet'} and {result['out_dir'] / 'daily.parquet'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
