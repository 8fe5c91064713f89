"""Stories: guided runs of the named experiments in configs/experiment/, with captions.

A story file (owned by the experiments) has `name, title{en,nl}, summary{en,nl}, days,
scenarios: [{name, label{en,nl}, overrides, events}], captions: [{day, en, nl}]`. It is
read by `experiments.scenarios` (yaml.safe_load, then `sim.load_config` and `sim.Event`),
so a story file cannot make the dashboard run code.
"""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

import numpy as np

from sim import SimConfig
from sim.compose import CONFIG_DIR
from sim.config import ConfigError

from experiments.scenarios import load_experiment, scenario_config

from .levers import HYDRA_LOCK
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


def load_story(name: str, folder: Path = STORY_DIR) -> Story:
    """Read and validate one story file with the experiments' own reader (one schema, one set of checks);
    ConfigError names the file and the field."""
    if name not in story_names(folder):
        raise ConfigError(f"story = {name!r} is not allowed: expected one of {', '.join(story_names(folder))}")
    experiment = load_experiment(folder / f"{name}.yaml")
    with HYDRA_LOCK:  # Hydra's global state is not thread-safe; tabs load stories in threads
        configs = [scenario_config(scenario, experiment.days) for scenario in experiment.scenarios]
    scenarios = tuple(Scenario(s.name, dict(s.label), config) for s, config in zip(experiment.scenarios, configs))
    captions = tuple(sorted((int(c["day"]), {k: str(v) for k, v in c.items() if k != "day"})
                            for c in experiment.captions))
    return Story(name=name, title=dict(experiment.title), summary=dict(experiment.summary), days=experiment.days,
                 scenarios=scenarios, captions=captions)


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
