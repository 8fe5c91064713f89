"""Stories: guided runs of the named experiments in configs/experiment/, with captions.

A story file (owned by the experiments) has `name, title{en,nl}, summary{en,nl}, days,
scenarios: [{name, label{en,nl}, overrides, events}], captions: [{day, en, nl}]`. It is
read with yaml.safe_load and only ever turned into configs through `sim.load_config`
and `sim.Event`, so a story file cannot make the dashboard run code.
"""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from sim import Event, SimConfig
from sim.compose import CONFIG_DIR
from sim.config import ConfigError

from .levers import compose
from .session import DashboardModel

STORY_DIR = CONFIG_DIR / "experiment"


@dataclasses.dataclass(frozen=True)
class Scenario:
    name: str
    label: dict[str, str]
    config: SimConfig


@dataclasses.dataclass(frozen=True)
class Story:
    name: str
    title: dict[str, str]
    summary: dict[str, str]
    days: int
    scenarios: tuple[Scenario, ...]
    captions: tuple[tuple[int, dict[str, str]], ...]

    def caption(self, day: int, lang: str) -> str:
        """The latest caption whose day has been reached ('' before the first)."""
        reached = [texts for at, texts in self.captions if at <= day]
        return (reached[-1].get(lang) or reached[-1]["en"]) if reached else ""

    def event_days(self) -> list[int]:
        return sorted({e.day for s in self.scenarios for e in s.config.events} | {d for d, _ in self.captions})


def story_names(folder: Path = STORY_DIR) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.yaml"))


def _require(mapping: Any, key: str, where: str) -> Any:
    if not isinstance(mapping, dict) or key not in mapping:
        raise ConfigError(f"{where}: missing {key!r}")
    return mapping[key]


def load_story(name: str, folder: Path = STORY_DIR) -> Story:
    """Read and validate one story file; ConfigError names the file and the field."""
    if name not in story_names(folder):
        raise ConfigError(f"story = {name!r} is not allowed: expected one of {', '.join(story_names(folder))}")
    path = folder / f"{name}.yaml"
    raw = yaml.safe_load(path.read_text())
    where = str(path.name)
    days = int(_require(raw, "days", where))
    scenarios = []
    for i, item in enumerate(_require(raw, "scenarios", where)):
        overrides = [str(o) for o in _require(item, "overrides", f"{where}: scenarios[{i}]")]
        events = tuple(Event(day=int(_require(e, "day", f"{where}: scenarios[{i}].events")),
                             set=dict(_require(e, "set", f"{where}: scenarios[{i}].events")))
                       for e in item.get("events") or [])
        config = dataclasses.replace(compose(*overrides, f"days={days}"), events=events)
        config = SimConfig(**{f.name: getattr(config, f.name) for f in dataclasses.fields(config)})  # validate
        scenarios.append(Scenario(str(_require(item, "name", where)), dict(item.get("label") or {}), config))
    captions = tuple(sorted((int(c["day"]), {k: str(v) for k, v in c.items() if k != "day"})
                            for c in raw.get("captions") or []))
    return Story(name=name, title=dict(raw.get("title") or {"en": name}), summary=dict(raw.get("summary") or {}),
                 days=days, scenarios=tuple(scenarios), captions=captions)


class StorySession:
    """Every scenario of a story, stepped in lock-step with one seed."""

    def __init__(self, story: Story, seed: int = 0) -> None:
        self.story = story
        self.seed = seed
        self.lock = threading.RLock()
        self.models = [DashboardModel(s.config, seed) for s in story.scenarios]

    def close(self) -> None:
        with self.lock:
            self.models = []

    @property
    def day(self) -> int:
        return self.models[0].day if self.models else self.story.days

    @property
    def finished(self) -> bool:
        return self.day >= self.story.days

    def step(self, days: int = 1) -> int:
        done = 0
        with self.lock:
            while done < days and not self.finished:
                for model in self.models:
                    model.step()
                done += 1
        return done

    def series(self, *names: str) -> list[tuple[str, dict[str, np.ndarray]]]:
        with self.lock:
            out = []
            for scenario, model in zip(self.story.scenarios, self.models):
                rows = model.recorder.rows
                out.append((scenario.name, {n: model.recorder.daily[n][:rows].copy() for n in names}))
            return out
