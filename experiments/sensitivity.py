"""Global sensitivity analysis with SALib: `python -m experiments.sensitivity method=morris|sobol`.

Samples the chosen parameters over their declared ranges (`experiments.ranges`), runs each
design point over replicate seeds (chunked, in parallel), computes Morris (mu*, sigma) or
Sobol (S1, ST with confidence intervals) indices per outcome, and writes into the Hydra
output directory: runs.parquet, indices.csv, one plot per outcome and report.md, which
names the top drivers in plain words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from experiments import analysis_common as common
from experiments.outcomes import OUTCOMES, check_names, measure
from experiments.ranges import ParamRange, problem as salib_problem, select
from sim.config import ConfigError, SimConfig

METHODS = ("morris", "sobol")
MEANING = {
    "morris": "mu* is the mean absolute elementary effect: the change in the outcome per move across the "
              "parameter's whole sampled range, estimated from one-level steps (outcome units); sigma is their "
              "spread, large when the effect depends on the other parameters or is non-linear.",
    "sobol": "S1 is the share of the outcome's variance due to the parameter alone, ST the share including its "
             "interactions with the others; ± is the half-width of the bootstrap confidence interval.",
}
COMMAND = "sensitivity"


@dataclass
class Settings(common.PoolSettings):
    """The settings of one sensitivity analysis (see configs/sensitivity.yaml)."""

    method: str = "morris"
    params: list = field(default_factory=lambda: ["levers"])
    bounds: dict = field(default_factory=dict)
    outcomes: list = field(default_factory=lambda: ["loyalty_end", "profit_total", "burnout_share_end",
                                                    "turnover_per_year"])
    seeds: int = 1
    sample_seed: int = 0
    trajectories: int = 10
    levels: int = 4
    base_samples: int = 64
    second_order: bool = False
    conf_level: float = 0.95
    resamples: int = 100
    top: int = 3


def check(config: SimConfig, seed: int, values: dict[str, Any]) -> tuple[Settings, list[ParamRange]]:
    """Validated settings and the parameter ranges they select; ConfigError naming any bad value."""
    settings = common.settings_from(Settings, values, "")
    if settings.method not in METHODS:
        raise ConfigError(f"method = {settings.method!r} is not allowed: expected one of {', '.join(METHODS)}")
    settings.outcomes = check_names(settings.outcomes)
    for name in ("seeds", "trajectories", "resamples", "top"):
        common.positive_int(name, getattr(settings, name))
    common.positive_int("levels", settings.levels, 2)
    common.positive_int("base_samples", settings.base_samples, 2)
    if settings.base_samples & (settings.base_samples - 1):
        raise ConfigError(f"base_samples = {settings.base_samples} is not allowed: expected a power of 2 "
                          f"(Sobol sequences), e.g. 64, 128, 256")
    if not 0.5 <= float(settings.conf_level) < 1:
        raise ConfigError(f"conf_level = {settings.conf_level!r} is not allowed: expected a number in [0.5, 1)")
    ranges = select(settings.params, settings.bounds)
    if settings.method == "morris" and len(ranges) < 2:
        raise ConfigError("params: Morris screening needs at least two parameters to vary")
    return settings, ranges


def sample_design(method: str, problem: dict[str, Any], settings: Settings) -> np.ndarray:
    """The SALib sample matrix (one row per design point, one column per parameter)."""
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(problem, settings.trajectories, num_levels=settings.levels, seed=settings.sample_seed)
    from SALib.sample import sobol

    return sobol.sample(problem, settings.base_samples, calc_second_order=settings.second_order,
                        seed=settings.sample_seed)


def analyse(method: str, problem: dict[str, Any], design: np.ndarray, response: np.ndarray,
            settings: Settings, outcome: str) -> pd.DataFrame:
    """SALib indices of one outcome: one row per parameter (an outcome that did not vary gives NaNs)."""
    rows = pd.DataFrame({"outcome": outcome, "parameter": problem["names"], "note": ""})
    undefined = int(np.sum(~np.isfinite(response)))
    if undefined or np.ptp(response) == 0:
        note = (f"undefined (NaN) at {undefined} of {len(response)} design points" if undefined
                else "did not vary over the design")
        return rows.assign(note=note, **{c: np.nan for c in _index_columns(method)})
    if method == "morris":
        from SALib.analyze import morris

        result = morris.analyze(problem, design, response, num_resamples=settings.resamples,
                                conf_level=settings.conf_level, num_levels=settings.levels, seed=settings.sample_seed)
        return rows.assign(mu=result["mu"], mu_star=result["mu_star"], mu_star_conf=result["mu_star_conf"],
                           sigma=result["sigma"])
    from SALib.analyze import sobol

    result = sobol.analyze(problem, response, calc_second_order=settings.second_order,
                           num_resamples=settings.resamples, conf_level=settings.conf_level, seed=settings.sample_seed)
    return rows.assign(S1=result["S1"], S1_conf=result["S1_conf"], ST=result["ST"], ST_conf=result["ST_conf"])


def _index_columns(method: str) -> list[str]:
    return ["mu", "mu_star", "mu_star_conf", "sigma"] if method == "morris" else ["S1", "S1_conf", "ST", "ST_conf"]


def drivers_in_words(method: str, indices: pd.DataFrame, top: int = 3) -> list[str]:
    """One plain sentence per outcome naming its top drivers (by mu* for Morris, ST for Sobol)."""
    sentences = []
    for outcome, table in indices.groupby("outcome", sort=False):
        meaning = OUTCOMES[outcome].meaning if outcome in OUTCOMES else outcome
        key = "mu_star" if method == "morris" else "ST"
        if table[key].isna().all():
            note = table["note"].iloc[0] if "note" in table else "did not vary over the design"
            sentences.append(f"- **{outcome}** ({meaning}) {note}: no driver can be named.")
            continue
        ranked = table.sort_values(key, ascending=False).head(top)
        if method == "morris":
            parts = [f"{r.parameter} (mu* {r.mu_star:.3g} ± {r.mu_star_conf:.2g}, sigma {r.sigma:.3g})"
                     for r in ranked.itertuples()]
            lead = ranked.iloc[0]
            shape = ("mostly through interactions or non-linearly (sigma > mu*)" if lead.sigma > lead.mu_star
                     else "mostly directly and monotonically (sigma <= mu*)")
            sentences.append(f"- **{outcome}** ({meaning}): the top drivers are {_join(parts)}; "
                             f"{lead.parameter} acts {shape}.")
        else:
            parts = [f"{r.parameter} ({r.S1:.0%} alone, {r.ST:.0%} with interactions, ± {r.ST_conf:.0%})"
                     for r in ranked.itertuples()]
            sentences.append(f"- **{outcome}** ({meaning}): the top drivers of its variance are {_join(parts)}.")
    return sentences


def _join(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def plot_outcome(method: str, table: pd.DataFrame, outcome: str) -> Any:
    """Morris: mu* against sigma; Sobol: S1 and ST bars with confidence intervals."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if method == "morris":
        figure, axes = plt.subplots(figsize=(6.5, 4.5))
        axes.errorbar(table["mu_star"], table["sigma"], xerr=table["mu_star_conf"], fmt="o", capsize=3)
        for row in table.itertuples():
            axes.annotate(row.parameter, (row.mu_star, row.sigma), fontsize=7, xytext=(3, 3),
                          textcoords="offset points")
        limit = np.nanmax(np.r_[table["mu_star"], table["sigma"], 1e-12]) * 1.1
        axes.plot([0, limit], [0, limit], "--", color="grey", linewidth=0.8, label="sigma = mu*")
        axes.set_xlabel("mu* (mean |elementary effect|)")
        axes.set_ylabel("sigma (non-linearity / interactions)")
        axes.legend(loc="upper left", fontsize=8)
    else:
        ordered = table.sort_values("ST")
        positions = np.arange(len(ordered))
        figure, axes = plt.subplots(figsize=(6.5, 0.35 * len(ordered) + 1.5))
        axes.barh(positions - 0.2, ordered["S1"], 0.4, xerr=ordered["S1_conf"], capsize=2, label="S1 (alone)")
        axes.barh(positions + 0.2, ordered["ST"], 0.4, xerr=ordered["ST_conf"], capsize=2,
                  label="ST (with interactions)")
        axes.set_yticks(positions, ordered["parameter"], fontsize=7)
        axes.set_xlabel("share of the outcome's variance")
        axes.legend(loc="lower right", fontsize=8)
    unit = OUTCOMES[outcome].unit if outcome in OUTCOMES else ""
    axes.set_title(f"{method.capitalize()} indices of {outcome} ({unit})", fontsize=10)
    return figure


def run_sensitivity(config: SimConfig, seed: int, settings: Settings, ranges: Sequence[ParamRange], out_dir: Path,
                    evaluate: Callable[[SimConfig, int], dict[str, float]] = measure) -> pd.DataFrame:
    """Sample, run, analyse and write everything into `out_dir`; return the indices table."""
    out_dir = Path(out_dir)
    problem = salib_problem(ranges)
    design = sample_design(settings.method, problem, settings)
    seeds = common.replicate_seeds(seed, settings.seeds)
    runs = common.run_design(config, ranges, design, seeds, settings.workers, settings.chunk_size,
                             settings.progress, evaluate, description=f"{settings.method} runs")
    common.write_runs(out_dir, runs, {"method": settings.method, "parameters": problem["names"]})
    common.require_all_ok(runs)
    means = common.point_means(runs, settings.outcomes)
    indices = pd.concat([analyse(settings.method, problem, design, means[name].to_numpy(), settings, name)
                         for name in settings.outcomes], ignore_index=True)
    common.write_csv(out_dir / "indices.csv", indices)
    plots = []
    for name in settings.outcomes:
        table = indices[indices["outcome"] == name]
        if table[_index_columns(settings.method)[0]].notna().any():
            common.save_figure(plot_outcome(settings.method, table, name), out_dir / f"{settings.method}_{name}.png")
            plots.append(f"![{name}]({settings.method}_{name}.png)")
    words = drivers_in_words(settings.method, indices, settings.top)
    words.insert(0, MEANING[settings.method])
    design_text = (f"{len(design)} design points x {len(seeds)} seed(s) = {len(runs)} runs of {config.days} days "
                   f"({config.organisation.teams} teams, {config.market.customers_per_team} customers per team).")
    common.write_report(out_dir, f"{settings.method.capitalize()} sensitivity analysis", [
        "## Top drivers\n\n" + "\n".join(words),
        "## Design\n\n" + design_text + "\n\n" + common.describe_ranges(ranges),
        "## Indices\n\n" + common.markdown_table(indices),
        "## Plots\n\n" + "\n\n".join(plots),
    ])
    print("\n".join(words))
    print(f"Results: {out_dir} (runs.parquet, indices.csv, report.md, plots)")
    return indices


def main() -> None:
    common.launch(COMMAND, check, run_sensitivity)


if __name__ == "__main__":
    main()
