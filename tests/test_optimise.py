"""Optimisation: known optima are found through the pipeline; the command runs, reports and resumes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis_cli import TINY, run_command, tiny_config
from experiments.optimise import Constraint, Objective, Settings, pareto_front, recommend, run_optimisation
from experiments.outcomes import OUTCOMES
from experiments.ranges import select


def bowl(config, seed):
    """A known landscape over two levers: profit peaks at pressure 0.3, appreciation 0.7; burnout = pressure."""
    pressure, appreciation = config.policy.pressure, config.policy.appreciation
    values = dict.fromkeys(OUTCOMES, 0.0)
    values.update(profit_total=-((pressure - 0.3) ** 2 + (appreciation - 0.7) ** 2),
                  loyalty_end=pressure + appreciation, burnout_share_end=pressure, turnover_per_year=1 - appreciation)
    return values


def optimise(tmp_path, objectives, constraints, trials=40, name="known"):
    settings = Settings(trials=trials, seeds=1, study_dir=str(tmp_path / "studies"), study_name=name, workers=1,
                        progress=False)
    ranges = select(["policy.pressure", "policy.appreciation"])
    return run_optimisation(tiny_config(), 0, settings, ranges, objectives, constraints, tmp_path / name, bowl)


@pytest.mark.slow
def test_the_optimiser_finds_a_known_optimum(tmp_path):
    result = optimise(tmp_path, [Objective("profit_total", "maximize")], [])
    (name, best), = result["recommended"]
    assert best["policy.pressure"] == pytest.approx(0.3, abs=0.08)
    assert best["policy.appreciation"] == pytest.approx(0.7, abs=0.08)
    assert "pressure" in (tmp_path / "known" / "report.md").read_text()


@pytest.mark.slow
def test_the_optimiser_finds_a_known_optimum_on_a_constraint(tmp_path):
    """Maximise loyalty = pressure + appreciation with burnout (= pressure) <= 0.5: the optimum is (0.5, 1)."""
    result = optimise(tmp_path, [Objective("loyalty_end", "maximize")], [Constraint("burnout_share_end", max=0.5)])
    (name, best), = result["recommended"]
    assert 0.4 <= best["policy.pressure"] <= 0.5 and best["policy.appreciation"] >= 0.85
    trials = result["trials"]
    assert not trials.loc[trials["policy.pressure"] > 0.5, "feasible"].any()


@pytest.mark.slow
def test_multi_objective_front_is_feasible_and_non_dominated(tmp_path):
    objectives = [Objective("profit_total", "maximize"), Objective("burnout_share_end", "minimize")]
    result = optimise(tmp_path, objectives, [Constraint("turnover_per_year", max=0.5)], trials=30, name="front")
    front, trials = result["front"], result["trials"]
    assert len(front) >= 2 and front["feasible"].all()
    gains = trials[trials["feasible"]][["profit_total", "burnout_share_end"]].to_numpy() * [1, -1]
    for row in front[["profit_total", "burnout_share_end"]].to_numpy() * [1, -1]:
        assert not (np.all(gains >= row, axis=1) & np.any(gains > row, axis=1)).any()
    names = [name for name, _ in result["recommended"]]
    assert any("best profit_total" in n for n in names) and any("best burnout_share_end" in n for n in names)


def test_pareto_front_and_recommendations_on_a_small_table():
    points = np.array([[1.0, 5.0], [2.0, 4.0], [1.5, 3.0], [3.0, 1.0]])
    assert pareto_front(points, ["maximize", "maximize"]).tolist() == [True, True, False, True]
    assert pareto_front(points, ["maximize", "minimize"]).tolist() == [False, False, False, True]
    front = pd.DataFrame({"trial": [0, 1, 3], "a": [1.0, 2.0, 3.0], "b": [5.0, 4.0, 1.0]})
    picks = dict(recommend(front, [Objective("a", "maximize"), Objective("b", "maximize")]))
    assert picks["best a"]["trial"] == 3 and picks["best b"]["trial"] == 0 and picks["balanced"]["trial"] == 1


@pytest.mark.slow
def test_optimise_command_end_to_end_and_resume(tmp_path):
    common = [*TINY, "params=[policy.pressure,policy.appreciation]", "seeds=1", "workers=1",
              f"study_dir={tmp_path / 'studies'}", "study_name=policy"]
    first = run_command("optimise", *common, "trials=4", f"hydra.run.dir={tmp_path / 'first'}", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    second = run_command("optimise", *common, "trials=7", f"hydra.run.dir={tmp_path / 'second'}", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    trials = pd.read_csv(tmp_path / "second" / "trials.csv")
    assert trials["trial"].tolist() == list(range(7))
    report = (tmp_path / "second" / "report.md").read_text()
    assert "## Recommended policies" in report and "burnout_share_end <= 10.0%" in report
    assert "**the current settings** (trial 0)" in report
    assert trials.loc[0, "current"] and trials.loc[0, "policy.pressure"] == 0.4 and not trials["current"][1:].any()
    assert (tmp_path / "second" / "front.png").stat().st_size > 1000


@pytest.mark.parametrize("bad, message", [
    ("objectives=[{outcome: profit, direction: maximize}]", "'profit' is not a known outcome"),
    ("objectives=[{outcome: profit_total, direction: up}]", "direction = 'up' is not allowed"),
    ("constraints=[{outcome: burnout_share_end}]", "constraints[0]"),
    ("sampler=grid", "sampler = 'grid' is not allowed"),
    ("trials=0", "trials = 0 is not allowed"),
])
def test_bad_input_exits_non_zero_and_writes_nothing(tmp_path, bad, message):
    done = run_command("optimise", bad, f"study_dir={tmp_path / 'studies'}", f"hydra.run.dir={tmp_path / 'never'}",
                       cwd=tmp_path)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert not (tmp_path / "never").exists() and not (tmp_path / "studies").exists()
