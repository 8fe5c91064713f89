"""Named experiments and their scenarios: the one place a scenario becomes a SimConfig.

An experiment file (`configs/experiment/<name>.yaml`) holds `name, title{en,nl},
summary{en,nl}, days, scenarios: [{name, label{en,nl}, overrides, events}], captions`
and optionally `seeds`. A scenario is `sim.load_config(*common, *overrides, f"days={days}")`
plus its timed events; compare, the dashboard and the tests all build it through
:func:`scenario_config`, so a scenario means the same thing everywhere.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any, Sequence

import yaml

from sim import Event, SimConfig, load_config
from sim.compose import CONFIG_DIR
from sim.config import ConfigError

EXPERIMENT_DIR = CONFIG_DIR / "experiment"
DEFAULT_SCENARIOS = ("baseline", "high_pressure", "appreciation_first")
DEFAULT_SEEDS = 20


@dataclasses.dataclass(frozen=True)
class Scenario:
    """One arm of an experiment: Hydra overrides plus timed events, with a label per language."""

    name: str
    label: dict[str, str]
    overrides: tuple[str, ...] = ()
    events: tuple[Event, ...] = ()


@dataclasses.dataclass(frozen=True)
class Experiment:
    """Scenarios compared over the same seeds; the first scenario is the baseline."""

    name: str
    title: dict[str, str]
    summary: dict[str, str]
    days: int
    scenarios: tuple[Scenario, ...]
    captions: tuple[dict[str, Any], ...] = ()
    seeds: int = DEFAULT_SEEDS


def experiment_names() -> list[str]:
    """The named experiments shipped in configs/experiment/."""
    return sorted(path.stem for path in EXPERIMENT_DIR.glob("*.yaml"))


def load_experiment(name_or_path: str | Path) -> Experiment:
    """Read a named experiment (`pressure_paradox`) or an experiment YAML file, validated."""
    path = Path(name_or_path)
    if path.suffix not in (".yaml", ".yml"):
        path = EXPERIMENT_DIR / f"{name_or_path}.yaml"
    if not path.is_file():
        raise ConfigError(f"experiment = {str(name_or_path)!r} is not known: expected one of "
                          f"{', '.join(experiment_names())} or a path to a YAML file")
    return experiment_from_dict(yaml.safe_load(path.read_text(encoding="utf-8")), where=str(path))


def _require(values: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in values:
        raise ConfigError(f"{where}.{key} is missing")
    value = values[key]
    if isinstance(value, bool) or not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ConfigError(f"{where}.{key} = {value!r} is not allowed: expected a {names}")
    return value


def _texts(value: Any, where: str) -> dict[str, str]:
    """A {language: text} mapping; a plain string is taken as English."""
    if isinstance(value, str):
        return {"en": value}
    if not isinstance(value, dict) or "en" not in value:
        raise ConfigError(f"{where} = {value!r} is not allowed: expected a string or a mapping with an 'en' text")
    return {str(k): str(v) for k, v in value.items()}


def experiment_from_dict(values: Any, where: str = "experiment") -> Experiment:
    """Validate an experiment mapping (as read from YAML or composed by Hydra)."""
    if not isinstance(values, dict):
        raise ConfigError(f"{where} = {values!r} is not an experiment: expected a mapping with name, days, scenarios")
    days = _require(values, "days", int, where)
    seeds = values.get("seeds", DEFAULT_SEEDS)
    _check_horizon(days, seeds, where)
    raw_scenarios = _require(values, "scenarios", list, where)
    if not raw_scenarios:
        raise ConfigError(f"{where}.scenarios is empty: expected at least one scenario")
    scenarios = tuple(_scenario(raw, f"{where}.scenarios[{i}]") for i, raw in enumerate(raw_scenarios))
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise ConfigError(f"{where}.scenarios names {names} are not unique")
    return Experiment(name=str(_require(values, "name", str, where)),
                      title=_texts(values.get("title", values["name"]), f"{where}.title"),
                      summary=_texts(values.get("summary", ""), f"{where}.summary"),
                      days=days, scenarios=scenarios, captions=tuple(values.get("captions") or ()), seeds=seeds)


def _check_horizon(days: Any, seeds: Any, where: str) -> None:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 36_500:
        raise ConfigError(f"{where}.days = {days!r} is out of range: expected an integer in [1, 36500]")
    if isinstance(seeds, bool) or not isinstance(seeds, int) or not 2 <= seeds <= 100_000:
        raise ConfigError(f"{where}.seeds = {seeds!r} is not allowed: expected an integer in [2, 100000] "
                          f"(a confidence interval needs two seeds or more)")


def with_horizon(experiment: Experiment, days: int | None = None, seeds: int | None = None) -> Experiment:
    """The experiment over another horizon or number of seeds (None keeps the experiment's own)."""
    days = experiment.days if days is None else days
    seeds = experiment.seeds if seeds is None else seeds
    _check_horizon(days, seeds, "compare")
    return dataclasses.replace(experiment, days=days, seeds=seeds)


def _scenario(raw: Any, where: str) -> Scenario:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} = {raw!r} is not a scenario: expected a mapping with name, overrides, events")
    overrides = raw.get("overrides") or []
    if not isinstance(overrides, list) or not all(isinstance(o, str) for o in overrides):
        raise ConfigError(f"{where}.overrides = {overrides!r} is not allowed: expected a list of Hydra overrides")
    events = raw.get("events") or []
    if not isinstance(events, list):
        raise ConfigError(f"{where}.events = {events!r} is not allowed: expected a list of {{day, set}}")
    name = str(_require(raw, "name", str, where))
    return Scenario(name=name, label=_texts(raw.get("label", name), f"{where}.label"), overrides=tuple(overrides),
                    events=tuple(_event(e, f"{where}.events[{i}]") for i, e in enumerate(events)))


def _event(raw: Any, where: str) -> Event:
    if not isinstance(raw, dict) or set(raw) != {"day", "set"} or not isinstance(raw["set"], dict):
        raise ConfigError(f"{where} = {raw!r} is not an event: expected {{day: <int>, set: {{<path>: <value>}}}}")
    return Event(day=raw["day"], set=dict(raw["set"]))


def ad_hoc_experiment(specs: Sequence[str], days: int, seeds: int = DEFAULT_SEEDS) -> Experiment:
    """Scenarios named on the command line: each a policy preset, optionally followed by overrides.

    `"high_pressure policy.appreciation=0.8"` is the high_pressure preset with more appreciation.
    """
    scenarios = []
    for i, spec in enumerate(specs):
        words = str(spec).split()
        if not words:
            raise ConfigError(f"scenarios[{i}] is empty: expected a policy preset, optionally with overrides")
        overrides = words if "=" in words[0] else [f"policy={words[0]}", *words[1:]]
        name = re.sub(r"[^A-Za-z0-9_.=-]+", "_", "_".join(words)).strip("_")
        scenarios.append({"name": name, "label": {"en": " ".join(words)}, "overrides": overrides, "events": []})
    return experiment_from_dict({"name": "ad_hoc", "title": {"en": "Scenario comparison"},
                                 "summary": {"en": "Policy presets compared over the same seeds."},
                                 "days": days, "seeds": seeds, "scenarios": scenarios}, where="scenarios")


def scenario_config(scenario: Scenario, days: int, common: Sequence[str] = ()) -> SimConfig:
    """The SimConfig of one scenario: common overrides, then the scenario's own, then days and events.

    Raises ConfigError naming the scenario when an override or an event is not allowed.
    """
    try:
        config = load_config(*common, *scenario.overrides, f"days={days}")
        if scenario.events:
            config = dataclasses.replace(config, events=tuple(config.events) + tuple(scenario.events))
    except ConfigError as error:
        raise ConfigError(f"scenario {scenario.name!r}: {error}") from None
    return config
