"""`python -m experiments.run`: files written, summary printed, bad input rejected with nothing written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "experiments.run", *args], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(cwd)}, timeout=300)


def test_run_writes_results_and_prints_the_summary(tmp_path):
    out = tmp_path / "out"
    done = run_cli("days=40", "policy=high_pressure", "seed=3", f"hydra.run.dir={out}", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Customers" in done.stdout and "start" in done.stdout and str(out) in done.stdout
    daily = pd.read_parquet(out / "daily.parquet")
    teams = pd.read_parquet(out / "teams.parquet")
    summary = json.loads((out / "summary.json").read_text())
    assert len(daily) == 40 and len(teams) == 400 and summary["seed"] == 3
    assert (out / "config.yaml").read_text().count("pressure: 0.8") == 1
    metadata = json.loads(pq.read_schema(out / "daily.parquet").metadata[b"columns"])
    assert metadata["satisfaction"]["unit"] == "0-1"
    # the same (config, seed) through the Python API gives the same numbers
    import sim

    result = sim.simulate(sim.load_config("days=40", "policy=high_pressure"), 3)
    pd.testing.assert_frame_equal(daily, result.daily)


def test_bad_input_exits_non_zero_and_writes_nothing(tmp_path):
    for bad in ("policy.pressure=1.7", "policy.presure=0.5", "policy=nonsense", "days=abc",
                "+events=[{day: 900, set: {policy.pressure: 0.8}}]"):
        out = tmp_path / "never"
        done = run_cli(bad, f"hydra.run.dir={out}", cwd=tmp_path)
        assert done.returncode != 0, bad
        assert "error" in done.stderr.lower() or "Error" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr, done.stderr
        assert not out.exists(), bad
    assert not (tmp_path / "outputs").exists()


def test_a_bad_value_inside_a_sweep_is_caught_before_anything_runs(tmp_path):
    done = run_cli("--multirun", "policy.pressure=0.2,1.5", "days=5", f"hydra.sweep.dir={tmp_path / 'sweep'}",
                   cwd=tmp_path)
    assert done.returncode == 2 and "policy.pressure = 1.5" in done.stderr
    assert not (tmp_path / "sweep").exists()


def test_results_are_readable_by_others_as_any_new_file(tmp_path):
    """Atomic writes go through mkstemp (mode 0600); the final file gets the usual mode from the umask."""
    import os
    import stat

    from experiments.outputs import write_text

    target = tmp_path / "report.html"
    write_text(target, "<p>hello</p>")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
