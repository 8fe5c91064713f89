"""The landscape: a two-year outcome over a pressure x appreciation grid, computed in the background.

Each cell is a full run at reduced scale (few teams, few customers) with the other
levers as the trainer set them. Results are cached in memory and on disk, keyed by
everything that defines the runs, so a second tab (or tomorrow's session) gets the
picture at once. One computation per key runs at a time, in a worker thread, with
a progress count the page shows as a bar.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Any, Callable

import numpy as np

from sim import SimConfig, simulate
from sim.config import to_dict



def grid_from_env() -> tuple[float, ...]:
    """Lever values along each axis: DASHBOARD_LANDSCAPE_POINTS of them from 0 to 1 (default 6, 2..11)."""
    raw = os.environ.get("DASHBOARD_LANDSCAPE_POINTS", "6")
    try:
        points = int(raw)
    except ValueError:
        points = -1
    if not 2 <= points <= 11:
        raise ValueError(f"DASHBOARD_LANDSCAPE_POINTS = {raw!r} is not allowed: expected an integer in [2, 11]")
    return tuple(round(float(v), 2) for v in np.linspace(0.0, 1.0, points))


GRID = grid_from_env()
METRICS = {"loyalty": ("loyalty_end", "RdYlGn"), "profit": ("profit_per_year", "RdYlGn"),
           "burnout": ("burnout_share_end", "RdYlGn_r")}
REDUCED = {"organisation.teams": 3, "organisation.employees_per_team": 10, "market.customers_per_team": 400}
LANDSCAPE_DAYS = 730


def cache_dir() -> Path:
    """Where landscapes are kept between sessions (DASHBOARD_CACHE_DIR, default ~/.cache/service-chain-dashboard)."""
    root = os.environ.get("DASHBOARD_CACHE_DIR") or Path.home() / ".cache" / "service-chain-dashboard"
    return Path(root)


def reduced(config: SimConfig) -> SimConfig:
    """The config at the landscape's scale and length (events dropped: a cell is one policy throughout)."""
    config = dataclasses.replace(config, events=(), days=LANDSCAPE_DAYS)
    for path, value in REDUCED.items():
        config = config.with_path(path, value)
    return config


def cells(config: SimConfig, grid: tuple[float, ...] = GRID) -> list[tuple[float, float, SimConfig]]:
    """(pressure, appreciation, config) for every cell of the grid."""
    base = reduced(config)
    return [(p, a, base.with_path("policy.pressure", p).with_path("policy.appreciation", a))
            for a in grid for p in grid]


def key_of(config: SimConfig, seed: int, grid: tuple[float, ...] = GRID) -> str:
    """A stable hash of everything that defines the landscape's runs."""
    payload = json.dumps({"config": to_dict(reduced(config)), "seed": seed, "grid": grid}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:20]


@dataclasses.dataclass
class Landscape:
    """A finished or running landscape: summaries per cell, in `cells` order (None = not yet run)."""

    key: str
    grid: tuple[float, ...]
    summaries: list[dict[str, Any] | None]
    error: str = ""

    @property
    def done(self) -> int:
        return sum(s is not None for s in self.summaries)

    @property
    def total(self) -> int:
        return len(self.summaries)

    @property
    def finished(self) -> bool:
        return self.done == self.total or bool(self.error)

    def matrix(self, metric: str) -> np.ndarray:
        """Rows = appreciation, columns = pressure; NaN where not yet run."""
        column = METRICS[metric][0]
        n = len(self.grid)
        values = [np.nan if s is None else float(s[column]) for s in self.summaries]
        return np.array(values, dtype=float).reshape(n, n)


_LOCK = threading.Lock()
_RUNNING: dict[str, Landscape] = {}
_MEMORY: dict[str, Landscape] = {}


def _load(key: str, grid: tuple[float, ...]) -> Landscape | None:
    path = cache_dir() / f"landscape-{key}.json"
    try:
        summaries = json.loads(path.read_text())["summaries"]
    except (OSError, ValueError, KeyError):
        return None
    if len(summaries) != len(grid) ** 2:
        return None
    return Landscape(key, grid, summaries)


def _save(landscape: Landscape) -> None:
    """Write atomically (temporary file + rename): a crash never leaves half a cache file."""
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".landscape-{landscape.key}.{threading.get_ident()}.tmp"
        tmp.write_text(json.dumps({"summaries": landscape.summaries}))
        os.replace(tmp, folder / f"landscape-{landscape.key}.json")
    except OSError:
        pass  # a read-only home must not break the page: the memory cache still holds it


def _find(key: str, grid: tuple[float, ...]) -> Landscape | None:
    """Finished (memory, then disk) or running landscape for `key`; call with _LOCK held."""
    found = _MEMORY.get(key) or _RUNNING.get(key)
    if found is None:
        found = _load(key, grid)
        if found is not None:
            _MEMORY[key] = found
    return found


def lookup(config: SimConfig, seed: int, grid: tuple[float, ...] = GRID) -> Landscape | None:
    """The landscape for these settings if finished or running, else None."""
    with _LOCK:
        return _find(key_of(config, seed, grid), grid)


def compute(config: SimConfig, seed: int, grid: tuple[float, ...] = GRID,
            on_progress: Callable[[Landscape], None] | None = None) -> Landscape:
    """Run every cell (in this thread), unless another thread is already doing this key: then wait for it."""
    key = key_of(config, seed, grid)
    with _LOCK:
        existing = _find(key, grid)
        if existing is None:
            landscape = Landscape(key, grid, [None] * len(grid) ** 2)
            _RUNNING[key] = landscape
            owner = True
        else:
            landscape, owner = existing, False
    if not owner:
        while not landscape.finished:
            threading.Event().wait(0.25)
            if on_progress:
                on_progress(landscape)
        return landscape
    try:
        for index, (_p, _a, cell) in enumerate(cells(config, grid)):
            landscape.summaries[index] = simulate(cell, seed).summary
            if on_progress:
                on_progress(landscape)
    except Exception as error:  # a broken cell must end the computation visibly, not hang the page
        landscape.error = f"{type(error).__name__}: {error}"
    finally:
        with _LOCK:
            _RUNNING.pop(key, None)
            if not landscape.error:
                _MEMORY[key] = landscape
    if not landscape.error:
        _save(landscape)
    return landscape
