"""`python -m experiments.collect`: one tidy dataset from a sweep, equal to the runs it came from."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import sim
from experiments.collect import collect, main
from experiments.store import record_failure, run_key

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def store_sweep(tmp_path_factory):
    """A design of 2 pressures x 2 appreciations x 2 seeds in a run store, plus one failed run."""
    from hydra import compose, initialize_config_dir

    from experiments.sweep import run_chunk
    from sim.compose import CONFIG_DIR

    root = tmp_path_factory.mktemp("sweep")
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        cfg = compose("sweep", overrides=[
            'design.base_overrides=["organisation=small","market.customers_per_team=80"]', "design.days=12",
            "design.seeds=2", "workers=1", "progress=false", "design.grid.policy.pressure=[0.3,0.7]",
            "design.grid.policy.appreciation=[0.2,0.9]", f"store={root}"])
    assert run_chunk(cfg)["done"] == 8
    failed_config = sim.load_config("organisation=small", "market.customers_per_team=80", "days=12")
    key = run_key(failed_config, 99)
    record_failure(root / "runs" / key, key, 99, "RuntimeError: diverged\ntraceback", {"policy.pressure": 0.5})
    return root


def test_collect_a_store_into_runs_and_daily(store_sweep):
    result = collect(store_sweep, progress=False)
    assert (result["runs"], result["failed"], result["daily_rows"]) == (8, 1, 8 * 12)
    assert result["varying"] == ["policy.pressure", "policy.appreciation"]
    runs = pd.read_parquet(store_sweep / "collected" / "runs.parquet")
    daily = pd.read_parquet(store_sweep / "collected" / "daily.parquet")
    assert len(runs) == 9 and runs["run_id"].is_unique
    failed = runs[runs.status == "failed"].iloc[0]
    assert failed["error"] == "RuntimeError: diverged" and failed["seed"] == 99
    ok = runs[runs.status == "complete"]
    assert set(zip(ok["policy.pressure"], ok["policy.appreciation"], ok["seed"])) == {
        (p, a, s) for p in (0.3, 0.7) for a in (0.2, 0.9) for s in (0, 1)}
    assert (ok["swept.policy.pressure"] == ok["policy.pressure"]).all()
    # every value is the run's own: re-simulate one run and compare its rows and its summary
    row = ok[(ok["policy.pressure"] == 0.7) & (ok["policy.appreciation"] == 0.2) & (ok.seed == 1)].iloc[0]
    config = sim.load_config("organisation=small", "market.customers_per_team=80", "days=12",
                             "policy.pressure=0.7", "policy.appreciation=0.2")
    result = sim.simulate(config, 1)
    assert row["run_id"] == run_key(config, 1)
    assert row["kpi.loyalty_end"] == result.summary["loyalty_end"]
    assert row["kpi.profit_total"] == pytest.approx(result.summary["profit_total"], rel=1e-12)
    mine = daily[daily.run_id == row["run_id"]].drop(columns=["run_id", "seed", "policy.pressure",
                                                              "policy.appreciation"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(mine, result.daily)


def test_collected_data_reads_in_duckdb(store_sweep):
    import duckdb

    collect(store_sweep, progress=False)
    out = store_sweep / "collected"
    query = (f"SELECT r.\"policy.pressure\" AS pressure, avg(d.loyalty) AS loyalty, count(*) AS n "
             f"FROM '{out / 'daily.parquet'}' d JOIN '{out / 'runs.parquet'}' r USING (run_id) "
             f"WHERE d.day = 11 GROUP BY 1 ORDER BY 1")
    frame = duckdb.sql(query).df()
    daily = pd.read_parquet(out / "daily.parquet")
    expected = daily[daily.day == 11].groupby("policy.pressure")["loyalty"].mean()
    assert frame["n"].tolist() == [4, 4]
    assert frame["loyalty"].tolist() == pytest.approx(expected.tolist())


def test_collect_a_multirun_of_run_py(tmp_path):
    from experiments.run import run_and_record

    config = sim.load_config("organisation=small", "market.customers_per_team=80", "days=8")
    for job, seed in enumerate((0, 1, 0)):  # the same (config, seed) twice: kept once
        run_and_record(config, seed, tmp_path / str(job), [f"seed={seed}"], progress=False)
    (tmp_path / "3").mkdir()
    (tmp_path / "3" / "summary.json").write_text("{}")  # an unfinished run: left out
    assert main([str(tmp_path), "--out", str(tmp_path / "data"), "--no-progress"]) == 0
    runs = pd.read_parquet(tmp_path / "data" / "runs.parquet")
    assert sorted(runs.seed) == [0, 1] and (runs["swept.overrides"].isin(["seed=0", "seed=1"])).all()
    assert len(pd.read_parquet(tmp_path / "data" / "daily.parquet")) == 16


def test_collect_cli_rejects_a_missing_directory(tmp_path):
    done = subprocess.run([sys.executable, "-m", "experiments.collect", str(tmp_path / "nope")], capture_output=True,
                          text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
                          timeout=120)
    assert done.returncode == 2 and "does not exist" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "nope").exists()
    empty = tmp_path / "empty"
    (empty / "0").mkdir(parents=True)
    done = subprocess.run([sys.executable, "-m", "experiments.collect", str(empty)], capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}, timeout=120)
    assert done.returncode == 2 and "no complete or failed runs" in done.stderr
    assert not (empty / "collected").exists()
