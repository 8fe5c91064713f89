"""Outcomes the analyses can measure: names, meanings and units, and the one function that measures them.

Every analysis (sensitivity, calibration, optimisation, discovery) measures a run
through :func:`measure`, so an outcome means the same everywhere. Most outcomes are
summary KPIs of `sim.simulate`; a few are means of the daily series.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from sim.config import ConfigError, SimConfig


@dataclass(frozen=True)
class Outcome:
    """A measured quantity: what it means and how to print it."""

    name: str
    meaning: str
    unit: str
    fmt: str = "{:.3f}"

    def show(self, value: float) -> str:
        return self.fmt.format(value)


_DECLARED = [
    Outcome("loyalty_end", "loyalty at the end of the run (1-year retention chance; two-year loyalty when "
                           "days = 730)", "0-1"),
    Outcome("satisfaction_end", "mean customer satisfaction at the end of the run", "0-1"),
    Outcome("nps_end", "net promoter score at the end of the run", "points", "{:+.1f}"),
    Outcome("customers_end", "active customers at the end of the run", "customers", "{:,.0f}"),
    Outcome("profit_total", "profit over the run", "EUR", "EUR {:,.0f}"),
    Outcome("profit_per_year", "profit per year", "EUR/year", "EUR {:,.0f}"),
    Outcome("net_margin", "profit over revenue", "share", "{:.1%}"),
    Outcome("burnout_share_end", "share of staff burnt out at the end of the run", "share", "{:.1%}"),
    Outcome("turnover_per_year", "staff quits per year over mean headcount", "1/year", "{:.1%}"),
    Outcome("churn_per_year", "customers lost per year over the mean customer base", "1/year", "{:.1%}"),
    Outcome("engagement_end", "mean engagement (UWES/6) at the end of the run", "0-1"),
    Outcome("exhaustion_end", "mean exhaustion at the end of the run", "0-1"),
    Outcome("engagement_mean", "mean engagement (UWES/6) over all days of the run", "0-1"),
    Outcome("exhaustion_mean", "mean exhaustion over all days of the run", "0-1"),
    Outcome("satisfaction_mean", "mean customer satisfaction over all days of the run", "0-1"),
    Outcome("service_quality_mean", "mean perceived service quality over the run", "0-1"),
    Outcome("customer_centricity_engaged", "customer-centricity rating (1-10) of engaged employees", "1-10",
            "{:.2f}"),
    Outcome("customer_centricity_other", "customer-centricity rating (1-10) of non-engaged employees", "1-10",
            "{:.2f}"),
]
OUTCOMES: dict[str, Outcome] = {o.name: o for o in _DECLARED}
DAILY_MEANS = {"engagement_mean": "engagement", "exhaustion_mean": "exhaustion", "satisfaction_mean": "satisfaction"}


def check_names(names: Iterable[str], where: str = "outcomes") -> list[str]:
    """The names, or ConfigError naming the unknown one and the allowed names."""
    names = [str(n) for n in names]
    for name in names:
        if name not in OUTCOMES:
            raise ConfigError(f"{where}: {name!r} is not a known outcome; allowed: {', '.join(OUTCOMES)}")
    if not names:
        raise ConfigError(f"{where}: choose at least one outcome ({', '.join(OUTCOMES)})")
    return names


def measure(config: SimConfig, seed: int) -> dict[str, float]:
    """Run the model once and return every outcome (module-level so worker processes can run it)."""
    from sim import simulate

    result = simulate(config, seed)
    values: dict[str, Any] = {name: result.summary.get(name) for name in OUTCOMES if name not in DAILY_MEANS}
    for name, column in DAILY_MEANS.items():
        values[name] = float(result.daily[column].mean())
    return {name: float(value) for name, value in values.items()}
