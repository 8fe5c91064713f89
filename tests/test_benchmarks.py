"""The benchmark suite runs end to end on tiny sizes (timings are not asserted: the machine is shared)."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks import fingerprint, run, scaling
from benchmarks.mesa_baseline import BaselineCustomer, BaselineEmployee, BaselineModel, run_baseline
from sim import SimConfig


@pytest.mark.slow
def test_quick_suite_writes_every_measurement(tmp_path):
    output = tmp_path / "results.md"
    assert run.main(["--quick", "--output", str(output)]) == 0
    text = output.read_text()
    for heading in ("reference run", "per-agent Mesa", "speed-up", "customers", "sweep", "ServiceModel.step()",
                    "CPU:", "Python"):
        assert heading in text
    assert not (tmp_path / "results.md.tmp").exists()


def test_mesa_baseline_steps_every_agent_with_the_shared_rules():
    config = SimConfig(days=3, organisation={"teams": 2, "employees_per_team": 4}, market={"customers_per_team": 50})
    model = BaselineModel(config, seed=1)
    assert len(model.agents_by_type[BaselineCustomer]) == 100
    assert len(model.agents_by_type[BaselineEmployee]) == 8 + 2  # two teams of 4 and a back office of 2
    frame = run_baseline(config, seed=1)
    assert len(frame) == 3
    assert frame["customers"].between(80, 120).all()
    assert frame["satisfaction"].between(0, 1).all() and frame["engagement"].between(0, 1).all()


def test_scaling_keeps_the_reference_proportions():
    assert scaling.organisation_for(20_000) == (10, 2000, 15)
    assert scaling.organisation_for(1_000_000) == (500, 2000, 15)
    assert scaling.organisation_for(1000) == (1, 1000, 8)


def test_fingerprints_tell_one_bit_apart():
    import pandas as pd

    frame = pd.DataFrame({"x": np.array([0.1, 0.2])})
    nudged = pd.DataFrame({"x": np.array([0.1, np.nextafter(0.2, 1.0)])})
    assert fingerprint.frame_hash(frame) == fingerprint.frame_hash(frame.copy())
    assert fingerprint.frame_hash(frame) != fingerprint.frame_hash(nudged)
    assert fingerprint.summary_hash({"a": 0.2}) != fingerprint.summary_hash({"a": float(np.nextafter(0.2, 1.0))})


def test_fingerprint_of_a_short_run_is_reproducible():
    configs = {"small": ("organisation=small", "market.customers_per_team=100")}
    first = fingerprint.fingerprints(configs, seeds=(0,), days=5)
    assert first == fingerprint.fingerprints(configs, seeds=(0,), days=5)


@pytest.mark.parametrize("module, argv", [
    ("benchmarks.reference", ["--repeats", "1", "--days", "3"]),
    ("benchmarks.sweep", ["--runs", "2", "--workers", "1", "--days", "3"]),
    ("benchmarks.scaling", ["--customers", "300", "--days", "3"]),
])
def test_each_part_runs_alone(module, argv, monkeypatch, capsys):
    import importlib

    monkeypatch.setattr("sys.argv", [module, *argv])
    importlib.import_module(module).main()
    assert capsys.readouterr().out.strip()


def test_compare_races_another_commit_against_the_working_tree(capsys):
    import shutil
    import subprocess

    from benchmarks import compare

    if shutil.which("git") is None or subprocess.run(["git", "-C", str(compare.REPOSITORY), "rev-parse", "HEAD"],
                                                     capture_output=True).returncode != 0:
        pytest.skip("not a git checkout")
    assert compare.main(["--before-commit", "HEAD", "--repeats", "1", "--days", "2", "--teams", "1"]) == 0
    assert "speed-up" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="not-a-commit"):
        compare.main(["--before-commit", "not-a-commit", "--repeats", "1", "--days", "2"])
