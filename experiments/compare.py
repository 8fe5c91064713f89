"""Compare scenarios over replicate seeds: `python -m experiments.compare [experiment=<name>] [key=value ...]`.

Every scenario runs with the same seeds (common random numbers), so differences from
the baseline (the first scenario) are paired by seed. Writes into the Hydra output
directory: runs.parquet (one row per scenario and seed), daily.parquet (one row per
scenario, seed and day), kpis.csv (mean, 95% CI, difference from the baseline with its
paired 95% CI), plots/*.png and one self-contained report.html (plus report.md).
Bad input is reported before anything is written.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd
from omegaconf import DictConfig, OmegaConf
from scipy import stats

from experiments.app_args import asks_for_information, config_overrides
from experiments.batch import Job, default_workers, run_jobs, summary_and_daily
from experiments.scenarios import (Experiment, ad_hoc_experiment, experiment_from_dict, scenario_config,
                                  with_horizon)
from sim.config import ConfigError

# End-of-horizon KPIs: (summary key, label, display format, which direction is better)
KPIS: list[tuple[str, str, str, str]] = [
    ("customers_end", "Customers at the end", "{:,.0f}", "higher"),
    ("satisfaction_end", "Customer satisfaction (0-1)", "{:.3f}", "higher"),
    ("loyalty_end", "Loyalty: 1-year retention chance", "{:.3f}", "higher"),
    ("nps_end", "Net promoter score", "{:+.1f}", "higher"),
    ("churn_per_year", "Customer churn per year", "{:.1%}", "lower"),
    ("employees_end", "Employees in post", "{:,.0f}", "higher"),
    ("engagement_end", "Engagement (0-1)", "{:.3f}", "higher"),
    ("exhaustion_end", "Exhaustion (0-1)", "{:.3f}", "lower"),
    ("burnout_share_end", "Burnout share", "{:.1%}", "lower"),
    ("turnover_per_year", "Staff turnover per year", "{:.1%}", "lower"),
    ("revenue_total", "Revenue over the run (EUR)", "{:,.0f}", "higher"),
    ("cost_total", "Cost over the run (EUR)", "{:,.0f}", "lower"),
    ("profit_total", "Profit over the run (EUR)", "{:,.0f}", "higher"),
    ("cost_per_retained_customer", "Cost per retained customer (EUR)", "{:,.2f}", "lower"),
]
# Daily series drawn with confidence bands: (column of daily.parquet, label)
SERIES: list[tuple[str, str]] = [
    ("loyalty", "Loyalty: 1-year retention chance"),
    ("satisfaction", "Customer satisfaction (0-1)"),
    ("customers", "Active customers"),
    ("engagement", "Engagement (0-1)"),
    ("exhaustion", "Exhaustion (0-1)"),
    ("turnover_per_year_30d", "Staff turnover per year (30-day window)"),
    ("profit_cumulative", "Cumulative profit (EUR)"),
]
TURNOVER_WINDOW_DAYS = 30


@dataclass
class Comparison:
    """Everything a comparison measured: per-run KPIs, daily series and the failures."""

    experiment: Experiment
    seeds: list[int]
    common_overrides: list[str]
    runs: pd.DataFrame
    daily: pd.DataFrame
    failures: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0


def mean_ci(values: Sequence[float], level: float = 0.95) -> tuple[float, float, float]:
    """Mean and t-based confidence interval of the mean (NaN bounds with fewer than two values)."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(x.mean())
    if len(x) < 2:
        return mean, float("nan"), float("nan")
    half = float(stats.t.ppf(0.5 + level / 2, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x)))
    return mean, mean - half, mean + half


def with_derived_series(daily: pd.DataFrame) -> pd.DataFrame:
    """Add the series the plots need but one run does not record directly."""
    out = daily.copy()
    quits = out["quits"].rolling(TURNOVER_WINDOW_DAYS, min_periods=1).sum()
    window = out["day"].clip(upper=TURNOVER_WINDOW_DAYS - 1) + 1
    out["turnover_per_year_30d"] = quits / out["employees"].where(out["employees"] > 0) * 365.0 / window
    out["profit_cumulative"] = out["profit"].cumsum()
    return out


def run_comparison(experiment: Experiment, seeds: Sequence[int], common_overrides: Sequence[str] = (),
                   workers: int | None = None, chunk_size: int | None = None, progress: bool = True) -> Comparison:
    """Run every scenario with every seed and gather KPIs and daily series."""
    configs = {s.name: scenario_config(s, experiment.days, common_overrides) for s in experiment.scenarios}
    jobs = [Job(configs[s.name], seed) for s in experiment.scenarios for seed in seeds]
    names = [s.name for s in experiment.scenarios for _ in seeds]
    started = time.perf_counter()
    outcomes = run_jobs(jobs, summary_and_daily, workers=workers, chunk_size=chunk_size, progress=progress,
                        description="scenario runs")
    rows, frames, failures = [], [], []
    for name, outcome in zip(names, outcomes):
        if not outcome.ok:
            failures.append({"scenario": name, "seed": outcome.job.seed, "error": outcome.error})
            continue
        summary, daily = outcome.value
        rows.append({"scenario": name, "seed": outcome.job.seed, **summary})
        frames.append(with_derived_series(daily).assign(scenario=name, seed=outcome.job.seed))
    runs = pd.DataFrame(rows)
    daily = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if not daily.empty:
        daily = daily[["scenario", "seed", *[c for c in daily.columns if c not in ("scenario", "seed")]]]
    return Comparison(experiment, list(seeds), list(common_overrides), runs, daily, failures,
                      time.perf_counter() - started)


def kpi_table(comparison: Comparison) -> pd.DataFrame:
    """One row per (KPI, scenario): mean and 95% CI over seeds, and the paired difference from the baseline."""
    runs = comparison.runs
    baseline = comparison.experiment.scenarios[0].name
    base = runs[runs["scenario"] == baseline].set_index("seed")
    rows = []
    for key, label, fmt, better in KPIS:
        for scenario in comparison.experiment.scenarios:
            mine = runs[runs["scenario"] == scenario.name].set_index("seed")
            mean, low, high = mean_ci(mine[key]) if key in mine else (np.nan,) * 3
            row = {"kpi": key, "label": label, "format": fmt, "better": better, "scenario": scenario.name,
                   "scenario_label": scenario.label.get("en", scenario.name), "n": int(len(mine)),
                   "mean": mean, "ci_low": low, "ci_high": high,
                   "diff": np.nan, "diff_low": np.nan, "diff_high": np.nan, "n_pairs": 0}
            if scenario.name != baseline and key in mine and key in base:
                paired = (mine[key] - base[key]).dropna()  # aligned on seed: common random numbers
                row["diff"], row["diff_low"], row["diff_high"] = mean_ci(paired)
                row["n_pairs"] = int(len(paired))
            rows.append(row)
    return pd.DataFrame(rows)


def series_bands(daily: pd.DataFrame, columns: Sequence[str] = tuple(c for c, _ in SERIES)) -> pd.DataFrame:
    """Mean and t-based 95% CI over seeds of each series, per scenario and day (the same CI as `mean_ci`)."""
    grouped = daily.groupby(["scenario", "day"], sort=False)[list(columns)]
    mean, sd, n = grouped.mean(), grouped.std(ddof=1), grouped.count()
    with np.errstate(invalid="ignore", divide="ignore"):
        half = stats.t.ppf(0.975, (n - 1).where(n > 1)) * sd / np.sqrt(n)
    frames = {"mean": mean, "low": mean - half, "high": mean + half}
    long = {name: frame.reset_index().melt(id_vars=["scenario", "day"], var_name="series", value_name=name)
            for name, frame in frames.items()}
    return long["mean"].assign(low=long["low"]["low"].to_numpy(), high=long["high"]["high"].to_numpy())


def experiment_of(cfg: DictConfig) -> Experiment:
    """The experiment a compare config asks for: a named one, or the ad-hoc scenario list; seeds/days applied."""
    chosen = cfg.get("experiment")
    if chosen is not None:
        values = OmegaConf.to_container(chosen, resolve=True)
        experiment = experiment_from_dict(values, where=f"experiment {values.get('name', '')}".strip())
    else:
        scenarios = list(cfg.get("scenarios") or [])
        experiment = ad_hoc_experiment(scenarios, days=730)
    return with_horizon(experiment, cfg.get("days"), cfg.get("seeds"))


def check_compare_config(cfg: DictConfig) -> tuple[Experiment, list[str]]:
    """Validate everything a comparison will run (every scenario's config); ConfigError names what is wrong."""
    experiment = experiment_of(cfg)
    common = [str(o) for o in (cfg.get("common_overrides") or [])]
    first_seed = cfg.get("first_seed", 0)
    if isinstance(first_seed, bool) or not isinstance(first_seed, int) or first_seed < 0:
        raise ConfigError(f"first_seed = {first_seed!r} is not allowed: expected a non-negative integer")
    for key in ("workers", "chunk_size"):
        value = cfg.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise ConfigError(f"{key} = {value!r} is not allowed: expected a positive integer or null")
    for scenario in experiment.scenarios:
        scenario_config(scenario, experiment.days, common)
    return experiment, common


def compare(cfg: DictConfig, out_dir: Path) -> Comparison:
    """The plain function behind the CLI: run, tabulate, plot, write the report."""
    from experiments.compare_report import write_comparison

    experiment, common = check_compare_config(cfg)
    first_seed = int(cfg.get("first_seed", 0))
    seeds = list(range(first_seed, first_seed + experiment.seeds))
    workers = cfg.get("workers") or default_workers()
    comparison = run_comparison(experiment, seeds, common, workers=workers, chunk_size=cfg.get("chunk_size"),
                                progress=bool(cfg.get("progress", True)))
    if comparison.runs.empty or set(comparison.runs["scenario"]) != {s.name for s in experiment.scenarios}:
        failed = sorted({f["scenario"] for f in comparison.failures})
        raise RuntimeError(f"every run of scenario(s) {failed} failed; first error: "
                           f"{comparison.failures[0]['error'] if comparison.failures else 'none'}")
    write_comparison(comparison, kpi_table(comparison), out_dir)
    return comparison


def _hydra_main(cfg: DictConfig) -> None:
    from hydra.core.hydra_config import HydraConfig

    out_dir = Path(HydraConfig.get().runtime.output_dir)
    comparison = compare(cfg, out_dir)
    runs = len(comparison.runs)
    print(f"Compared {len(comparison.experiment.scenarios)} scenarios x {len(comparison.seeds)} seeds: "
          f"{runs} runs done, {len(comparison.failures)} failed, {comparison.seconds:.1f} s")
    print(f"Report: {out_dir / 'report.html'}")
    if comparison.failures:
        sys.exit(1)


def validate_or_exit(arguments: list[str]) -> None:
    """Compose the compare config with the command-line overrides and check it before Hydra writes anything."""
    from hydra import compose, initialize_config_dir

    from sim.compose import CONFIG_DIR

    if asks_for_information(arguments):
        return
    overrides = config_overrides(arguments)
    try:
        try:
            with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
                cfg = compose(config_name="compare", overrides=overrides)
        except Exception as error:  # Hydra's own messages: unknown key or experiment, bad syntax
            raise ConfigError(str(error).strip()) from None
        check_compare_config(cfg)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)


def main() -> None:
    import hydra

    from sim.compose import register

    validate_or_exit(sys.argv[1:])
    register()
    hydra.main(config_path="../configs", config_name="compare", version_base="1.3")(_hydra_main)()


if __name__ == "__main__":
    main()
