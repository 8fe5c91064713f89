"""Policy optimisation: `python -m experiments.optimise`.

Searches lever settings that maximise (or minimise) chosen outcomes under constraints on
others (burnout share <= 10%, turnover <= 20%/year...), each trial averaged over replicate
seeds, with Optuna (TPE or NSGA-II, constraints handled by the sampler). One objective gives
the best feasible policy; several give the feasible Pareto front. The study is stored in
SQLite, so rerunning continues it. Writes into the Hydra output directory: trials.csv,
front.csv, a plot and report.md with the recommended policies in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from experiments import analysis_common as common
from experiments import studies
from experiments.outcomes import OUTCOMES, check_names, measure
from experiments.ranges import ParamRange, select
from sim.config import ConfigError, SimConfig

COMMAND = "optimise"
DIRECTIONS = ("maximize", "minimize")
SAMPLERS = ("tpe", "nsga2")


@dataclass(frozen=True)
class Objective:
    outcome: str
    direction: str  # "maximize" or "minimize"


@dataclass(frozen=True)
class Constraint:
    """The mean of `outcome` over the seeds must be <= max and/or >= min."""

    outcome: str
    max: float | None = None
    min: float | None = None

    def violation(self, value: float) -> float:
        """How far `value` is outside the bound (<= 0 when satisfied), as Optuna wants it."""
        over = value - self.max if self.max is not None else -np.inf
        under = self.min - value if self.min is not None else -np.inf
        return float(max(over, under))

    def words(self) -> str:
        parts = [f"<= {OUTCOMES[self.outcome].show(self.max)}" if self.max is not None else "",
                 f">= {OUTCOMES[self.outcome].show(self.min)}" if self.min is not None else ""]
        return f"{self.outcome} {' and '.join(p for p in parts if p)}"


@dataclass
class Settings(common.PoolSettings):
    """The settings of one optimisation (see configs/optimise.yaml)."""

    params: list = field(default_factory=lambda: ["policy.pressure", "policy.appreciation"])
    bounds: dict = field(default_factory=dict)
    objectives: list = field(default_factory=lambda: [{"outcome": "profit_total", "direction": "maximize"}])
    constraints: list = field(default_factory=list)
    trials: int = 60
    batch: int | None = None
    seeds: int = 3
    sampler: str = "tpe"
    study_name: str = "optimise"
    study_dir: str = "outputs/studies"
    sample_seed: int = 0


def _objectives(entries: Any) -> list[Objective]:
    if not isinstance(entries, (list, tuple)) or not entries:
        raise ConfigError(f"objectives = {entries!r} is not allowed: expected a list of {{outcome: <name>, "
                          f"direction: maximize|minimize}}")
    objectives = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or set(entry) != {"outcome", "direction"}:
            raise ConfigError(f"objectives[{i}] = {entry!r} is not allowed: expected {{outcome: <name>, "
                              f"direction: maximize|minimize}}")
        check_names([entry["outcome"]], where=f"objectives[{i}].outcome")
        if entry["direction"] not in DIRECTIONS:
            raise ConfigError(f"objectives[{i}].direction = {entry['direction']!r} is not allowed: expected "
                              f"maximize or minimize")
        objectives.append(Objective(entry["outcome"], entry["direction"]))
    return objectives


def _constraints(entries: Any) -> list[Constraint]:
    if not isinstance(entries, (list, tuple)):
        raise ConfigError(f"constraints = {entries!r} is not allowed: expected a list of {{outcome: <name>, "
                          f"max: <number>}} or {{outcome: <name>, min: <number>}}")
    constraints = []
    for i, entry in enumerate(entries):
        keys = set(entry) if isinstance(entry, dict) else set()
        if "outcome" not in keys or not (keys - {"outcome"}) or keys - {"outcome", "max", "min"}:
            raise ConfigError(f"constraints[{i}] = {entry!r} is not allowed: expected {{outcome: <name>, "
                              f"max: <number>}} and/or min: <number>")
        check_names([entry["outcome"]], where=f"constraints[{i}].outcome")
        for key in ("max", "min"):
            value = entry.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
                raise ConfigError(f"constraints[{i}].{key} = {value!r} is not allowed: expected a number")
        constraints.append(Constraint(entry["outcome"], entry.get("max"), entry.get("min")))
    return constraints


def check(config: SimConfig, seed: int, values: dict[str, Any]
          ) -> tuple[Settings, list[ParamRange], list[Objective], list[Constraint]]:
    """Validated settings, lever ranges, objectives and constraints; ConfigError naming any bad value."""
    settings = common.settings_from(Settings, values, "")
    for name in ("trials", "seeds"):
        common.positive_int(name, getattr(settings, name))
    if settings.batch is not None:
        common.positive_int("batch", settings.batch)
    if settings.sampler not in SAMPLERS:
        raise ConfigError(f"sampler = {settings.sampler!r} is not allowed: expected one of {', '.join(SAMPLERS)}")
    ranges = select(settings.params, settings.bounds)
    return settings, ranges, _objectives(settings.objectives), _constraints(settings.constraints)


def make_sampler(name: str, seed: int) -> Any:
    """The Optuna sampler; both read the constraint violations each trial records (`Trial.set_constraint`)."""
    import optuna

    if name == "nsga2":
        return optuna.samplers.NSGAIISampler(seed=seed)
    return optuna.samplers.TPESampler(seed=seed, multivariate=True)


def pareto_front(points: np.ndarray, directions: Sequence[str]) -> np.ndarray:
    """Boolean mask of the non-dominated rows of `points` (one column per objective)."""
    signs = np.array([1.0 if d == "maximize" else -1.0 for d in directions])
    gains = np.asarray(points, dtype=float) * signs
    mask = np.ones(len(gains), dtype=bool)
    for i, row in enumerate(gains):
        dominated_by = np.all(gains >= row, axis=1) & np.any(gains > row, axis=1)
        mask[i] = not dominated_by.any()
    return mask


def trial_table(study: Any, ranges: Sequence[ParamRange], objectives: Sequence[Objective],
                constraints: Sequence[Constraint]) -> pd.DataFrame:
    """One row per finished trial: levers, mean outcomes, feasibility and whether it is on the front."""
    import optuna

    rows = []
    for trial in study.trials:
        if trial.state != optuna.trial.TrialState.COMPLETE:
            continue
        means = trial.user_attrs.get("outcomes", {})
        row = {"trial": trial.number, **{r.path: r.value(trial.params[r.path]) for r in ranges}}
        row.update({name: means.get(name, np.nan) for name in _shown_outcomes(objectives, constraints)})
        row["feasible"] = all(v <= 0 for v in trial.user_attrs.get("constraint", []))
        row["current"] = bool(trial.user_attrs.get("current", False))
        rows.append(row)
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    table["on_front"] = False
    feasible = table[table["feasible"]]
    if len(feasible):
        mask = pareto_front(feasible[[o.outcome for o in objectives]].to_numpy(), [o.direction for o in objectives])
        table.loc[feasible.index[mask], "on_front"] = True
    return table


def _shown_outcomes(objectives: Sequence[Objective], constraints: Sequence[Constraint]) -> list[str]:
    names = [o.outcome for o in objectives] + [c.outcome for c in constraints]
    names += [n for n in ("loyalty_end", "profit_total", "burnout_share_end", "turnover_per_year") if n not in names]
    return list(dict.fromkeys(names))


def recommend(front: pd.DataFrame, objectives: Sequence[Objective]) -> list[tuple[str, pd.Series]]:
    """Named picks from the feasible front: the best on each objective and, with several, the balanced one.

    The balanced policy is the front point closest to the ideal point once each objective
    is scaled to [0, 1] over the front.
    """
    picks: list[tuple[str, pd.Series]] = []
    for o in objectives:
        row = front.loc[front[o.outcome].idxmax() if o.direction == "maximize" else front[o.outcome].idxmin()]
        picks.append((f"best {o.outcome}", row))
    if len(objectives) > 1 and len(front) > 2:
        scaled = []
        for o in objectives:
            values = front[o.outcome].to_numpy(dtype=float)
            spread = np.ptp(values) or 1.0
            gain = (values - values.min()) / spread
            scaled.append(1 - gain if o.direction == "maximize" else gain)
        distance = np.sqrt(np.sum(np.square(scaled), axis=0))
        picks.append(("balanced", front.iloc[int(np.argmin(distance))]))
    unique: list[tuple[str, pd.Series]] = []
    for name, row in picks:
        for i, (other_name, other) in enumerate(unique):
            if other["trial"] == row["trial"]:
                unique[i] = (f"{other_name} and {name}", other)
                break
        else:
            unique.append((name, row))
    return unique


def policy_in_words(name: str, row: pd.Series, ranges: Sequence[ParamRange], config: SimConfig,
                    shown: Sequence[str]) -> str:
    """One recommended policy: the lever settings against the current scenario, and what they give."""
    changes = []
    for r in ranges:
        section, key = r.path.split(".")
        current = getattr(getattr(config, section), key)
        new = row[r.path]
        verb = "raise" if new > current else "lower" if new < current else "keep"
        changes.append(f"{verb} {r.label} from {current:g} to {new:.3g}" if verb != "keep"
                       else f"keep {r.label} at {current:g}")
    results = ", ".join(f"{n} {OUTCOMES[n].show(row[n])}" for n in shown)
    return f"- **{name}** (trial {int(row['trial'])}): {'; '.join(changes)}. Expected: {results}."


def current_in_words(table: pd.DataFrame, constraints: Sequence[Constraint], shown: Sequence[str]) -> str:
    """What the scenario's current lever settings give, and which constraints they break."""
    current = table[table["current"]]
    if current.empty:
        return "- The current settings lie outside the searched ranges, so they were not evaluated."
    row = current.iloc[0]
    results = ", ".join(f"{n} {OUTCOMES[n].show(row[n])}" for n in shown)
    broken = [c.words() for c in constraints if c.violation(row[c.outcome]) > 0]
    verdict = f"breaks {'; '.join(broken)}" if broken else "meets every constraint"
    return f"- For comparison, **the current settings** (trial {int(row['trial'])}) give {results}; they {verdict}."


def run_optimisation(config: SimConfig, seed: int, settings: Settings, ranges: Sequence[ParamRange],
                     objectives: Sequence[Objective], constraints: Sequence[Constraint], out_dir: Path,
                     evaluate: Callable[[SimConfig, int], dict[str, float]] = measure) -> dict[str, Any]:
    """Run (or continue) the study and write the report; return {"trials", "front", "recommended"}."""
    out_dir = Path(out_dir)
    seeds = common.replicate_seeds(seed, settings.seeds)
    setup = {"parameters": {r.path: [r.low, r.high] for r in ranges}, "seeds": seeds,
             "objectives": [o.__dict__ for o in objectives], "constraints": [c.__dict__ for c in constraints],
             "scenario": repr(config)}
    study, db_path = studies.open_study(settings.study_dir, settings.study_name, [o.direction for o in objectives],
                                        make_sampler(settings.sampler, settings.sample_seed), setup,
                                        start=studies.current_values(config, ranges))
    shown = _shown_outcomes(objectives, constraints)

    def score(trial: Any, runs: pd.DataFrame) -> list[float] | None:
        means = {name: float(runs[name].mean()) for name in runs.columns if name in OUTCOMES}
        trial.set_user_attr("outcomes", means)
        values = [means[o.outcome] for o in objectives]
        if not all(np.isfinite(values)) or not all(np.isfinite([means[c.outcome] for c in constraints])):
            trial.set_user_attr("error", "an objective or constrained outcome was undefined (NaN)")
            return None
        violations = [c.violation(means[c.outcome]) for c in constraints]
        trial.set_user_attr("constraint", violations)
        for i, (c, violation) in enumerate(zip(constraints, violations)):
            trial.set_constraint(f"{i}:{c.outcome}", violation)
        return values

    studies.run_trials(study, config, ranges, seeds, settings.trials,
                       studies.batch_size(settings.batch, settings.workers), score, evaluate, settings.workers,
                       settings.chunk_size, settings.progress, description="optimisation trials")
    table = trial_table(study, ranges, objectives, constraints)
    if table.empty:
        raise common.AnalysisError(f"no trial of study {settings.study_name!r} completed ({len(study.trials)} "
                                   f"trials); see the study file {db_path}")
    front = table[table["on_front"]]
    recommended = recommend(front, objectives) if len(front) else []
    common.write_csv(out_dir / "trials.csv", table)
    common.write_csv(out_dir / "front.csv", front)
    common.save_figure(_plot(table, objectives), out_dir / "front.png")
    words = [policy_in_words(name, row, ranges, config, shown) for name, row in recommended]
    words.append(current_in_words(table, constraints, shown))
    if not words:
        words = [f"- No trial met every constraint ({'; '.join(c.words() for c in constraints)}). Loosen them, "
                 f"widen the levers' bounds or run more trials."]
    goal = " and ".join(f"{o.direction} {o.outcome}" for o in objectives)
    limits = "; ".join(c.words() for c in constraints) or "none"
    summary = (f"Goal: {goal}. Constraints (mean over {len(seeds)} seed(s)): {limits}. "
               f"{len(table)} completed trials, {int(table['feasible'].sum())} feasible, {len(front)} on the "
               f"{'front' if len(objectives) > 1 else 'best'}.")
    front_columns = ["trial", *[r.path for r in ranges], *shown]
    common.write_report(out_dir, "Policy optimisation", [
        "## Recommended policies\n\n" + summary + "\n\n" + "\n".join(words),
        "## " + ("Pareto front (feasible)" if len(objectives) > 1 else "Best feasible policy") + "\n\n"
        + common.markdown_table(front[front_columns] if len(front) else pd.DataFrame(columns=front_columns)),
        "## Levers searched\n\n" + common.describe_ranges(ranges),
        f"## Study\n\n`{db_path}` ({len(study.trials)} trials); rerun the same command to continue it.\n\n"
        "![front](front.png)",
    ])
    print(summary)
    print("\n".join(words))
    print(f"Results: {out_dir} (report.md, front.csv, trials.csv, front.png); study: {db_path}")
    return {"trials": table, "front": front, "recommended": recommended}


def _plot(table: pd.DataFrame, objectives: Sequence[Objective]) -> Any:
    """Two objectives: every trial, feasible or not, and the front. One: the objective by trial."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(6.5, 4.5))
    infeasible, feasible, front = table[~table["feasible"]], table[table["feasible"]], table[table["on_front"]]
    if len(objectives) > 1:
        x, y = objectives[0].outcome, objectives[1].outcome
        axes.scatter(infeasible[x], infeasible[y], s=12, color="lightgrey", label="breaks a constraint")
        axes.scatter(feasible[x], feasible[y], s=14, color="tab:blue", label="feasible")
        ordered = front.sort_values(x)
        axes.plot(ordered[x], ordered[y], "o-", color="tab:red", label="Pareto front")
        axes.set_xlabel(f"{x} ({OUTCOMES[x].unit})")
        axes.set_ylabel(f"{y} ({OUTCOMES[y].unit})")
    else:
        y = objectives[0].outcome
        axes.scatter(infeasible["trial"], infeasible[y], s=12, color="lightgrey", label="breaks a constraint")
        axes.scatter(feasible["trial"], feasible[y], s=14, color="tab:blue", label="feasible")
        axes.scatter(front["trial"], front[y], s=40, color="tab:red", label="best")
        axes.set_xlabel("trial")
        axes.set_ylabel(f"{y} ({OUTCOMES[y].unit})")
    axes.legend(fontsize=8)
    return figure


def main() -> None:
    common.launch(COMMAND, check, run_optimisation)


if __name__ == "__main__":
    main()
