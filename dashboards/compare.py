"""Compare mode: two policies, the same seed, run side by side; the difference is the policy."""

from __future__ import annotations

from dataclasses import dataclass

from sim import SimConfig, SimulationResult, simulate

# (summary key, KPI name for formatting) of the difference cards.
DIFFERENCES = (("customers_end", "customers"), ("satisfaction_end", "satisfaction"), ("loyalty_end", "loyalty"),
               ("nps_end", "nps"), ("engagement_end", "engagement"), ("burnout_share_end", "burnout_share"),
               ("turnover_per_year", "turnover"), ("profit_per_year", "profit"))


@dataclass(frozen=True)
class Comparison:
    a: SimulationResult
    b: SimulationResult

    def differences(self) -> dict[str, float]:
        """B minus A for each difference card, keyed by KPI name."""
        return {kpi: float(self.b.summary[key]) - float(self.a.summary[key]) for key, kpi in DIFFERENCES}

    def values(self, which: str) -> dict[str, float]:
        run = self.a if which == "a" else self.b
        return {kpi: float(run.summary[key]) for key, kpi in DIFFERENCES}


def compare(config_a: SimConfig, config_b: SimConfig, seed: int) -> Comparison:
    """Run A and B with the same seed."""
    return Comparison(simulate(config_a, seed), simulate(config_b, seed))
