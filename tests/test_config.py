"""The config tree: validation of every field, events, composition of the presets."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import sim
from sim.config import (ConfigError, Event, PolicyConfig, SimConfig, from_dict, iter_params, param_info,
                        to_dict)

PRESETS = sorted(p.stem for p in (Path(__file__).parent.parent / "configs" / "policy").glob("*.yaml"))


def test_defaults_are_valid_and_every_field_is_documented():
    config = SimConfig()
    paths = [path for path, _, _ in iter_params(config)]
    assert len(paths) > 80
    for path, f, value in iter_params(config):
        low, high = f.metadata["range"]
        assert low <= value <= high, path
        assert f.metadata["help"], path
        ev_low, ev_high = f.metadata["evidence"]
        assert low <= ev_low <= ev_high <= high, path


@pytest.mark.parametrize("path, value", [
    ("policy.pressure", 1.5), ("policy.pressure", -0.1), ("policy.loyalty_discount", 0.3),
    ("policy.staffing", 0.1), ("organisation.teams", 0), ("market.demand_multiplier", float("nan")),
    ("behaviour.loss_aversion", 0.5), ("economics.hiring_cost", -1.0),
])
def test_out_of_range_values_are_rejected_with_field_value_and_range(path, value):
    with pytest.raises(ConfigError) as error:
        SimConfig().with_path(path, value)
    message = str(error.value)
    assert path in message and repr(value) in message and "expected" in message


@pytest.mark.parametrize("value", ["high", None, True, [0.5]])
def test_wrong_types_are_rejected(value):
    with pytest.raises(ConfigError, match="policy.pressure"):
        PolicyConfig(pressure=value)


def test_integer_fields_reject_fractions():
    with pytest.raises(ConfigError, match="organisation.teams = 2.5"):
        from_dict({"organisation": {"teams": 2.5}})


def test_unknown_keys_are_rejected_by_name():
    with pytest.raises(ConfigError, match="policy.presure is not a known field"):
        from_dict({"policy": {"presure": 0.5}})
    with pytest.raises(ConfigError, match="colour is not a known config key"):
        from_dict({"colour": "red"})


def test_roundtrip_through_a_plain_dict():
    config = SimConfig(policy=PolicyConfig(pressure=0.7), events=(Event(5, {"policy.appreciation": 0.9}),))
    assert from_dict(to_dict(config)) == config


def test_events_are_validated_before_the_run():
    with pytest.raises(ConfigError, match=r"events\[0\].day = 730 is outside the run"):
        SimConfig(events=(Event(730, {"policy.pressure": 0.8}),))
    with pytest.raises(ConfigError, match="'policy.pressur' is not a config path"):
        SimConfig(events=(Event(3, {"policy.pressur": 0.8}),))
    with pytest.raises(ConfigError, match="policy.pressure = 2.0 is out of range"):
        SimConfig(events=(Event(3, {"policy.pressure": 2.0}),))
    with pytest.raises(ConfigError, match="fixed when the run starts"):
        SimConfig(events=(Event(3, {"organisation.teams": 20}),))
    with pytest.raises(ConfigError, match="not an event"):
        SimConfig(events=("raise pressure",))
    with pytest.raises(ConfigError, match="non-empty mapping"):
        SimConfig(events=(Event(3, {}),))


def test_events_in_yaml_shape_are_accepted():
    config = SimConfig(events=({"day": 90, "set": {"policy.pressure": 0.8, "market.demand_multiplier": 1.2}},))
    assert config.events == (Event(90, {"policy.pressure": 0.8, "market.demand_multiplier": 1.2}),)


def test_param_info_reports_range_unit_and_help():
    info = param_info("policy.pressure")
    assert info["range"] == (0.0, 1.0) and info["unit"] == "0-1" and "standard" in info["help"]


@pytest.mark.parametrize("preset", PRESETS)
def test_every_policy_preset_composes(preset):
    config = sim.load_config(f"policy={preset}")
    assert isinstance(config, SimConfig)


def test_presets_differ_from_baseline_where_they_say():
    base = sim.load_config("policy=baseline").policy
    assert sim.load_config("policy=high_pressure").policy.pressure > base.pressure
    assert sim.load_config("policy=appreciation_first").policy.appreciation > base.appreciation
    assert sim.load_config("policy=veneer").policy.display_rules > base.display_rules
    assert sim.load_config("policy=empowerment").policy.autonomy > base.autonomy
    assert sim.load_config("policy=loyalty_card").policy.loyalty_discount > 0
    assert sim.load_config("policy=cocreation").policy.vision_cocreation > base.vision_cocreation
    assert sim.load_config("policy=reactive").policy.reactive_management > 0
    veneer = sim.load_config("policy=veneer").policy
    changed = [f.name for f in dataclasses.fields(veneer) if getattr(veneer, f.name) != getattr(base, f.name)]
    assert changed == ["display_rules"]  # strict display rules and nothing else


def test_load_config_composes_like_the_cli():
    config = sim.load_config("policy=high_pressure", "policy.appreciation=0.8", "days=365")
    assert (config.policy.pressure, config.policy.appreciation, config.days) == (0.8, 0.8, 365)
    assert sim.load_config() == SimConfig()


@pytest.mark.parametrize("override, fragment", [
    ("policy.presure=0.3", "policy.presure"), ("policy.pressure=1.7", "policy.pressure = 1.7"),
    ("policy=nonexistent", "policy/nonexistent"), ("days=abc", "days"),
    ("organisation.teams=-3", "organisation.teams = -3"),
])
def test_load_config_rejects_bad_overrides_clearly(override, fragment):
    with pytest.raises(ConfigError) as error:
        sim.load_config(override)
    assert fragment in str(error.value)


def test_reference_docs_are_up_to_date():
    """docs/configuration.md and docs/outputs.md are generated from the code; regenerate after changes."""
    from experiments.reference_docs import main

    assert main(["--check"]) == 0, "run: python -m experiments.reference_docs"
