"""Sampling ranges come from the config metadata, once; selections and overrides are checked."""

from __future__ import annotations

import dataclasses

import pytest

from experiments import ranges
from sim.config import ConfigError, PolicyConfig, SimConfig, iter_params, param_info


def test_levers_are_the_policy_fields_over_their_allowed_range():
    levers = ranges.select(["levers"])
    assert [r.path for r in levers] == [f"policy.{f.name}" for f in dataclasses.fields(PolicyConfig)
                                        if "range" in f.metadata]
    for r in levers:
        assert (r.low, r.high) == tuple(param_info(r.path)["range"]) and r.kind == "lever"
    assert next(r for r in levers if r.path == "policy.hiring_delay_days").integer


def test_uncertainties_are_the_fields_with_a_narrower_evidence_range_sampled_over_it():
    uncertain = ranges.select(["uncertainties"])
    expected = [path for path, f, _ in iter_params()
                if tuple(f.metadata["evidence"]) != tuple(f.metadata["range"])]
    assert [r.path for r in uncertain] == expected and len(expected) > 10
    engagement = next(r for r in uncertain if r.path == "behaviour.engagement_base")
    assert (engagement.low, engagement.high) == tuple(param_info("behaviour.engagement_base")["evidence"])
    assert all(r.kind == "uncertainty" for r in uncertain)


def test_selection_by_section_and_path_keeps_order_without_repeats():
    chosen = ranges.expand(["policy.pressure", "policy", "behaviour.engagement_base"])
    assert chosen[0] == "policy.pressure" and chosen.count("policy.pressure") == 1
    assert chosen[-1] == "behaviour.engagement_base"


@pytest.mark.parametrize("selection, bounds, message", [
    (["policy.presure"], None, "'policy.presure' is not a parameter to vary"),
    ([], None, "no parameter to vary"),
    (["policy.pressure"], {"policy.pressure": [0.2, 1.5]}, "within [0.0, 1.0]"),
    (["policy.pressure"], {"policy.pressure": [0.8, 0.2]}, "expected low < high"),
    (["policy.pressure"], {"policy.apreciation": [0.2, 0.4]}, "bounds.policy.apreciation: not a parameter"),
    (["policy.pressure"], {"policy.pressure": "wide"}, "expected [low, high]"),
])
def test_bad_selections_and_bounds_are_refused_by_name(selection, bounds, message):
    with pytest.raises(ConfigError) as error:
        ranges.select(selection, bounds)
    assert message in str(error.value)


def test_user_bounds_override_the_metadata_and_values_become_valid_config_values():
    (staffing, delay) = ranges.select(["policy.staffing", "policy.hiring_delay_days"],
                                      {"policy.staffing": [0.8, 1.5]})
    assert (staffing.low, staffing.high) == (0.8, 1.5)
    values = ranges.values_of([staffing, delay], [1.2, 10.6])
    assert values == {"policy.staffing": 1.2, "policy.hiring_delay_days": 11}
    config = ranges.apply(SimConfig(), values)
    assert config.policy.staffing == 1.2 and config.policy.hiring_delay_days == 11
    problem = ranges.problem([staffing, delay])
    assert problem["names"] == ["policy.staffing", "policy.hiring_delay_days"]
    assert problem["bounds"][1] == list(param_info("policy.hiring_delay_days")["range"])


def test_the_analysis_guide_lists_every_outcome():
    from pathlib import Path

    from experiments.outcomes import OUTCOMES

    guide = (Path(__file__).resolve().parent.parent / "docs" / "analysis.md").read_text()
    missing = [name for name in OUTCOMES if f"| `{name}` |" not in guide]
    assert not missing, f"docs/analysis.md does not list: {missing}"
