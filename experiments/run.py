"""Run one scenario: `python -m experiments.run [overrides]`.

Writes daily.parquet, teams.parquet, summary.json and config.yaml into the Hydra
output directory and prints the key KPIs at the end against the start. Overrides
are validated before Hydra creates any directory, so bad input writes nothing.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from experiments.cli import validate_overrides_or_exit
from experiments.outputs import write_run
from sim import simulate
from sim.compose import register, to_sim_config

HEADLINE = [  # (summary key stem, label, format, change shown as: relative % or absolute)
    ("customers", "Customers", "{:,.0f}", "relative"),
    ("satisfaction", "Customer satisfaction (0-1)", "{:.3f}", "absolute"),
    ("loyalty", "Loyalty: 1-year retention chance", "{:.3f}", "absolute"),
    ("nps", "Net promoter score", "{:+.1f}", "absolute"),
    ("employees", "Employees in post", "{:,.0f}", "relative"),
    ("engagement", "Engagement (UWES/6)", "{:.3f}", "absolute"),
    ("exhaustion", "Exhaustion (0-1)", "{:.3f}", "absolute"),
    ("burnout_share", "Burnout share", "{:.1%}", "absolute"),
]


def human_summary(summary: dict, out_dir: Path | None = None, seconds: float | None = None) -> str:
    """The key KPIs at the end against the start, and the money, as a small text table."""
    lines = [f"{'KPI':<34}{'start':>12}{'end':>12}{'change':>12}"]
    for key, label, fmt, kind in HEADLINE:
        start, end = summary[f"{key}_start"], summary[f"{key}_end"]
        if kind == "relative":
            change_text = f"{(end - start) / start:+.1%}" if start else "n/a"
        else:
            change_text = ("{:+.1%}" if "%" in fmt else "{:+.3f}" if ".3f" in fmt else "{:+.1f}").format(end - start)
        lines.append(f"{label:<34}{fmt.format(start):>12}{fmt.format(end):>12}{change_text:>12}")
    lines.append("")
    lines.append(f"Over {summary['days']} days: churn {summary['churn_per_year']:.1%}/year, staff turnover "
                 f"{summary['turnover_per_year']:.1%}/year")
    lines.append(f"Money: revenue EUR {summary['revenue_total']:,.0f}, cost EUR {summary['cost_total']:,.0f}, "
                 f"profit EUR {summary['profit_total']:,.0f} ({summary['profit_per_year']:,.0f}/year)")
    if out_dir is not None:
        lines.append(f"Results: {out_dir} (daily.parquet, teams.parquet, summary.json, config.yaml)")
    if seconds is not None:
        lines.append(f"Simulated in {seconds:.2f} s")
    return "\n".join(lines)


register()


@hydra.main(config_path="../configs", config_name="config", version_base="1.3")
def hydra_main(cfg: DictConfig) -> float:
    config, seed = to_sim_config(cfg)
    out_dir = Path(HydraConfig.get().runtime.output_dir)
    started = time.perf_counter()
    result = simulate(config, seed)
    seconds = time.perf_counter() - started
    write_run(result, out_dir)
    print(human_summary(result.summary, out_dir, seconds))
    return float(result.summary["loyalty_end"])


def main() -> None:
    validate_overrides_or_exit(sys.argv[1:])
    hydra_main()


if __name__ == "__main__":
    main()
