"""Calibration: targets are checked, known coefficients are recovered, studies resume."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

import sim

from analysis_cli import TINY, run_command
from experiments.calibrate import Settings, Target, load_targets, loss, run_calibration
from experiments.outcomes import measure
from experiments.ranges import apply, select
from sim.config import ConfigError


def write_targets(path, targets):
    path.write_text(yaml.safe_dump({"targets": targets}))
    return path


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    ("targets: [unclosed", "cannot be read"),
    ("just text", "has no 'targets' mapping"),
    ("targets: {engagement: {value: 0.6, tolerance: 0.1}}", "'engagement' is not a known outcome"),
    ("targets: {engagement_mean: {value: 0.6, tolerance: 0}}", "tolerance = 0 is not allowed"),
    ("targets: {engagement_mean: {value: high, tolerance: 0.1}}", "value = 'high' is not allowed"),
    ("targets: {engagement_mean: {value: 0.6, tolerance: 0.1, wieght: 2}}", "is not allowed"),
])
def test_bad_target_files_are_refused_with_the_reason(tmp_path, content, message):
    path = tmp_path / "targets.yaml"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ConfigError) as error:
        load_targets(path)
    assert message in str(error.value)


def test_the_shipped_example_targets_load():
    targets = load_targets("configs/targets/example.yaml")
    assert {t.outcome for t in targets} >= {"engagement_mean", "turnover_per_year", "churn_per_year",
                                             "customer_centricity_engaged", "customer_centricity_other"}


def test_loss_is_the_weighted_mean_squared_miss_in_tolerances():
    targets = [Target("engagement_mean", 0.6, 0.1, 1.0), Target("churn_per_year", 0.2, 0.05, 3.0)]
    assert loss({"engagement_mean": 0.8, "churn_per_year": 0.2}, targets) == pytest.approx(4.0 / 4)
    assert loss({"engagement_mean": float("nan"), "churn_per_year": 0.2}, targets) == float("inf")


@pytest.mark.slow
def test_calibration_recovers_coefficients_from_data_the_model_made(tmp_path):
    truth = {"behaviour.engagement_base": 0.66, "behaviour.exhaustion_base": 0.27}
    # many small teams: enough employees that the two means respond smoothly to the coefficients
    config = sim.load_config("organisation.teams=20", "market.customers_per_team=50", "days=180")
    made = measure(apply(config, truth), 0)
    targets = [Target("engagement_mean", made["engagement_mean"], 0.003),
               Target("exhaustion_mean", made["exhaustion_mean"], 0.003)]
    ranges = select(list(truth))
    settings = Settings(trials=45, seeds=1, holdout_seeds=2, study_dir=str(tmp_path / "studies"),
                        study_name="recover", workers=1, progress=False)
    result = run_calibration(config, 0, settings, ranges, targets, tmp_path / "out")
    for path, value in truth.items():
        assert result["fitted"][path] == pytest.approx(value, abs=0.02), result
    assert result["loss"] < 1.0, result  # on average within one tolerance of the data
    fitted = yaml.safe_load((tmp_path / "out" / "fitted.yaml").read_text())
    assert set(fitted["fitted"]) == set(truth) and len(fitted["overrides"]) == 2
    assert set(pd.read_csv(tmp_path / "out" / "fit.csv")["seeds"]) == {"fitting", "held-out"}


@pytest.mark.slow
def test_calibrate_command_end_to_end_and_resume(tmp_path):
    targets = write_targets(tmp_path / "firm.yaml", {"engagement_mean": {"value": 0.62, "tolerance": 0.02},
                                                     "turnover_per_year": {"value": 0.3, "tolerance": 0.1}})
    common = [*TINY, f"targets_file={targets}", "params=[behaviour.engagement_base]", "seeds=1",
              "holdout_seeds=1", "workers=1", f"study_dir={tmp_path / 'studies'}", "study_name=firm"]
    first = run_command("calibrate", *common, "trials=3", f"hydra.run.dir={tmp_path / 'first'}", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert len(pd.read_csv(tmp_path / "first" / "trials.csv")) == 3
    second = run_command("calibrate", *common, "trials=5", f"hydra.run.dir={tmp_path / 'second'}", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    trials = pd.read_csv(tmp_path / "second" / "trials.csv")
    assert trials["number"].tolist() == [0, 1, 2, 3, 4]
    report = (tmp_path / "second" / "report.md").read_text()
    assert "behaviour.engagement_base =" in report and "held-out" in report
    assert "The scenario's own values (trial 0) gave a loss of" in report
    assert trials.loc[0, "params_behaviour.engagement_base"] == 0.6
    other = run_command("calibrate", *[c for c in common if not c.startswith("params")],
                        "params=[behaviour.exhaustion_base]", "trials=5", f"hydra.run.dir={tmp_path / 'third'}",
                        cwd=tmp_path)
    assert other.returncode == 1 and "was made for a different problem" in other.stderr
    assert not (tmp_path / "third" / "report.md").exists()


def test_a_missing_target_file_exits_non_zero_and_writes_nothing(tmp_path):
    done = run_command("calibrate", "targets_file=nowhere.yaml", f"study_dir={tmp_path / 'studies'}",
                       f"hydra.run.dir={tmp_path / 'never'}", cwd=tmp_path)
    assert done.returncode == 2 and "targets_file = 'nowhere.yaml': no such file" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "never").exists() and not (tmp_path / "studies").exists()
