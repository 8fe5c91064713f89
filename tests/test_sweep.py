"""Sweeps: the same results through every launcher, resuming after a kill, failures recorded, bad input refused."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

from experiments.store import MARKER, is_complete

ROOT = Path(__file__).resolve().parent.parent
TINY_RUN = ("organisation=small", "market.customers_per_team=100", "days=15")
SWEEP = ("policy.pressure=0.2,0.8", "seed=range(2)")
TINY_DESIGN = 'design.base_overrides=["organisation=small","market.customers_per_team=100"]'


def env(cwd: Path) -> dict[str, str]:
    return {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(cwd)}


def run_module(module: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module, *args], cwd=cwd, capture_output=True, text=True,
                          env=env(cwd), timeout=600)


def results_by_key(sweep_dir: Path) -> dict[tuple[str, int], pd.DataFrame]:
    """(config key, seed) -> daily frame of every complete run under a sweep directory."""
    out = {}
    for marker in sweep_dir.rglob(MARKER):
        run_dir = marker.parent
        assert is_complete(run_dir)
        info = json.loads(marker.read_text())
        out[(info["key"], info["seed"])] = pd.read_parquet(run_dir / "daily.parquet")
    return out


def multirun(launcher_args: tuple[str, ...], sweep_dir: Path, cwd: Path) -> subprocess.CompletedProcess:
    done = run_module("experiments.run", "--multirun", *launcher_args, *SWEEP, *TINY_RUN,
                      f"hydra.sweep.dir={sweep_dir}", cwd=cwd)
    assert done.returncode == 0, done.stderr
    return done


@pytest.mark.slow
def test_basic_joblib_and_submitit_launchers_give_identical_results(tmp_path):
    basic = multirun((), tmp_path / "basic", tmp_path)
    assert "Sweep summary: 4 runs in 4 jobs: 4 done, 0 skipped (already complete), 0 failed" in basic.stdout
    joblib = multirun(("hydra/launcher=joblib", "hydra.launcher.n_jobs=2"), tmp_path / "joblib", tmp_path)
    assert "4 done" in joblib.stdout
    submitit = multirun(("hydra/launcher=local_submitit",), tmp_path / "submitit", tmp_path)
    assert "4 done" in submitit.stdout
    reference = results_by_key(tmp_path / "basic")
    assert len(reference) == 4
    for other in ("joblib", "submitit"):
        results = results_by_key(tmp_path / other)
        assert results.keys() == reference.keys(), other
        for key, frame in reference.items():
            pd.testing.assert_frame_equal(results[key], frame)
    # the slurm configuration composes onto submitit's Slurm launcher
    from hydra import compose, initialize_config_dir

    from sim.compose import CONFIG_DIR, register

    register()
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        cfg = compose("config", overrides=["hydra/launcher=slurm"], return_hydra_config=True)
    assert cfg.hydra.launcher._target_.endswith("SlurmLauncher") and cfg.hydra.launcher.cpus_per_task == 2


@pytest.mark.slow
def test_a_rerun_redoes_only_missing_or_broken_runs(tmp_path):
    sweep = tmp_path / "sweep"
    multirun((), sweep, tmp_path)
    before = {d.name: (d / MARKER).stat().st_mtime_ns for d in sweep.iterdir() if (d / MARKER).exists()}
    # break two runs: truncate one's daily file, delete another's marker
    daily = sweep / "0" / "daily.parquet"
    daily.write_bytes(daily.read_bytes()[:100])
    (sweep / "3" / MARKER).unlink()
    again = multirun((), sweep, tmp_path)
    assert "4 runs in 4 jobs: 2 done, 2 skipped (already complete), 0 failed" in again.stdout
    after = {d.name: (d / MARKER).stat().st_mtime_ns for d in sweep.iterdir() if (d / MARKER).exists()}
    assert after["1"] == before["1"] and after["2"] == before["2"]  # untouched
    assert after["0"] != before["0"] and pq.read_table(daily).num_rows == 15


def sweep_config(tmp_path: Path, *overrides: str):
    from hydra import compose, initialize_config_dir

    from sim.compose import CONFIG_DIR

    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        return compose("sweep", overrides=[TINY_DESIGN, "design.days=10", "design.seeds=3", "workers=1",
                                           "progress=false", f"store={tmp_path / 'store'}", *overrides])


def test_a_failing_run_is_recorded_and_does_not_lose_the_others(tmp_path, monkeypatch):
    import experiments.sweep as sweep

    real = sweep.store_run

    def failing_for_seed_1(config, seed, **kwargs):
        if seed == 1:
            raise RuntimeError("numerical trouble")
        return real(config, seed, **kwargs)

    monkeypatch.setattr(sweep, "store_run", failing_for_seed_1)
    cfg = sweep_config(tmp_path)
    counts = sweep.run_chunk(cfg, tmp_path / "log")
    assert (counts["done"], counts["skipped"], counts["failed"]) == (12, 0, 6)
    failures = list((tmp_path / "store").rglob("failed.json"))
    assert len(failures) == 6 and "numerical trouble" in failures[0].read_text()
    assert json.loads((tmp_path / "log" / "status.json").read_text())["failed"] == 6
    monkeypatch.setattr(sweep, "store_run", real)
    counts = sweep.run_chunk(cfg)
    assert (counts["done"], counts["skipped"], counts["failed"]) == (6, 12, 0)
    assert not list((tmp_path / "store").rglob("failed.json"))


def test_run_py_records_a_failure_in_a_multirun_and_redoes_it(tmp_path, monkeypatch):
    import experiments.run as run
    import sim

    config = sim.load_config(*TINY_RUN)
    monkeypatch.setattr(run, "simulate", lambda *a, **k: (_ for _ in ()).throw(FloatingPointError("overflow")))
    value = run.run_and_record(config, 0, tmp_path, ["seed=0"], keep_going=True, progress=False)
    assert value != value  # NaN
    assert "overflow" in (tmp_path / "failed.json").read_text()
    assert json.loads((tmp_path / "status.json").read_text())["failed"] == 1
    with pytest.raises(FloatingPointError):  # a single run fails loudly
        run.run_and_record(config, 0, tmp_path, [], keep_going=False, progress=False)
    monkeypatch.setattr(run, "simulate", sim.simulate)
    run.run_and_record(config, 0, tmp_path, [], progress=False)
    assert is_complete(tmp_path) and not (tmp_path / "failed.json").exists()


def test_chunks_partition_the_design(tmp_path):
    from omegaconf import OmegaConf

    from experiments.sweep import chunk_of, design_points

    cfg = sweep_config(tmp_path)
    points = design_points(OmegaConf.to_container(cfg.design))
    assert len(points) == 3 * 2 * 3 and len({p.key for p in points}) == len(points)
    parts = [chunk_of(points, i, 4) for i in range(4)]
    assert sorted(p.key for part in parts for p in part) == sorted(p.key for p in points)
    assert {p.params["policy.pressure"] for p in parts[0]} == {0.2, 0.5, 0.8}


@pytest.mark.slow
def test_a_killed_sweep_resumes_with_only_the_missing_runs(tmp_path):
    store = tmp_path / "store"
    args = ["-m", "experiments.sweep", 'design.base_overrides=["organisation=small"]', "design.days=120",
            "design.seeds=8", "workers=1", f"store={store}"]
    total = 3 * 2 * 8
    process = subprocess.Popen([sys.executable, *args], cwd=tmp_path, env=env(tmp_path), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 300
    while len(list(store.rglob(MARKER))) < 4 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)  # a real kill: no cleanup handlers run
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    run_dirs = [d for d in (store / "runs").iterdir()]
    complete = {d.name: (d / MARKER).stat().st_mtime_ns for d in run_dirs if is_complete(d, d.name)}
    assert 4 <= len(complete) < total, len(complete)
    # nothing truncated sits under a final name: every parquet file with its real name reads whole
    for d in run_dirs:
        for name in ("daily.parquet", "teams.parquet"):
            if (d / name).exists():
                assert pq.read_table(d / name).num_rows > 0
        for name in ("summary.json", "config.yaml", MARKER):
            if (d / name).exists():
                (json.loads if name.endswith(".json") else yaml.safe_load)((d / name).read_text())

    done = subprocess.run([sys.executable, *args, "progress=false"], cwd=tmp_path, env=env(tmp_path),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    missing = total - len(complete)
    assert f"{total} runs, {len(complete)} already complete, {missing} to do" in done.stdout
    assert f"summary: {missing} done, {len(complete)} skipped (already complete), 0 failed" in done.stdout
    for key, mtime in complete.items():  # the runs finished before the kill were not redone
        assert (store / "runs" / key / MARKER).stat().st_mtime_ns == mtime
    assert len([d for d in (store / "runs").iterdir() if is_complete(d, d.name)]) == total
    assert not list(store.rglob(".*.tmp"))


@pytest.mark.parametrize("bad, message", [
    ("design.grid.policy.pressure=[0.2,1.3]", "policy.pressure = 1.3"),
    ("+design.grid.policy.presure=[0.2]", "presure"),
    ("design.grid.policy.pressure=[]", "design.grid.policy.pressure"),
    ("design.seeds=0", "design.seeds"),
    ("chunk=5", "chunk = 5"),
])
def test_sweep_bad_input_exits_non_zero_and_writes_nothing(tmp_path, bad, message):
    done = run_module("experiments.sweep", bad, f"store={tmp_path / 'store'}", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "store").exists() and not (tmp_path / "outputs").exists()
