"""Calibration: `python -m experiments.calibrate targets_file=configs/targets/example.yaml`.

Fits chosen behaviour coefficients to a firm's target statistics (a YAML file: outcome,
value, tolerance, weight) with Optuna's TPE sampler. Each trial runs the scenario over the
fitting seeds; the loss is the weighted mean of squared misses in units of tolerance. The
study is stored in SQLite, so rerunning continues it. The best values are then rerun on
held-out seeds. Writes into the Hydra output directory: fitted.yaml, fit.csv, trials.csv,
plots and report.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd
import yaml

from experiments import analysis_common as common
from experiments import studies
from experiments.outcomes import check_names, measure
from experiments.outputs import write_text
from experiments.ranges import ParamRange, select
from sim.compose import CONFIG_DIR
from sim.config import ConfigError, SimConfig

COMMAND = "calibrate"
PROJECT_DIR = CONFIG_DIR.parent


@dataclass(frozen=True)
class Target:
    """One statistic the model should reproduce: the firm's `value`, give or take `tolerance`."""

    outcome: str
    value: float
    tolerance: float
    weight: float = 1.0


@dataclass
class Settings(common.PoolSettings):
    """The settings of one calibration (see configs/calibrate.yaml)."""

    targets_file: str = "configs/targets/example.yaml"
    params: list = field(default_factory=list)
    bounds: dict = field(default_factory=dict)
    trials: int = 40
    batch: int | None = None
    seeds: int = 2
    holdout_seeds: int = 3
    study_name: str = "calibrate"
    study_dir: str = "outputs/studies"
    sample_seed: int = 0


def load_targets(path: str | Path) -> list[Target]:
    """The targets in a YAML file; ConfigError naming the file and the bad entry if it is missing or wrong.

    A relative path is looked up in the working directory, then in the project (for the shipped examples).
    """
    path = Path(path)
    if not path.is_file() and not path.is_absolute() and (PROJECT_DIR / path).is_file():
        path = PROJECT_DIR / path  # the shipped examples, from any working directory
    if not path.is_file():
        raise ConfigError(f"targets_file = {str(path)!r}: no such file (give a YAML file of target statistics, "
                          f"e.g. configs/targets/example.yaml)")
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ConfigError(f"targets_file = {str(path)!r} cannot be read: {error}") from None
    entries = document.get("targets") if isinstance(document, dict) else None
    if not isinstance(entries, dict) or not entries:
        raise ConfigError(f"targets_file = {str(path)!r} has no 'targets' mapping: expected targets: {{<outcome>: "
                          f"{{value: <number>, tolerance: <number > 0>, weight: <number >= 0, optional>}}}}")
    targets = []
    for name, entry in entries.items():
        check_names([name], where=f"{path}: targets")
        if not isinstance(entry, dict) or set(entry) - {"value", "tolerance", "weight"}:
            raise ConfigError(f"{path}: targets.{name} = {entry!r} is not allowed: expected {{value: <number>, "
                              f"tolerance: <number > 0>, weight: <number >= 0, optional>}}")
        numbers = {}
        for key, minimum, default in (("value", -math.inf, None), ("tolerance", 0.0, None), ("weight", 0.0, 1.0)):
            value = entry.get(key, default)
            ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            if not ok or value < minimum or (key == "tolerance" and value == 0):
                rule = {"value": "a finite number", "tolerance": "a number > 0", "weight": "a number >= 0"}[key]
                raise ConfigError(f"{path}: targets.{name}.{key} = {value!r} is not allowed: expected {rule}")
            numbers[key] = float(value)
        targets.append(Target(name, numbers["value"], numbers["tolerance"], numbers["weight"]))
    if sum(t.weight for t in targets) <= 0:
        raise ConfigError(f"{path}: every target has weight 0; give at least one a positive weight")
    return targets


def check(config: SimConfig, seed: int, values: dict[str, Any]) -> tuple[Settings, list[ParamRange], list[Target]]:
    """Validated settings, parameter ranges and targets; ConfigError naming any bad value."""
    settings = common.settings_from(Settings, values, "")
    for name in ("trials", "seeds", "holdout_seeds"):
        common.positive_int(name, getattr(settings, name))
    if settings.batch is not None:
        common.positive_int("batch", settings.batch)
    if not settings.params:
        raise ConfigError("params: choose the coefficients to fit, e.g. [behaviour.engagement_base]")
    ranges = select(settings.params, settings.bounds)
    return settings, ranges, load_targets(settings.targets_file)


def loss(simulated: dict[str, float], targets: Sequence[Target]) -> float:
    """Weighted mean of ((simulated - value) / tolerance)^2; infinite if any target outcome is missing."""
    total, weights = 0.0, 0.0
    for t in targets:
        value = simulated.get(t.outcome, math.nan)
        if not math.isfinite(value):
            return math.inf
        total += t.weight * ((value - t.value) / t.tolerance) ** 2
        weights += t.weight
    return total / weights


def fit_table(targets: Sequence[Target], runs: pd.DataFrame) -> pd.DataFrame:
    """Per target: the firm's value, the simulated mean and SD over seeds, the miss in tolerances."""
    rows = []
    for t in targets:
        values = runs[t.outcome].astype(float)
        mean = float(values.mean())
        rows.append({"outcome": t.outcome, "target": t.value, "tolerance": t.tolerance, "weight": t.weight,
                     "simulated": mean, "simulated_sd": float(values.std(ddof=1)) if len(values) > 1 else 0.0,
                     "miss_in_tolerances": (mean - t.value) / t.tolerance,
                     "within_tolerance": bool(abs(mean - t.value) <= t.tolerance)})
    return pd.DataFrame(rows)


def run_calibration(config: SimConfig, seed: int, settings: Settings, ranges: Sequence[ParamRange],
                    targets: Sequence[Target], out_dir: Path,
                    evaluate: Callable[[SimConfig, int], dict[str, float]] = measure) -> dict[str, Any]:
    """Run (or continue) the study, check the best values on held-out seeds and write the report.

    Returns {"fitted": {path: value}, "fit": fit table (fitting seeds), "holdout": fit table (held-out seeds)}.
    """
    import optuna

    out_dir = Path(out_dir)
    fit_seeds = common.replicate_seeds(seed, settings.seeds)
    holdout_seeds = common.replicate_seeds(seed + settings.seeds, settings.holdout_seeds)
    setup = {"parameters": {r.path: [r.low, r.high] for r in ranges}, "fit_seeds": fit_seeds,
             "targets": [t.__dict__ for t in targets], "scenario": repr(config)}
    sampler = optuna.samplers.TPESampler(seed=settings.sample_seed)
    study, db_path = studies.open_study(settings.study_dir, settings.study_name, ["minimize"], sampler, setup,
                                        start=studies.current_values(config, ranges))

    def score(trial: Any, runs: pd.DataFrame) -> float | None:
        simulated = {t.outcome: float(runs[t.outcome].mean()) for t in targets}
        trial.set_user_attr("simulated", simulated)
        value = loss(simulated, targets)
        if not math.isfinite(value):
            trial.set_user_attr("error", "a target outcome was undefined (NaN) in this run")
            return None
        return value

    studies.run_trials(study, config, ranges, fit_seeds, settings.trials,
                       studies.batch_size(settings.batch, settings.workers), score, evaluate, settings.workers,
                       settings.chunk_size, settings.progress, description="calibration trials")
    completed = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    if not completed:
        raise common.AnalysisError(f"no trial of study {settings.study_name!r} completed; see trials.csv "
                                   f"({len(study.trials)} trials)")
    best = study.best_trial
    fitted = {r.path: r.value(best.params[r.path]) for r in ranges}
    best_row = np.array([[fitted[r.path] for r in ranges]])
    checks = common.run_design(config, ranges, best_row, fit_seeds + holdout_seeds, settings.workers,
                               settings.chunk_size, settings.progress, evaluate, description="held-out check")
    common.require_all_ok(checks)
    fit = fit_table(targets, checks[checks["seed"].isin(fit_seeds)])
    holdout = fit_table(targets, checks[checks["seed"].isin(holdout_seeds)])
    holdout_loss = loss(dict(zip(holdout["outcome"], holdout["simulated"])), targets)
    _write_outputs(out_dir, study, settings, ranges, targets, fitted, best.value, fit, holdout, holdout_loss,
                   db_path, fit_seeds, holdout_seeds)
    return {"fitted": fitted, "fit": fit, "holdout": holdout, "loss": best.value, "holdout_loss": holdout_loss}


def _write_outputs(out_dir: Path, study: Any, settings: Settings, ranges: Sequence[ParamRange],
                   targets: Sequence[Target], fitted: dict[str, Any], best_loss: float, fit: pd.DataFrame,
                   holdout: pd.DataFrame, holdout_loss: float, db_path: Path, fit_seeds: list[int],
                   holdout_seeds: list[int]) -> None:
    trials = study.trials_dataframe(attrs=("number", "value", "state", "params", "user_attrs"))
    common.write_csv(out_dir / "trials.csv", trials)
    both = pd.concat([fit.assign(seeds="fitting"), holdout.assign(seeds="held-out")], ignore_index=True)
    common.write_csv(out_dir / "fit.csv", both)
    overrides = [f"{path}={value}" for path, value in fitted.items()]
    write_text(out_dir / "fitted.yaml", yaml.safe_dump({"fitted": fitted, "loss": float(best_loss),
                                                        "holdout_loss": float(holdout_loss),
                                                        "overrides": overrides}, sort_keys=False))
    write_text(out_dir / "targets.yaml", yaml.safe_dump({"source": str(settings.targets_file),
                                                         "targets": {t.outcome: {"value": t.value,
                                                                                 "tolerance": t.tolerance,
                                                                                 "weight": t.weight}
                                                                     for t in targets}}, sort_keys=False))
    common.save_figure(_plot(study, fit, holdout), out_dir / "calibration.png")
    words = []
    for r in ranges:
        words.append(f"- {r.path} = {fitted[r.path]:.4g} {r.unit} (searched {r.low:g} to {r.high:g}; "
                     f"default {r.default:g}): {r.help}.")
    within_fit, within_holdout = int(fit["within_tolerance"].sum()), int(holdout["within_tolerance"].sum())
    verdict = (f"{within_fit} of {len(targets)} targets are within tolerance on the {len(fit_seeds)} fitting "
               f"seed(s) (loss {best_loss:.3g}) and {within_holdout} of {len(targets)} on the "
               f"{len(holdout_seeds)} held-out seed(s) (loss {holdout_loss:.3g}). A loss of 1 means every target "
               f"is missed by one tolerance on average.")
    start = studies.current_trial(study)
    if start is not None:
        verdict += f" The scenario's own values (trial {start.number}) gave a loss of {start.value:.3g}."
    if holdout_loss > 2 * max(best_loss, 0.5):
        verdict += (" The held-out loss is much larger than the fitting loss: the fit leans on the noise of the "
                    "fitting seeds; use more seeds.")
    common.write_report(out_dir, "Calibration", [
        "## Fitted values\n\n" + "\n".join(words) + "\n\nAs overrides: `" + " ".join(overrides) + "`",
        "## Fit per target\n\n" + verdict + "\n\n" + common.markdown_table(both),
        f"## Study\n\n{common.markdown_table(pd.DataFrame([{'study': settings.study_name, 'file': str(db_path)}]))}"
        f"\n\n{len(study.trials)} trials in the study; rerun the same command to continue it.",
        "![calibration](calibration.png)",
    ])
    print("\n".join(words))
    print(verdict)
    print(f"Results: {out_dir} (fitted.yaml, fit.csv, trials.csv, report.md); study: {db_path}")


def _plot(study: Any, fit: pd.DataFrame, holdout: pd.DataFrame) -> Any:
    """Loss by trial, and each target against its simulated value on fitting and held-out seeds."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (history, targets) = plt.subplots(1, 2, figsize=(11, 4))
    values = [(t.number, t.value) for t in study.trials if t.value is not None]
    if values:
        numbers, losses = zip(*values)
        history.plot(numbers, losses, "o", markersize=3, alpha=0.6, label="trial")
        history.plot(numbers, np.minimum.accumulate(losses), "-", label="best so far")
        history.set_yscale("log")
    history.set_xlabel("trial")
    history.set_ylabel("loss (mean squared miss in tolerances)")
    history.legend(fontsize=8)
    positions = np.arange(len(fit))
    targets.axhspan(-1, 1, color="green", alpha=0.1, label="within tolerance")
    targets.errorbar(positions - 0.1, fit["miss_in_tolerances"], yerr=fit["simulated_sd"] / fit["tolerance"],
                     fmt="o", capsize=3, label="fitting seeds")
    targets.errorbar(positions + 0.1, holdout["miss_in_tolerances"],
                     yerr=holdout["simulated_sd"] / holdout["tolerance"], fmt="s", capsize=3, label="held-out seeds")
    targets.axhline(0, color="grey", linewidth=0.8)
    targets.set_xticks(positions, fit["outcome"], rotation=30, ha="right", fontsize=7)
    targets.set_ylabel("(simulated - target) / tolerance")
    targets.legend(fontsize=8)
    figure.tight_layout()
    return figure


def main() -> None:
    common.launch(COMMAND, check, run_calibration)


if __name__ == "__main__":
    main()
