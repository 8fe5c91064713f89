"""Sensitivity analysis: known indices through our pipeline, and the command end to end."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis_cli import TINY, run_command
from experiments.sensitivity import Settings, analyse, drivers_in_words, sample_design

# Ishigami (a = 7, b = 0.1): the analytical first-order and total indices.
ISHIGAMI_S1 = np.array([0.3139, 0.4424, 0.0])
ISHIGAMI_ST = np.array([0.5576, 0.4424, 0.2437])


def ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_indices_of_ishigami_come_out_right():
    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    settings = Settings(method="sobol", base_samples=2048, sample_seed=1)
    design = sample_design("sobol", problem, settings)
    assert design.shape == (2048 * 5, 3)
    indices = analyse("sobol", problem, design, ishigami(design), settings, "y")
    np.testing.assert_allclose(indices["S1"], ISHIGAMI_S1, atol=0.04)
    np.testing.assert_allclose(indices["ST"], ISHIGAMI_ST, atol=0.04)
    assert (indices["ST_conf"] < 0.1).all()
    words = drivers_in_words("sobol", indices, top=2)
    assert words[0].startswith("- **y**") and words[0].index("x1") < words[0].index("x2") and "x3" not in words[0]


def test_morris_mu_star_is_the_change_across_the_whole_range():
    problem = {"num_vars": 2, "names": ["slope3", "inert"], "bounds": [[0, 2], [0, 1]]}
    settings = Settings(trajectories=12)
    design = sample_design("morris", problem, settings)
    indices = analyse("morris", problem, design, 3 * design[:, 0], settings, "y")
    assert indices["mu_star"].tolist() == pytest.approx([6.0, 0.0])


def test_an_outcome_that_does_not_vary_or_is_undefined_is_reported_not_crashed():
    problem = {"num_vars": 2, "names": ["a", "b"], "bounds": [[0, 1], [0, 1]]}
    settings = Settings(trajectories=4)
    design = sample_design("morris", problem, settings)
    indices = analyse("morris", problem, design, np.zeros(len(design)), settings, "flat")
    assert indices["mu_star"].isna().all()
    assert "did not vary" in drivers_in_words("morris", indices)[0]
    response = np.where(design[:, 0] > 0.5, np.nan, design[:, 1])
    undefined = analyse("morris", problem, design, response, settings, "partly")
    assert undefined["mu_star"].isna().all()
    assert f"undefined (NaN) at {int(np.isnan(response).sum())} of {len(design)}" in drivers_in_words(
        "morris", undefined)[0]


@pytest.mark.slow
def test_morris_command_end_to_end_in_parallel_and_rerun_from_its_saved_config(tmp_path):
    out = tmp_path / "morris"
    done = run_command("sensitivity", "method=morris", *TINY, "params=[policy.pressure,policy.appreciation,"
                       "policy.training]", "trajectories=3", "outcomes=[loyalty_end,burnout_share_end]",
                       "workers=2", "chunk_size=3", f"hydra.run.dir={out}", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    indices = pd.read_csv(out / "indices.csv")
    assert len(indices) == 6 and set(indices["outcome"]) == {"loyalty_end", "burnout_share_end"}
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 3 * 4 and runs["ok"].all()
    report = (out / "report.md").read_text()
    assert "the top drivers are" in report and (out / "morris_loyalty_end.png").stat().st_size > 1000
    again = tmp_path / "again"
    done = run_command("sensitivity", "--config-path", str(out / ".hydra"), "--config-name", "config", "workers=1",
                       f"hydra.run.dir={again}", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    pd.testing.assert_frame_equal(pd.read_csv(again / "indices.csv"), indices)


@pytest.mark.slow
def test_sobol_command_end_to_end(tmp_path):
    out = tmp_path / "sobol"
    done = run_command("sensitivity", "method=sobol", *TINY, "params=[policy.pressure,policy.appreciation]",
                       "base_samples=4", "outcomes=[loyalty_end]", "workers=1", f"hydra.run.dir={out}", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    indices = pd.read_csv(out / "indices.csv")
    assert list(indices.columns) == ["outcome", "parameter", "note", "S1", "S1_conf", "ST", "ST_conf"]
    assert len(pd.read_parquet(out / "runs.parquet")) == 4 * (2 + 2)
    assert "with interactions" in (out / "report.md").read_text()


@pytest.mark.parametrize("bad, message", [
    ("method=fast", "method = 'fast' is not allowed"),
    ("params=[policy.presure]", "'policy.presure' is not a parameter to vary"),
    ("outcomes=[loyalty]", "'loyalty' is not a known outcome"),
    ("bounds={policy.pressure: [0.2, 1.4]}", "bounds.policy.pressure = [0.2, 1.4] is not allowed"),
    ("base_samples=100", "base_samples = 100 is not allowed"),
    ("policy.pressure=2", "policy.pressure = 2.0 is out of range"),
])
def test_bad_input_exits_non_zero_and_writes_nothing(tmp_path, bad, message):
    out = tmp_path / "never"
    done = run_command("sensitivity", bad, f"hydra.run.dir={out}", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr
    assert not out.exists() and not (tmp_path / "outputs").exists()
