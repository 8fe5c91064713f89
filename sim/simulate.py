"""`simulate`: the one function every entry point runs (CLI, API, dashboard, tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd

from .config import SimConfig
from .model import ServiceModel


@dataclass
class SimulationResult:
    """The outcome of one run.

    Attributes:
        daily: one row per day (columns documented in `sim.metrics.DAILY_COLUMNS`).
        teams: one row per front-line team per day (`sim.metrics.TEAM_COLUMNS`).
        summary: end-of-run KPIs (see `summarise`).
        config: the configuration that was run.
        seed: the seed that was run.
    """

    daily: pd.DataFrame
    teams: pd.DataFrame
    summary: dict[str, Any]
    config: SimConfig
    seed: int
    totals: dict[str, float] = field(default_factory=dict)


def simulate(config: SimConfig, seed: int = 0,
             on_day: Callable[[ServiceModel], None] | None = None, per_team: bool = True) -> SimulationResult:
    """Run `config` for `config.days` days with `seed`.

    Args:
        config: a validated SimConfig (use `sim.load_config` to compose one from configs/).
        seed: the seed of the run's one random generator; same (config, seed), same result.
        on_day: optional callback after every day (progress bars, live views).
        per_team: collect the per-team rows; False leaves `teams` empty (the run and every
            other output are the same), for batch runs that keep only the summary.
    """
    model = ServiceModel(config, seed)
    model.recorder.per_team = per_team
    for _ in range(config.days):
        model.step()
        if on_day is not None:
            on_day(model)
    return collect(model)


def collect(model: ServiceModel) -> SimulationResult:
    """Turn a stepped model into a SimulationResult."""
    daily = model.recorder.daily_frame()
    teams = model.recorder.teams_frame()
    totals = dict(model.recorder.totals)
    return SimulationResult(daily=daily, teams=teams, summary=summarise(daily, model.recorder.start, totals),
                            config=model.config, seed=model.seed, totals=totals)


def summarise(daily: pd.DataFrame, start: dict[str, float], totals: dict[str, float]) -> dict[str, Any]:
    """End-of-run KPIs: stocks at the start and the end, flows over the run, money."""
    if daily.empty:
        return {f"{name}_start": value for name, value in start.items()}
    last = daily.iloc[-1]
    years = len(daily) / 365.0
    summary: dict[str, Any] = {"days": int(len(daily))}
    for name in ("customers", "satisfaction", "loyalty", "nps", "employees", "engagement", "exhaustion",
                 "burnout_share"):
        summary[f"{name}_start"] = float(start[name])
        summary[f"{name}_end"] = float(last[name])
    mean_customers = float(daily["customers"].mean())
    mean_staff = float(daily["employees"].mean())
    summary.update({
        "churned_total": int(daily["churned"].sum()),
        "new_customers_total": int(daily["new_customers"].sum()),
        "referrals_total": int(daily["referrals"].sum()),
        "quits_total": int(daily["quits"].sum()),
        "hires_total": int(daily["hires"].sum()),
        "layoffs_total": int(daily["layoffs"].sum()),
        "churn_per_year": float(daily["churned"].sum() / mean_customers / years) if mean_customers else 0.0,
        "turnover_per_year": float(daily["quits"].sum() / mean_staff / years) if mean_staff else 0.0,
        "service_quality_mean": float(daily["service_quality"].mean()),
        "resolution_rate_mean": float(daily["resolution_rate"].mean()),
        "pressure_mean": float(daily["pressure"].mean()),
        "time_standard_end": float(last["time_standard"]),
        "customer_centricity_engaged": _ratio(totals.get("rating_sum_engaged"), totals.get("ratings_engaged")),
        "customer_centricity_other": _ratio(totals.get("rating_sum_other"), totals.get("ratings_other")),
        "revenue_total": float(daily["revenue"].sum()),
        "cost_total": float(daily["cost"].sum()),
        "profit_total": float(daily["profit"].sum()),
        "profit_per_year": float(daily["profit"].sum() / years),
    })
    summary["cost_per_retained_customer"] = (summary["cost_total"] / summary["customers_end"]
                                             if summary["customers_end"] else float("nan"))  # none retained
    margin = summary["profit_total"] / summary["revenue_total"] if summary["revenue_total"] else 0.0
    summary["net_margin"] = margin if np.isfinite(margin) else float("nan")  # revenue negligible against cost
    return summary


def _ratio(numerator: float | None, denominator: float | None) -> float:
    return float(numerator / denominator) if denominator else float(np.nan)
