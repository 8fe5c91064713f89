"""The eight KPI cards: their values from the daily series, their change and their formatting.

One function (`kpi_values`) turns the daily arrays of a run into the numbers on the
cards, so the browser test can compare the screen with `sim.simulate` for the same
settings and seed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

import numpy as np

KPIS = ("customers", "satisfaction", "loyalty", "nps", "engagement", "burnout_share", "turnover", "profit")
STOCKS = ("customers", "satisfaction", "loyalty", "nps", "engagement", "burnout_share")
WINDOW_DAYS = 30
# Higher is better for all but these (the card colours a change green when it is good).
LOWER_IS_BETTER = frozenset({"burnout_share", "turnover"})


@dataclass(frozen=True)
class Kpi:
    """One card: today's value and its change (since day 0 for stocks, vs the first 30 days for flows)."""

    name: str
    value: float
    change: float


def _window_mean(values: np.ndarray, start: int, stop: int) -> float:
    part = values[max(start, 0):stop]
    return float(part.mean()) if len(part) else float("nan")


def turnover_per_year(quits: np.ndarray, employees: np.ndarray, start: int, stop: int) -> float:
    """Quits per employee per year over days [start, stop)."""
    staff = _window_mean(employees, start, stop)
    days = max(0, min(stop, len(quits)) - max(start, 0))
    if not days or not staff:
        return float("nan")
    return float(quits[max(start, 0):stop].sum()) / staff * 365.0 / days


def kpi_values(daily: Mapping[str, np.ndarray], start: Mapping[str, float], rows: int) -> dict[str, Kpi]:
    """The cards after `rows` simulated days; before the first day, the start values and no change."""
    out: dict[str, Kpi] = {}
    for name in STOCKS:
        now = float(daily[name][rows - 1]) if rows else float(start[name])
        out[name] = Kpi(name, now, now - float(start[name]))
    if rows:
        first = min(rows, WINDOW_DAYS)
        turnover_now = turnover_per_year(daily["quits"], daily["employees"], rows - WINDOW_DAYS, rows)
        turnover_first = turnover_per_year(daily["quits"], daily["employees"], 0, first)
        profit_now = _window_mean(daily["profit"], rows - WINDOW_DAYS, rows)
        profit_first = _window_mean(daily["profit"], 0, first)
    else:
        turnover_now = turnover_first = profit_now = profit_first = float("nan")
    out["turnover"] = Kpi("turnover", turnover_now, turnover_now - turnover_first)
    out["profit"] = Kpi("profit", profit_now, profit_now - profit_first)
    return out


def format_value(name: str, value: float, signed: bool = False) -> str:
    """How a KPI value (or, with `signed`, its change) reads on a card."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    sign = "+" if signed else ""
    if name == "customers":
        return f"{value:{sign},.0f}"
    if name == "nps":
        return f"{value:{sign}.1f}"
    if name in ("burnout_share", "turnover"):
        return f"{100 * value:{sign}.1f}%" if not signed else f"{100 * value:+.1f} pt"
    if name == "profit":
        return f"{'-' if value < 0 else ''}€{abs(value):,.0f}" if not signed else f"{value:+,.0f}"
    return f"{value:{sign}.3f}"


def is_good(name: str, change: float) -> bool | None:
    """Whether a change is an improvement (None when there is none to speak of)."""
    if change is None or math.isnan(change) or abs(change) < 1e-9:
        return None
    return (change < 0) if name in LOWER_IS_BETTER else (change > 0)
