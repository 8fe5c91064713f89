"""Determinism: the same (config, seed) gives bit-identical daily, teams and summary everywhere.

Across separate processes, `run_jobs` with one or two workers and any chunk size, the Hydra
launchers (basic, joblib, submitit local) and Python 3.11 (Mesa 3.3) vs 3.12 (Mesa 3.5).
Results are compared by a SHA-256 digest of every column's name, dtype and raw bytes and of
the summary's exact float reprs, so "identical" means identical to the last bit.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from experiments.batch import Job, chunked, run_jobs, summary_of
from sim import Event, SimConfig, simulate
from sim.config import from_dict

ROOT = Path(__file__).resolve().parent.parent
# Each Python's own venv (Makefile: VENV=.venv for python3, VENV=.venv312 for python3.12).
VENVS = {(3, 11): ROOT / ".venv", (3, 12): ROOT / ".venv312"}


def frame_digest(frame: pd.DataFrame) -> str:
    digest = hashlib.sha256()
    for name in frame.columns:
        values = frame[name].to_numpy()
        digest.update(f"{name}:{values.dtype.str}:".encode())
        digest.update(values.tobytes())
    return digest.hexdigest()


def result_digest(config: SimConfig, seed: int) -> dict[str, str]:
    """Digests of one run's daily, teams and summary (also the evaluation function for run_jobs)."""
    result = simulate(config, seed)
    summary = json.dumps({k: repr(v) for k, v in result.summary.items()}, sort_keys=True)
    return {"daily": frame_digest(result.daily), "teams": frame_digest(result.teams),
            "summary": hashlib.sha256(summary.encode()).hexdigest()}


def case_configs() -> list[tuple[SimConfig, int]]:
    """A few small but non-trivial runs: presets' levers, an event timeline, a busy market."""
    small = {"organisation": {"teams": 3, "employees_per_team": 6}, "market": {"customers_per_team": 150}}
    return [
        (from_dict({**small, "days": 60}), 0),
        (from_dict({**small, "days": 90, "policy": {"pressure": 0.8, "appreciation": 0.2}}), 7),
        (from_dict({**small, "days": 90, "events": [{"day": 30, "set": {"policy.staffing": 0.7}},
                                                      {"day": 60, "set": {"market.demand_multiplier": 1.5}}]}), 3),
        (SimConfig(days=40, events=(Event(10, {"policy.loyalty_discount": 0.1}),)), 11),
    ]


# Digests are computed by a fresh interpreter from this file's own functions (the case index and the
# digest function are the only inputs), so any Python with `sim` importable can produce them.
DIGEST_SCRIPT = ("import json, sys; sys.path.insert(0, {root!r}); from tests.test_determinism import case_configs, "
                 "result_digest; print(json.dumps([result_digest(c, s) for c, s in case_configs()]))")


def digests_in_subprocess(python: str | Path) -> list[dict[str, str]]:
    done = subprocess.run([str(python), "-c", DIGEST_SCRIPT.format(root=str(ROOT))], cwd=ROOT, capture_output=True,
                          text=True, timeout=900, env={**os.environ, "PYTHONHASHSEED": "random"})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def reference() -> list[dict[str, str]]:
    return [result_digest(config, seed) for config, seed in case_configs()]


def test_the_same_run_twice_in_one_process_is_identical(reference):
    assert [result_digest(c, s) for c, s in case_configs()] == reference


@pytest.mark.slow
def test_a_separate_process_gives_identical_results(reference):
    assert digests_in_subprocess(sys.executable) == reference


@pytest.mark.slow
@pytest.mark.parametrize("workers, chunk_size", [(1, 1), (1, 3), (2, 1), (2, 3)])
def test_run_jobs_gives_identical_results_for_any_workers_and_chunk_size(reference, workers, chunk_size):
    jobs = [Job(config, seed) for config, seed in case_configs()]
    outcomes = run_jobs(jobs, result_digest, workers=workers, chunk_size=chunk_size, progress=False)
    assert all(outcome.ok for outcome in outcomes), [o.error for o in outcomes if not o.ok]
    assert [outcome.value for outcome in outcomes] == reference


def test_batch_summary_without_per_team_rows_is_the_full_runs_summary():
    config = SimConfig(days=40, organisation={"teams": 2}, market={"customers_per_team": 300})
    full, lean = simulate(config, 3), simulate(config, 3, per_team=False)
    assert json.dumps(summary_of(config, 3)) == json.dumps(full.summary) == json.dumps(lean.summary)
    assert lean.teams.empty and list(lean.teams.columns) == list(full.teams.columns)
    assert lean.daily.equals(full.daily)


def test_jobs_are_cut_into_even_chunks():
    sizes = [len(chunk) for chunk in chunked(list(range(60)), 8)]
    assert sizes == [8] * 4 + [7] * 4
    assert [len(chunk) for chunk in chunked(list(range(8)), 2)] == [2] * 4
    assert sum(chunked(list(range(10)), 3), []) == list(range(10))


VERSIONS_SCRIPT = "import sys, mesa; print(sys.version_info[:2], mesa.__version__)"


def other_python_venv() -> Path | None:
    """The venv of the other supported Python (3.12 from 3.11 and back), built with `make` if missing."""
    other = next(version for version in VENVS if version != sys.version_info[:2])
    venv = VENVS[other]
    if (venv / "bin" / "python").exists() and (venv / ".installed-test").exists():
        return venv
    if other != (3, 12):
        return None  # the 3.11 venv is the one `make test` builds; without it there is nothing to compare to
    found = subprocess.run(["make", "-s", "--no-print-directory", "python312"], cwd=ROOT, capture_output=True,
                           text=True)
    python312 = found.stdout.strip()
    if found.returncode != 0 or not python312 or shutil.which(python312) is None and not Path(python312).exists():
        return None
    built = subprocess.run(["make", f"{venv.name}/.installed-test", f"PYTHON={python312}", f"VENV={venv.name}"],
                           cwd=ROOT, capture_output=True, text=True, timeout=3600)
    assert built.returncode == 0, built.stdout + built.stderr
    return venv


@pytest.mark.slow
def test_python_311_and_312_give_identical_results(reference):
    venv = other_python_venv()
    if venv is None:
        pytest.skip("no second Python (3.11 and 3.12) on this machine")
    python = venv / "bin" / "python"
    versions = subprocess.run([str(python), "-c", VERSIONS_SCRIPT],
                              capture_output=True, text=True, check=True).stdout
    print(f"comparing {sys.version_info[:2]} with {versions.strip()}")
    assert digests_in_subprocess(python) == reference


LAUNCHERS = {"joblib": "hydra_plugins.hydra_joblib_launcher", "submitit_local": "hydra_plugins.hydra_submitit_launcher"}


def run_digests(run_dir: Path) -> dict[str, str]:
    daily, teams = pd.read_parquet(run_dir / "daily.parquet"), pd.read_parquet(run_dir / "teams.parquet")
    summary = json.loads((run_dir / "summary.json").read_text())
    return {"daily": frame_digest(daily), "teams": frame_digest(teams), "summary": json.dumps(summary, sort_keys=True)}


def multirun(tmp_path: Path, launcher: str | None) -> list[dict[str, str]]:
    sweep = tmp_path / (launcher or "basic")
    args = ["--multirun", "organisation=small", "market.customers_per_team=100", "days=30", "seed=1,2"]
    if launcher:
        args.insert(1, f"hydra/launcher={launcher}")
    done = subprocess.run([sys.executable, "-m", "experiments.run", *args, f"hydra.sweep.dir={sweep}"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=900, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-3000:]
    return [run_digests(sweep / str(job)) for job in range(2)]


@pytest.mark.slow
@pytest.mark.parametrize("launcher", sorted(LAUNCHERS))
def test_hydra_launchers_give_identical_results(tmp_path, launcher):
    pytest.importorskip(LAUNCHERS[launcher], reason=f"the {launcher} launcher plugin is not installed")
    assert multirun(tmp_path, launcher) == multirun(tmp_path, None)
