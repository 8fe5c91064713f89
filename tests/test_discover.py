"""Scenario discovery: a planted collapse region is found and stated in words; the command runs end to end."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis_cli import TINY, run_command, tiny_config
from experiments.discover import Settings, box_in_words, find_boxes, latin_hypercube, run_discovery
from experiments.outcomes import OUTCOMES
from experiments.ranges import select


def planted(config, seed):
    """Loyalty collapses exactly when pressure > 0.7 and appreciation < 0.3."""
    values = dict.fromkeys(OUTCOMES, 0.0)
    collapse = config.policy.pressure > 0.7 and config.policy.appreciation < 0.3
    values["loyalty_end"] = 0.4 if collapse else 0.9
    return values


def test_the_planted_collapse_region_is_found_through_the_pipeline(tmp_path):
    ranges = select(["policy.pressure", "policy.appreciation", "policy.training", "policy.autonomy"])
    settings = Settings(samples=400, workers=1, progress=False, threshold=0.6, min_density=0.9)
    boxes = run_discovery(tiny_config(), 0, settings, ranges, tmp_path, planted)
    first = boxes[0]
    assert set(first.limits) == {"policy.pressure", "policy.appreciation"}
    assert first.limits["policy.pressure"][0] == pytest.approx(0.7, abs=0.05)
    assert first.limits["policy.appreciation"][1] == pytest.approx(0.3, abs=0.05)
    assert first.density >= 0.9 and first.coverage >= 0.8
    words = box_in_words(first, settings)
    assert "when policy.pressure > 0.7" in words and "policy.appreciation < 0.3" in words
    assert "loyalty_end falls below 0.6" in words
    table = pd.read_csv(tmp_path / "boxes.csv")
    assert set(table.loc[table["box"] == 1, "parameter"]) == {"policy.pressure", "policy.appreciation"}
    assert (table["quasi_p"] < 0.05).all()
    assert "Box 1" in (tmp_path / "report.md").read_text() and (tmp_path / "box_1.png").exists()


def test_no_box_is_claimed_when_nothing_collapses(tmp_path):
    ranges = select(["policy.pressure", "policy.appreciation"])
    settings = Settings(samples=30, workers=1, progress=False, threshold=0.1)
    assert run_discovery(tiny_config(), 0, settings, ranges, tmp_path, planted) == []
    assert "PRIM found no box" in (tmp_path / "report.md").read_text()


def test_latin_hypercube_covers_each_range_once_per_stratum():
    ranges = select(["policy.pressure", "policy.staffing"])
    design = latin_hypercube(ranges, 20, seed=3)
    for column, r in zip(design.T, ranges):
        strata = np.floor((column - r.low) / (r.high - r.low) * 20).astype(int)
        assert sorted(strata) == list(range(20))


def test_find_boxes_on_noisy_data_keeps_the_required_density():
    rng = np.random.default_rng(0)
    inputs = pd.DataFrame({"a": rng.random(800), "b": rng.random(800), "c": rng.random(800)})
    of_interest = ((inputs["a"] < 0.4) & (inputs["c"] > 0.5)).to_numpy() | (rng.random(800) < 0.05)
    boxes = find_boxes(inputs, of_interest, Settings(min_density=0.8))
    assert boxes and boxes[0].density >= 0.8 and set(boxes[0].limits) >= {"a", "c"}


@pytest.mark.slow
def test_discover_command_end_to_end(tmp_path):
    out = tmp_path / "discover"
    done = run_command("discover", *TINY, "params=[levers]", "samples=24", "threshold=0.78", "workers=1",
                       f"hydra.run.dir={out}", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 24 and runs["ok"].all() and "of_interest" in runs
    assert "loyalty_end ended below 0.78" in (out / "report.md").read_text()
    assert (out / "boxes.csv").exists() and (out / ".hydra" / "config.yaml").exists()


@pytest.mark.parametrize("bad, message", [
    ("outcome=loyalty", "'loyalty' is not a known outcome"),
    ("samples=3", "samples = 3 is not allowed"),
    ("min_density=1.5", "min_density = 1.5 is not allowed"),
    ("params=[behaviour.nothing]", "'behaviour.nothing' is not a parameter to vary"),
])
def test_bad_input_exits_non_zero_and_writes_nothing(tmp_path, bad, message):
    done = run_command("discover", bad, f"hydra.run.dir={tmp_path / 'never'}", cwd=tmp_path)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert not (tmp_path / "never").exists()


def test_weak_restrictions_are_counted_not_spelled_out():
    from experiments.discover import Box

    box = Box(1, {"policy.appreciation": (None, 0.63), "policy.autonomy": (None, 0.95), "policy.training": (0.1, 0.8)},
              coverage=0.77, density=0.82, mass=0.4, runs=60,
              quasi_p={"policy.appreciation": 0.004, "policy.autonomy": 0.3, "policy.training": 0.4},
              core_density=0.59, core_runs=94)
    words = box_in_words(box, Settings(threshold=0.6))
    assert "when policy.appreciation < 0.63 (and 2 weaker restrictions, quasi-p > 0.05)" in words
    assert "autonomy" not in words and "in 82% of runs" in words
    assert "With the significant restriction alone: 59% of 94 runs." in words
    weak = Box(2, {"policy.autonomy": (None, 0.95)}, 0.2, 0.8, 0.1, 10, {"policy.autonomy": 0.3})
    assert "treat this box as weak" in box_in_words(weak, Settings())
