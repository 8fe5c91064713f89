"""Compare mode: two policies, the same seed, run side by side; the difference is the policy."""

from __future__ import annotations

from dataclasses import dataclass

from sim import SimConfig, SimulationResult, simulate

from .kpis import KPIS, Kpi, kpi_values


@dataclass(frozen=True)
class Comparison:
    a: SimulationResult
    b: SimulationResult

    def cards(self, which: str) -> dict:
        """The live view's KPI cards at the end of run A or B (same definitions as the Live view)."""
        run = self.a if which == "a" else self.b
        daily = {name: run.daily[name].to_numpy() for name in run.daily}
        start = {k[: -len("_start")]: v for k, v in run.summary.items() if k.endswith("_start")}
        return kpi_values(daily, start, len(run.daily))

    def differences(self) -> dict[str, Kpi]:
        """One card per KPI: B's value, and B minus A as its change."""
        a, b = self.cards("a"), self.cards("b")
        return {name: Kpi(name, b[name].value, b[name].value - a[name].value) for name in KPIS}


def compare(config_a: SimConfig, config_b: SimConfig, seed: int) -> Comparison:
    """Run A and B with the same seed."""
    return Comparison(simulate(config_a, seed), simulate(config_b, seed))
