"""One browser tab's simulation: a ServiceModel stepped day by day, levers becoming events.

A lever moved on day d (the next day to simulate) becomes `sim.Event(day=d, ...)`,
handed to the model's own event schedule, so the model applies it at the start of
day d exactly as it applies events from a config file. `replay_config()` is the
run's config with those events: `sim.simulate(session.replay_config(), seed)` gives
the same numbers as the screen.
"""

from __future__ import annotations

import dataclasses
import threading
import weakref
from typing import Any

import numpy as np

from sim import Event, ServiceModel, SimConfig
from sim.config import ConfigError, apply_event

from .figures import rolling_mean
from .kpis import Kpi, kpi_values
from .levers import DEFAULT_DAYS, base_config, lever_spec, lever_values, with_levers


class DashboardModel(ServiceModel):
    """A ServiceModel that accepts events for days it has not simulated yet."""

    def schedule(self, event: Event) -> None:
        """Add `event` to the schedule that `apply_events` reads at the start of `event.day`."""
        if event.day < self.day:
            raise ConfigError(f"event day {event.day} has already been simulated (today is day {self.day})")
        apply_event(self.config, event, where=f"event on day {event.day}")  # validate before accepting
        self._events_by_day.setdefault(event.day, []).append(event)


@dataclasses.dataclass(frozen=True)
class Settings:
    """What defines a run from day 0: organisation size, preset, lever values at day 0, seed, length."""

    organisation: str = "default"
    preset: str = "baseline"
    seed: int = 0
    days: int = DEFAULT_DAYS
    levers: tuple[tuple[str, Any], ...] = ()

    def config(self) -> SimConfig:
        return with_levers(base_config(self.organisation, self.preset, self.days), dict(self.levers))


LIVE: "weakref.WeakSet[LiveSession]" = weakref.WeakSet()  # every session object still alive (for the logs)


def simulations_in_memory() -> int:
    """Sessions that still hold a model (closed tabs drop theirs)."""
    return sum(not session.closed for session in list(LIVE))


class LiveSession:
    """The simulation of one tab. Thread-safe: the play loop and lever handlers share it."""

    def __init__(self, settings: Settings | None = None) -> None:
        LIVE.add(self)
        self.lock = threading.RLock()
        self.reset(settings or Settings())

    # --- building and resetting -------------------------------------------------------------
    def reset(self, settings: Settings | None = None) -> None:
        """Start again from day 0 (with new settings if given)."""
        with self.lock:
            self.settings = settings or self.settings
            if not isinstance(self.settings.seed, int) or isinstance(self.settings.seed, bool) \
                    or self.settings.seed < 0:
                raise ConfigError(f"seed = {self.settings.seed!r} is not allowed: expected a non-negative integer")
            self.start_config = self.settings.config()
            self.model = DashboardModel(self.start_config, self.settings.seed)
            self.events: list[Event] = []
            self.pending: dict[str, Any] = {}

    def close(self) -> None:
        """Drop the model (the tab closed): its memory is freed even if a widget still holds this session."""
        with self.lock:
            self.model = None

    @property
    def closed(self) -> bool:
        return self.model is None

    @property
    def day(self) -> int:
        """Days simulated so far (the next day to simulate)."""
        return self.model.day

    @property
    def days(self) -> int:
        return self.start_config.days

    @property
    def finished(self) -> bool:
        return self.model.day >= self.days

    def levers(self) -> dict[str, Any]:
        """Current lever values, including moves not yet in force (they apply when the next day starts)."""
        with self.lock:
            return {**lever_values(self.model.config), **self.pending}

    # --- levers -------------------------------------------------------------------------------
    def set_lever(self, path: str, value: Any) -> None:
        """Move a lever: before day 1 it changes the start; later it becomes an event from today."""
        spec = lever_spec(path)
        value = int(round(value)) if spec.integer else float(value)
        with self.lock:
            if self.model.day == 0:
                levers = {**dict(self.settings.levers), path: value}
                self.reset(dataclasses.replace(self.settings, levers=tuple(sorted(levers.items()))))
                return
            self.model.config.with_path(path, value)  # validate now, so a bad value fails at the slider
            self.pending[path] = value

    def apply_preset(self, preset: str) -> None:
        """Switch every lever to a preset's values (from today, or from day 0 before the run starts)."""
        with self.lock:
            if self.model.day == 0:
                self.reset(dataclasses.replace(self.settings, preset=preset, levers=()))
                return
            target = lever_values(base_config(self.settings.organisation, preset, self.settings.days))
            current = lever_values(self.model.config)
            self.pending = {p: v for p, v in target.items() if current[p] != v}

    # --- stepping -----------------------------------------------------------------------------
    def step(self, days: int = 1) -> int:
        """Simulate up to `days` days (not past the end); return how many were simulated."""
        done = 0
        with self.lock:
            while done < days and not self.closed and not self.finished:
                if self.pending:
                    event = Event(day=self.model.day, set=dict(self.pending))
                    self.model.schedule(event)
                    self.events.append(event)
                    self.pending = {}
                self.model.step()
                done += 1
        return done

    def replay_config(self) -> SimConfig:
        """The config that `sim.simulate` needs to reproduce this run, events included."""
        return dataclasses.replace(self.start_config, events=tuple(self.events))

    # --- reading ------------------------------------------------------------------------------
    def series(self, *names: str) -> dict[str, np.ndarray]:
        """Copies of daily series up to today (copies: the play loop keeps writing)."""
        with self.lock:
            rows = self.model.recorder.rows
            return {name: self.model.recorder.daily[name][:rows].copy() for name in names}

    def kpis(self) -> dict[str, Kpi]:
        with self.lock:
            recorder = self.model.recorder
            return kpi_values(recorder.daily, recorder.start, recorder.rows)

    def latest(self) -> dict[str, float]:
        """Every daily column on the last simulated day (empty before day 1)."""
        with self.lock:
            recorder = self.model.recorder
            if not recorder.rows:
                return {}
            return {name: float(values[recorder.rows - 1]) for name, values in recorder.daily.items()}

    def event_days(self) -> list[int]:
        return [event.day for event in self.events]

    def staff_snapshot(self) -> dict[str, np.ndarray]:
        """Per employee in post: unit (teams, then the back office), engagement, exhaustion."""
        with self.lock:
            e = self.model.employees
            active = np.flatnonzero(e.active[: e.n])
            return {"unit": e.unit[active].copy(), "engagement": e.engagement[active].copy(),
                    "exhaustion": e.exhaustion[active].copy()}

    def team_snapshot(self) -> dict[str, np.ndarray]:
        """Per front-line team on the last simulated day (or the start): customers and loyalty."""
        with self.lock:
            sums = self.model.ledger.sums
            customers = np.asarray(sums["customers"], dtype=float)
            with np.errstate(invalid="ignore", divide="ignore"):
                loyalty = np.asarray(sums["loyalty"], dtype=float) / customers
                satisfaction = np.asarray(sums["satisfaction"], dtype=float) / customers
            start = self.model.recorder.start["customers"] / self.model.n_teams
            return {"customers": customers, "loyalty": loyalty, "satisfaction": satisfaction,
                    "customers_start": np.full(len(customers), start)}


def chain_values(session: LiveSession) -> tuple[dict[str, float], dict[str, float]]:
    """(today, day 0) values for the chain diagram: daily columns, 30-day money, the appreciation lever."""
    with session.lock:
        recorder = session.model.recorder
        rows = recorder.rows
        start = dict(recorder.start)
        start["appreciation_lever"] = session.start_config.policy.appreciation
        start["management_pressure"] = session.start_config.policy.pressure
        if not rows:
            return dict(start), start
        first = {name: float(values[0]) for name, values in recorder.daily.items()}
        start = {**first, **start}
        now = {name: float(values[rows - 1]) for name, values in recorder.daily.items()}
        for name in ("revenue", "profit"):
            window = recorder.daily[name][:rows]
            now[f"{name}_30d"] = float(rolling_mean(window)[-1])
            start[f"{name}_30d"] = float(window[0])
        now["appreciation_lever"] = session.model.config.policy.appreciation
        return now, start
