"""Writing results: atomically (temporary file, then rename), so a crash never leaves a
truncated file that looks complete."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from sim import SimulationResult
from sim.config import to_dict
from sim.metrics import DAILY_COLUMNS, TEAM_COLUMNS

RUN_FILES = ("daily.parquet", "teams.parquet", "summary.json", "config.yaml")


_UMASK = os.umask(0o022)  # read the process's umask once (at import, before any threads) and put it back
os.umask(_UMASK)


def atomic_write(path: Path, write) -> None:
    """Call `write(temporary_path)`, then rename the result onto `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; results are for sharing, as any new file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_parquet(path: Path, frame: pd.DataFrame, columns: dict[str, tuple[str, str]] | None = None,
                  metadata: dict[str, Any] | None = None) -> None:
    """A parquet file whose schema metadata documents each column's unit and meaning."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    extra = {} if metadata is None else {k: json.dumps(v) for k, v in metadata.items()}
    if columns:
        extra["columns"] = json.dumps({k: {"unit": u, "meaning": m} for k, (u, m) in columns.items()
                                       if k in frame.columns})
    table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                           **{k.encode(): v.encode() for k, v in extra.items()}})
    atomic_write(path, lambda tmp: pq.write_table(table, tmp))


def json_ready(value: Any) -> Any:
    """Plain Python numbers for JSON (NaN becomes null)."""
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def write_run(result: SimulationResult, out_dir: Path, extra_summary: dict[str, Any] | None = None) -> None:
    """daily.parquet, teams.parquet, summary.json and config.yaml of one run, each written atomically.

    summary.json is written last: its presence marks the run complete.
    """
    out_dir = Path(out_dir)
    config = to_dict(result.config)
    meta = {"seed": result.seed}
    write_text(out_dir / "config.yaml", yaml.safe_dump({**config, "seed": result.seed}, sort_keys=False))
    write_parquet(out_dir / "daily.parquet", result.daily, DAILY_COLUMNS, meta)
    write_parquet(out_dir / "teams.parquet", result.teams, TEAM_COLUMNS, meta)
    summary = {"seed": result.seed, **result.summary, **(extra_summary or {})}
    write_text(out_dir / "summary.json", json.dumps(json_ready(summary), indent=2, allow_nan=False))
