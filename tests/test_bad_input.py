"""Bad input at every entry point: a clear message (field, value, what is allowed), a non-zero exit, nothing written.

Entry points: the `python -m experiments.run` command line (in a subprocess, in an empty working
directory), `sim.load_config`, `sim.SimConfig(...)` and `sim.Event(...)`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import sim
import sim.compose
from sim import Event, SimConfig
from sim.config import ConfigError, from_dict
from tests.test_run_cli import run_cli

ROOT = Path(__file__).resolve().parent.parent
EVENT = "{day: 3, set: {policy.pressure: 0.8}}"

# (override, fragments the message must contain: the field, the value, what is allowed)
BAD_OVERRIDES = [
    ("policy.pressure=high", ["policy.pressure", "'high'", "a number in [0.0, 1.0]"]),
    ("policy.pressure=1.7", ["policy.pressure = 1.7", "a number in [0.0, 1.0]"]),
    ("organisation.teams=2.5", ["organisation.teams", "2.5", "an integer in [1, 10000]"]),
    ("organisation.teams=-3", ["organisation.teams = -3", "an integer in [1, 10000]"]),
    ("market.demand_multiplier=nan", ["market.demand_multiplier = nan", "a number in [0.0, 5.0]"]),
    ("days=0", ["days = 0", "an integer in [1, 36500]"]),
    ("days=abc", ["days", "'abc'", "an integer in [1, 36500]"]),
    ("seed=-1", ["seed = -1", "a non-negative integer"]),
    ("policy.presure=0.5", ["policy.presure", "'presure' not in", "policy has: appreciation", "pressure"]),
    ("+colour=red", ["colour is not a known config key", "organisation"]),
    ("policy=nonsense", ["policy/nonsense", "Available options in 'policy'", "high_pressure"]),
    ("organisation=huge", ["organisation/huge", "small"]),
    ("policy.pressure=[", ["cannot parse the overrides", "policy.pressure=["]),
    ("events=oops", ["events = 'oops'", "a list of events"]),
    ("events=[{day: 5}]", ["events[0].set = {}", "non-empty mapping"]),
    ("events=[{when: 5, set: {policy.pressure: 0.8}}]", ["events[0]", "'when'", "is not an event", "day: <int>"]),
    ("events=[{day: five, set: {policy.pressure: 0.8}}]", ["events[0].day = 'five'", "an integer"]),
    ("events=[{day: 40, set: {policy.pressure: 0.8}}]", ["events[0].day = 40", "outside the run", "[0, 39]"]),
    ("events=[{day: -1, set: {policy.pressure: 0.8}}]", ["day = -1", "non-negative integer"]),
    ("events=[{day: 3, set: {policy.presure: 0.8}}]", ["'policy.presure' is not a config path", "pressure"]),
    ("events=[{day: 3, set: {policy.pressure: 2}}]", ["policy.pressure = 2", "a number in [0.0, 1.0]"]),
    ("events=[{day: 3, set: {organisation.teams: 5}}]", ["organisation.teams", "fixed when the run starts"]),
    ("events=[{day: 3, set: {days: 5}}]", ["'days'", "fixed when the run starts"]),
]


def assert_clear(message: str, fragments: list[str]) -> None:
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} missing from:\n{message}"
    assert "Traceback" not in message, message


@pytest.mark.slow
@pytest.mark.parametrize("override, fragments", BAD_OVERRIDES, ids=[o for o, _ in BAD_OVERRIDES])
def test_the_command_line_rejects_bad_input_clearly_and_writes_nothing(tmp_path, override, fragments):
    done = run_cli("days=40", override, cwd=tmp_path)  # default output dir: outputs/ under the working dir
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.startswith("error: ")
    assert_clear(done.stderr, fragments)
    assert list(tmp_path.iterdir()) == [], "something was written"


@pytest.mark.parametrize("override, fragments", BAD_OVERRIDES, ids=[o for o, _ in BAD_OVERRIDES])
def test_load_config_rejects_the_same_input_with_the_same_message(override, fragments):
    with pytest.raises(ConfigError) as error:
        sim.load_config("days=40", override)
    assert_clear(str(error.value), fragments)


def broken_config_dir(tmp_path: Path) -> Path:
    """A copy of configs/ with an extra policy file whose YAML is broken (an unclosed list)."""
    configs = tmp_path / "configs"
    shutil.copytree(ROOT / "configs", configs)
    (configs / "policy" / "broken.yaml").write_text("pressure: [0.5\nappreciation: 0.3\n")
    return configs


def test_broken_yaml_names_the_file_and_the_line(tmp_path, monkeypatch):
    monkeypatch.setattr(sim.compose, "CONFIG_DIR", broken_config_dir(tmp_path))
    with pytest.raises(ConfigError) as error:
        sim.load_config("policy=broken")
    assert_clear(str(error.value), ["not valid YAML", "broken.yaml", "line 1"])


@pytest.mark.slow
def test_broken_yaml_in_a_config_dir_stops_the_command_line_before_anything_is_written(tmp_path):
    extra = tmp_path / "mine"
    (extra / "policy").mkdir(parents=True)
    (extra / "policy" / "broken.yaml").write_text("pressure: [0.5\nappreciation: 0.3\n")
    work = tmp_path / "work"
    work.mkdir()
    done = run_cli("--config-dir", str(extra), "days=5", "policy=broken", cwd=work)
    assert done.returncode == 2, done.stderr
    assert_clear(done.stderr, ["not valid YAML", str(extra / "policy" / "broken.yaml"), "line 1"])
    assert list(work.iterdir()) == []


@pytest.mark.parametrize("kwargs, fragments", [
    ({"policy": "high"}, ["policy must be a PolicyConfig", "str"]),
    ({"policy": {"pressure": "high"}}, ["policy.pressure = 'high'", "a number in [0.0, 1.0]"]),
    ({"policy": {"presure": 0.5}}, ["policy.presure is not a known field", "pressure"]),
    ({"market": {"customers_per_team": 0}}, ["market.customers_per_team = 0", "an integer in [1, 10000000]"]),
    ({"days": "730"}, ["days = '730'", "an integer in [1, 36500]"]),
    ({"days": 10.5}, ["days = 10.5", "an integer"]),
    ({"events": "raise pressure"}, ["events = 'raise pressure'", "a list of events"]),
    ({"events": [{"day": 3}]}, ["events[0].set", "non-empty mapping"]),
    ({"days": 10, "events": [{"day": 10, "set": {"policy.pressure": 0.8}}]}, ["events[0].day = 10", "[0, 9]"]),
])
def test_simconfig_rejects_bad_values_clearly(kwargs, fragments):
    with pytest.raises(ConfigError) as error:
        SimConfig(**kwargs)
    assert_clear(str(error.value), fragments)


def test_from_dict_rejects_unknown_top_level_keys():
    with pytest.raises(ConfigError, match="colour is not a known config key; allowed: behaviour"):
        from_dict({"colour": "red"})


@pytest.mark.parametrize("day, settings, fragments", [
    ("3", {"policy.pressure": 0.8}, ["day = '3' (str)", "non-negative integer"]),
    (True, {"policy.pressure": 0.8}, ["day = True", "non-negative integer"]),
    (-1, {"policy.pressure": 0.8}, ["day = -1", "non-negative integer"]),
    (3, [("policy.pressure", 0.8)], ["set = [('policy.pressure', 0.8)]", "non-empty mapping"]),
    (3, {}, ["set = {}", "non-empty mapping"]),
    (3, {"policy.presure": 0.8}, ["'policy.presure' is not a config path", "policy has:", "pressure"]),
    (3, {"pressure": 0.8}, ["'pressure' is not a config path", "<section>.<field>"]),
    (3, {"policy.pressure": "high"}, ["policy.pressure = 'high'", "a number in [0.0, 1.0]"]),
    (3, {"policy.pressure": 1.5}, ["policy.pressure = 1.5", "a number in [0.0, 1.0]"]),
    (3, {"market.customers_per_team": 10}, ["market.customers_per_team", "fixed when the run starts"]),
])
def test_an_event_is_checked_where_it_is_written(day, settings, fragments):
    with pytest.raises(ConfigError) as error:
        Event(day=day, set=settings)
    assert_clear(str(error.value), fragments)


def test_valid_input_still_passes():
    """The checks above reject only what is wrong (numpy integers and the YAML event shape are fine)."""
    import numpy as np

    event = Event(day=np.int64(3), set={"policy.pressure": 0.8})
    assert event.day == 3 and type(event.day) is int
    config = SimConfig(days=10, events=[{"day": 9, "set": {"policy.pressure": 0.8}}])
    assert config.events == (Event(9, {"policy.pressure": 0.8}),)
