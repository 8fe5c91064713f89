"""Scenario discovery: `python -m experiments.discover outcome=loyalty_end threshold=0.6`.

Samples levers and uncertain coefficients over their declared ranges (Latin hypercube),
runs every point, marks the runs in which the outcome collapses (falls below the
threshold), and lets PRIM (ema-workbench) find the boxes of the input space where
collapses concentrate. Writes into the Hydra output directory: runs.parquet, boxes.csv,
one peeling-trajectory plot per box and report.md, which states each box in plain words.
"""

from __future__ import annotations

import inspect
import logging
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from experiments import analysis_common as common
from experiments.outcomes import OUTCOMES, check_names, measure
from experiments.ranges import ParamRange, select
from sim.config import ConfigError, SimConfig

COMMAND = "discover"
SIGNIFICANCE = 0.05  # quasi-p-value at or below which a box's restriction is taken as real


@dataclass
class Settings(common.PoolSettings):
    """The settings of one discovery (see configs/discover.yaml)."""

    params: list = field(default_factory=lambda: ["levers", "uncertainties"])
    bounds: dict = field(default_factory=dict)
    samples: int = 300
    seeds: int = 1
    sample_seed: int = 0
    outcome: str = "loyalty_end"
    threshold: float = 0.6
    below: bool = True
    min_density: float = 0.8
    peel_alpha: float = 0.05
    mass_min: float = 0.05
    max_boxes: int = 3


@dataclass(frozen=True)
class Box:
    """One PRIM box: its limits on the restricted parameters and how well it captures the collapses."""

    number: int
    limits: dict[str, tuple[float | None, float | None]]  # restricted parameter -> (low, high); None: not cut
    coverage: float  # share of all cases of interest that fall in the box
    density: float   # share of the runs in the box that are cases of interest
    mass: float      # share of all runs that fall in the box
    runs: int
    quasi_p: dict[str, float]
    core_density: float = float("nan")  # density with only the significant restrictions (quasi-p <= 0.05)
    core_runs: int = 0

    @property
    def significant(self) -> list[str]:
        return [path for path in self.limits if self.quasi_p.get(path, 1.0) <= SIGNIFICANCE]


def check(config: SimConfig, seed: int, values: dict[str, Any]) -> tuple[Settings, list[ParamRange]]:
    """Validated settings and parameter ranges; ConfigError naming any bad value."""
    settings = common.settings_from(Settings, values, "")
    for name in ("seeds", "max_boxes"):
        common.positive_int(name, getattr(settings, name))
    common.positive_int("samples", settings.samples, 10)
    check_names([settings.outcome], where="outcome")
    if isinstance(settings.threshold, bool) or not isinstance(settings.threshold, (int, float)):
        raise ConfigError(f"threshold = {settings.threshold!r} is not allowed: expected a number")
    for name, low, high in (("min_density", 0.0, 1.0), ("peel_alpha", 0.0, 0.5), ("mass_min", 0.0, 1.0)):
        value = getattr(settings, name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low < value < high:
            raise ConfigError(f"{name} = {value!r} is not allowed: expected a number in ({low}, {high})")
    return settings, select(settings.params, settings.bounds)


def latin_hypercube(ranges: Sequence[ParamRange], samples: int, seed: int) -> np.ndarray:
    """`samples` points spread evenly over every range (one column per parameter)."""
    from scipy.stats import qmc

    unit = qmc.LatinHypercube(d=len(ranges), seed=seed).random(samples)
    return qmc.scale(unit, [r.low for r in ranges], [r.high for r in ranges])


def find_boxes(inputs: pd.DataFrame, of_interest: np.ndarray, settings: Settings) -> list[Box]:
    """Run PRIM (ema-workbench) and return up to `max_boxes` boxes in which cases of interest concentrate.

    For each box the peeling step kept is the one with the highest coverage at the required
    density (the earliest such step, so no more restricted than needed). Restrictions whose
    quasi-p-value is above 0.05 are incidental peels; they are released when the box keeps
    the required density without them, so the words name only what matters.
    """
    logging.getLogger("EMA").setLevel(logging.WARNING)  # its per-box INFO lines would swamp the command's output
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ema-workbench warns about optional parallel back-ends on import
        from ema_workbench.analysis import prim

        options = {"peel_alpha": settings.peel_alpha, "mass_min": settings.mass_min}
        if "threshold" in inspect.signature(prim.Prim).parameters:  # ema-workbench 2.x; 3.x has no threshold
            options["threshold"] = settings.min_density
        finder = prim.Prim(inputs, of_interest.astype(int), **options)
        initial = finder.box_init
        boxes: list[Box] = []
        for number in range(1, settings.max_boxes + 1):
            found = finder.find_box()
            if found is None:
                break
            trajectory = found.peeling_trajectory
            dense = trajectory[trajectory["density"] >= settings.min_density]
            if dense.empty:
                break
            best_coverage = dense["coverage"].max()
            step = int(dense.index[np.isclose(dense["coverage"], best_coverage)].min())
            found.select(step)
            limits = _restricted(found.box_lims[step], initial)
            if not limits:
                break
            qp = (found.qp if hasattr(found, "qp") else found.p_values)[step]  # renamed in ema-workbench 3
            remaining = np.asarray(found.yi_initial)
            limits = _release_incidental(limits, qp, inputs.iloc[remaining], of_interest[remaining],
                                         settings.min_density)
            coverage, density, mass, runs = _box_stats(limits, inputs, of_interest, remaining)
            quasi_p = {k: _quasi_p(v) for k, v in qp.items() if k in limits}
            core = {k: v for k, v in limits.items() if quasi_p.get(k, 1.0) <= SIGNIFICANCE}
            _, core_density, _, core_runs = _box_stats(core, inputs, of_interest, remaining)
            boxes.append(Box(number, limits, coverage, density, mass, runs, quasi_p, core_density, core_runs))
    return boxes


def _inside(limits: dict[str, tuple[float | None, float | None]], inputs: pd.DataFrame) -> np.ndarray:
    inside = np.ones(len(inputs), dtype=bool)
    for path, (low, high) in limits.items():
        if low is not None:
            inside &= inputs[path].to_numpy() >= low
        if high is not None:
            inside &= inputs[path].to_numpy() <= high
    return inside


def _box_stats(limits: dict[str, tuple[float | None, float | None]], inputs: pd.DataFrame, of_interest: np.ndarray,
               remaining: np.ndarray) -> tuple[float, float, float, int]:
    """Coverage (of all cases of interest), density, mass (of all runs) and runs of a box over the data PRIM had."""
    inside = _inside(limits, inputs.iloc[remaining])
    hits = of_interest[remaining][inside]
    total = max(int(of_interest.sum()), 1)
    return float(hits.sum() / total), float(hits.mean()) if inside.any() else 0.0, \
        float(inside.sum() / len(inputs)), int(inside.sum())


def _release_incidental(limits: dict[str, tuple[float | None, float | None]], qp: dict[str, Any],
                        inputs: pd.DataFrame, of_interest: np.ndarray, min_density: float
                        ) -> dict[str, tuple[float | None, float | None]]:
    """Drop the sides with quasi-p > 0.05 one by one (least significant first) while density stays high enough."""
    sides = [(float(qp[path][i]), path, i) for path in limits for i in (0, 1)
             if limits[path][i] is not None and float(qp[path][i]) > SIGNIFICANCE]
    for _, path, i in sorted(sides, reverse=True):
        trial = dict(limits)
        low, high = trial[path]
        trial[path] = (None, high) if i == 0 else (low, None)
        if trial[path] == (None, None):
            del trial[path]
        inside = _inside(trial, inputs)
        if trial and inside.any() and of_interest[inside].mean() >= min_density:
            limits = trial
    return limits


def _restricted(limits: pd.DataFrame, initial: pd.DataFrame) -> dict[str, tuple[float | None, float | None]]:
    """The parameters the box cuts, with the side(s) cut (None where the box reaches the data's edge)."""
    restricted = {}
    for column in limits.columns:
        low, high = float(limits[column].iloc[0]), float(limits[column].iloc[1])
        cut_low, cut_high = low > float(initial[column].iloc[0]), high < float(initial[column].iloc[1])
        if cut_low or cut_high:
            restricted[column] = (low if cut_low else None, high if cut_high else None)
    return restricted


def _quasi_p(values: Any) -> float:
    """The smallest quasi-p-value of the restricted side(s) (ema-workbench marks an uncut side with -1)."""
    cut = [float(v) for v in np.atleast_1d(values) if v is not None and np.isfinite(v) and v >= 0]
    return min(cut) if cut else float("nan")


def box_in_words(box: Box, settings: Settings) -> str:
    """'When pressure > 0.70 and appreciation < 0.30, loyalty_end falls below 0.6 in 83% of runs (...)'.

    Restrictions that are not significant are counted, not spelled out (boxes.csv lists them), and
    the share for the significant restrictions alone is given, so the words do not overstate them.
    """
    weak = [path for path in box.limits if path not in box.significant]
    named = box.significant if box.significant else list(box.limits)
    conditions = []
    for path in named:
        low, high = box.limits[path]
        if low is not None and high is not None:
            conditions.append(f"{path} is between {low:.3g} and {high:.3g}")
        elif low is not None:
            conditions.append(f"{path} > {low:.3g}")
        else:
            conditions.append(f"{path} < {high:.3g}")
    verb = "falls below" if settings.below else "rises above"
    text = f"- **Box {box.number}**: when {' and '.join(conditions)}"
    if weak and box.significant:
        text += f" (and {len(weak)} weaker restriction{'s' if len(weak) > 1 else ''}, quasi-p > {SIGNIFICANCE:g})"
    text += (f", {settings.outcome} {verb} {settings.threshold:g} in {box.density:.0%} of runs ({box.runs} runs, "
             f"{box.mass:.0%} of all runs; the box holds {box.coverage:.0%} of all such runs).")
    if weak and box.significant:
        text += (f" With the significant restriction{'s' if len(named) > 1 else ''} alone: {box.core_density:.0%} "
                 f"of {box.core_runs} runs.")
    elif weak:
        text += f" No single restriction is significant (quasi-p > {SIGNIFICANCE:g}): treat this box as weak."
    return text


def run_discovery(config: SimConfig, seed: int, settings: Settings, ranges: Sequence[ParamRange], out_dir: Path,
                  evaluate: Callable[[SimConfig, int], dict[str, float]] = measure) -> list[Box]:
    """Sample, run, find the boxes and write everything into `out_dir`; return the boxes."""
    out_dir = Path(out_dir)
    design = latin_hypercube(ranges, settings.samples, settings.sample_seed)
    seeds = common.replicate_seeds(seed, settings.seeds)
    runs = common.run_design(config, ranges, design, seeds, settings.workers, settings.chunk_size,
                             settings.progress, evaluate, description="discovery runs")
    values = runs[settings.outcome].to_numpy(dtype=float)
    runs["of_interest"] = (values < settings.threshold) if settings.below else (values > settings.threshold)
    runs["defined"] = np.isfinite(values)
    common.write_runs(out_dir, runs, {"outcome": settings.outcome, "threshold": settings.threshold,
                                      "below": settings.below, "parameters": [r.path for r in ranges]})
    common.require_all_ok(runs)
    cases = runs[runs["defined"]].reset_index(drop=True)
    of_interest = cases["of_interest"].to_numpy()
    verb = "below" if settings.below else "above"
    share = f"{settings.outcome} ended {verb} {settings.threshold:g} in {of_interest.sum()} of {len(cases)} runs " \
            f"({of_interest.mean():.0%})."
    if len(cases) < len(runs):
        share += f" {len(runs) - len(cases)} runs where {settings.outcome} was undefined (NaN) are left out."
    boxes: list[Box] = []
    if 0 < of_interest.sum() < len(cases):
        boxes = find_boxes(cases[[r.path for r in ranges]].astype(float), of_interest, settings)
    words = [box_in_words(box, settings) for box in boxes] or [
        f"- PRIM found no box in which at least {settings.min_density:.0%} of runs end {verb} "
        f"{settings.threshold:g}: collapses are not concentrated in a region of the sampled space "
        f"(or there are too few or too many of them; change the threshold or sample more)."]
    table = pd.DataFrame([{"box": b.number, "parameter": path, "low": low, "high": high,
                           "quasi_p": b.quasi_p.get(path, np.nan), "coverage": b.coverage, "density": b.density,
                           "mass": b.mass, "runs": b.runs} for b in boxes for path, (low, high) in b.limits.items()],
                         columns=["box", "parameter", "low", "high", "quasi_p", "coverage", "density", "mass", "runs"])
    common.write_csv(out_dir / "boxes.csv", table)
    plots = _plot_boxes(cases, boxes, settings, out_dir)
    meaning = OUTCOMES[settings.outcome].meaning
    design_text = (f"{settings.samples} Latin-hypercube points x {len(seeds)} seed(s) = {len(runs)} runs of "
                   f"{config.days} days ({config.organisation.teams} teams, {config.market.customers_per_team} "
                   f"customers per team), {len(ranges)} parameters varied.")
    common.write_report(out_dir, f"Scenario discovery: where {settings.outcome} collapses", [
        f"## Boxes\n\n{settings.outcome}: {meaning}. {share}\n\n" + "\n".join(words)
        + "\n\nCoverage is the share of all collapses a box holds; density the share of runs in the box that "
          "collapse; a quasi-p-value below 0.05 says the restriction on that parameter is unlikely to be chance.",
        "## Box limits\n\n" + common.markdown_table(table),
        "## Design\n\n" + design_text + "\n\n" + common.describe_ranges(ranges),
        "## Plots\n\n" + "\n\n".join(f"![{p}]({p})" for p in plots),
    ])
    print(share)
    print("\n".join(words))
    print(f"Results: {out_dir} (report.md, boxes.csv, runs.parquet)")
    return boxes


def _plot_boxes(runs: pd.DataFrame, boxes: Sequence[Box], settings: Settings, out_dir: Path) -> list[str]:
    """For each box, the runs on its two most restricted parameters, the box drawn over them."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    names = []
    for box in boxes:
        paths = sorted(box.limits, key=lambda p: box.quasi_p.get(p, 1.0))[:2]
        figure, axes = plt.subplots(figsize=(6, 4.5))
        x = runs[paths[0]]
        y = runs[paths[1]] if len(paths) > 1 else runs[settings.outcome]
        colours = np.where(runs["of_interest"], "tab:red", "tab:blue")
        axes.scatter(x, y, c=colours, s=10, alpha=0.6)
        x_low, x_high = _edges(box.limits[paths[0]], x)
        y_low, y_high = _edges(box.limits[paths[1]], y) if len(paths) > 1 else (float(y.min()), float(y.max()))
        axes.add_patch(Rectangle((x_low, y_low), x_high - x_low, y_high - y_low, fill=False, edgecolor="black",
                                 linewidth=1.5))
        axes.set_xlabel(paths[0])
        axes.set_ylabel(paths[1] if len(paths) > 1 else settings.outcome)
        axes.set_title(f"Box {box.number}: red = {settings.outcome} {'<' if settings.below else '>'} "
                       f"{settings.threshold:g} (density {box.density:.0%}, coverage {box.coverage:.0%})", fontsize=9)
        name = f"box_{box.number}.png"
        common.save_figure(figure, out_dir / name)
        names.append(name)
    return names


def _edges(limits: tuple[float | None, float | None], data: pd.Series) -> tuple[float, float]:
    low, high = limits
    return (float(data.min()) if low is None else low), (float(data.max()) if high is None else high)


def main() -> None:
    common.launch(COMMAND, check, run_discovery)


if __name__ == "__main__":
    main()
