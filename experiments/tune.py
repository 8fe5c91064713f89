"""Tune the behavioural coefficients to the spec's calibration targets, reproducibly.

    python -m experiments.tune [--rounds 2] [--seeds 6] [--write]

The procedure (docs/ODD.md, "Calibration"): stages in a fixed order, each a bounded
least-squares fit (scipy.optimize.least_squares) of a few coefficients to the fact
they mainly drive, inside the coefficients' evidence ranges (declared once in
sim/config.py), with common random numbers (the same seeds in every evaluation) so
the objective is deterministic. The whole sequence runs `--rounds` times because
the stages interact. `--write` rewrites the defaults in sim/config.py; without it
the script only prints what it found.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
from scipy.optimize import least_squares

from experiments.validate import _map, probe_baseline, probe_teams
from sim import ServiceModel, SimConfig
from sim import facts
from sim.config import param_info
from sim.simulate import collect

CONFIG_FILE = Path(__file__).resolve().parent.parent / "sim" / "config.py"


@dataclass(frozen=True)
class Stage:
    """Fit `params` so that `measure(config) - targets` is as small as possible (relative to `scales`)."""

    name: str
    params: tuple[str, ...]
    targets: dict[str, float]
    scales: dict[str, float]
    measure: Callable[[SimConfig, int, int], dict[str, float]]


def measure_baseline(config: SimConfig, seeds: int, workers: int) -> dict[str, float]:
    runs = _map(probe_baseline, [(config, s) for s in range(seeds)], workers)
    f3 = facts.f3_employee_correlations([r["snapshot"] for r in runs]).statistics
    top = np.array([r["defection_top"] for r in runs])
    second = np.array([r["defection_second"] for r in runs])
    return {
        "centricity_engaged": float(np.mean([r["summary"]["customer_centricity_engaged"] for r in runs])),
        "centricity_other": float(np.mean([r["summary"]["customer_centricity_other"] for r in runs])),
        "r_demands_exhaustion": f3["demands_exhaustion"].mean,
        "r_resources_engagement": f3["resources_engagement"].mean,
        "r_exhaustion_engagement": f3["exhaustion_engagement"].mean,
        "log_defection_ratio": float(np.log(second.mean() / top.mean())),
    }


def measure_units(config: SimConfig, seeds: int, workers: int) -> dict[str, float]:
    wide = dataclasses.replace(config, organisation=dataclasses.replace(config.organisation, teams=30))
    runs = _map(probe_teams, [(wide, s) for s in range(seeds)], workers)
    return {"r_unit": facts.f1_unit_correlation([(r["engagement"], r["satisfaction"]) for r in runs])
            .statistics["correlation"].mean}


STAGES = (
    Stage("centricity ratings (S1)", ("behaviour.resolution_base", "behaviour.resolution_engagement"),
          {"centricity_engaged": 8.5, "centricity_other": 6.6}, {"centricity_engaged": 0.1, "centricity_other": 0.1},
          measure_baseline),
    Stage("JD-R correlations (F3)", ("behaviour.caseload_spread", "behaviour.resilience_trait_spread",
                                     "behaviour.engagement_trait_spread"),
          {"r_demands_exhaustion": 0.5, "r_resources_engagement": 0.4, "r_exhaustion_engagement": -0.4},
          {"r_demands_exhaustion": 0.05, "r_resources_engagement": 0.05, "r_exhaustion_engagement": 0.05},
          measure_baseline),
    Stage("unit correlation (F1)", ("market.team_setting_spread",), {"r_unit": 0.33}, {"r_unit": 0.05},
          measure_units),
    Stage("convex loyalty (F8)", ("behaviour.churn_steepness", "market.customer_expectation_spread"),
          {"log_defection_ratio": float(np.log(6.0))}, {"log_defection_ratio": 0.1}, measure_baseline),
)


LONG_RUN_DAYS = 1460  # long enough for the slow customer loop (CS, expectations, churn selection) to settle


def probe_long_run(config: SimConfig, seed: int) -> dict[str, float]:
    """Means over the last year of a long baseline run (and, at its end, the front line's felt meaning and
    complaints and the staff's mean dispositions): the state the model settles in on its own. Also the slope of
    the branches' satisfaction over their settings (NaN without settings)."""
    model = ServiceModel(dataclasses.replace(config, days=LONG_RUN_DAYS), seed)
    model.run()
    result = collect(model)
    daily = result.daily.iloc[-365:]
    teams = result.teams[result.teams["day"] >= LONG_RUN_DAYS - 365].groupby("team")["satisfaction"].mean()
    setting = model.team_setting - model.team_setting.mean()
    variance = float(setting @ setting)
    slope = float(setting @ teams.to_numpy() / variance) if variance > 0 else float("nan")
    e = model.employees
    front = np.flatnonzero(e.active[: e.n] & e.is_front[: e.n])
    means = {k: float(daily[k].mean()) for k in ("customers", "satisfaction", "expectation", "engagement",
                                                 "exhaustion")}
    staff = np.flatnonzero(e.active[: e.n])
    return {**means, "meaning": float(e.meaning[front].mean()), "complaints": float(e.complaints[front].mean()),
            "engagement_trait": float(e.engagement_trait[staff].mean()),
            "resilience_trait": float(e.resilience_trait[staff].mean()), "satisfaction_per_setting": slope}


def settle_initial_state(config: SimConfig, seeds: int, workers: int, log: Callable[[str], None],
                         iterations: int = 3) -> SimConfig:
    """Fixed-point iteration: start the model where the baseline settles after years, with the customer base
    of the spec (`market.customers_per_team`) as that long-run state.

    Each iteration runs the baseline for LONG_RUN_DAYS, sets the initial means of satisfaction, expectation
    (before the brand promise), engagement and exhaustion to the last year's means, the slope of the branches'
    satisfaction over their settings to the long-run slope, and rescales
    `market.acquisition_per_year` towards the customer base of the spec (in the market equilibrium
    N = aP / (a + churn) the base responds to acquisition with elasticity ~1/3, hence the cube).
    """
    target_customers = config.organisation.teams * config.market.customers_per_team
    for iteration in range(iterations):
        runs = _map(probe_long_run, [(config, s) for s in range(seeds)], workers)
        mean = {k: float(np.mean([r[k] for r in runs])) for k in runs[0]}
        b = config.behaviour
        promise = b.brand_promise_lift * config.policy.brand_promise
        low, high = param_info("market.acquisition_per_year")["evidence"]
        acquisition = float(np.clip(config.market.acquisition_per_year
                                    * np.clip(target_customers / mean["customers"], 0.8, 1.25) ** 3, low, high))
        slope = mean["satisfaction_per_setting"]
        values = {"behaviour.initial_satisfaction": mean["satisfaction"],
                  "behaviour.initial_satisfaction_per_setting": (
                      float(np.clip(slope, 0.0, 2.0)) if np.isfinite(slope) else b.initial_satisfaction_per_setting),
                  "behaviour.initial_expectation": mean["expectation"] - promise,
                  "behaviour.initial_engagement": mean["engagement"],
                  "behaviour.initial_exhaustion": mean["exhaustion"],
                  "behaviour.initial_meaning": mean["meaning"],
                  "behaviour.initial_complaints": mean["complaints"],
                  "behaviour.initial_engagement_trait": mean["engagement_trait"],
                  "behaviour.initial_resilience_trait": mean["resilience_trait"],
                  "market.acquisition_per_year": acquisition}
        log(f"    settle {iteration + 1}: long-run " + ", ".join(f"{k} {v:.3f}" for k, v in mean.items())
            + f" -> acquisition {acquisition:.3f}")
        config = _with(config, list(values), list(values.values()))
    return config


SETTLE_PARAMS = ("behaviour.initial_satisfaction", "behaviour.initial_satisfaction_per_setting",
                 "behaviour.initial_expectation", "behaviour.initial_engagement", "behaviour.initial_exhaustion", "behaviour.initial_meaning", "behaviour.initial_complaints",
                 "behaviour.initial_engagement_trait", "behaviour.initial_resilience_trait",
                 "market.acquisition_per_year")


def run_stage(stage: Stage, config: SimConfig, seeds: int, workers: int, log: Callable[[str], None],
              max_evals: int = 12) -> SimConfig:
    names = list(stage.targets)
    bounds = np.array([param_info(p)["evidence"] for p in stage.params], float).T
    start = np.clip([_get(config, p) for p in stage.params], bounds[0], bounds[1])
    cache: dict[tuple, np.ndarray] = {}

    def residuals(x: np.ndarray) -> np.ndarray:
        key = tuple(np.round(x, 6))
        if key not in cache:
            trial = _with(config, stage.params, x)
            measured = stage.measure(trial, seeds, workers)
            cache[key] = np.array([(measured[n] - stage.targets[n]) / stage.scales[n] for n in names])
            log(f"    {dict(zip(stage.params, np.round(x, 4)))} -> "
                + ", ".join(f"{n} {measured[n]:.3f}" for n in names))
        return cache[key]

    fit = least_squares(residuals, start, bounds=bounds, diff_step=0.05, xtol=1e-3, ftol=1e-3,
                        max_nfev=max_evals)
    best = min(cache, key=lambda k: float(np.sum(cache[k] ** 2)))
    return _with(config, stage.params, np.array(best)) if fit is not None else config


def _get(config: SimConfig, path: str) -> float:
    section, name = path.split(".")
    return float(getattr(getattr(config, section), name))


def _with(config: SimConfig, params, values) -> SimConfig:
    for path, value in zip(params, values):
        config = config.with_path(path, float(round(float(value), 4)))
    return config


def write_defaults(values: dict[str, float], path: Path = CONFIG_FILE) -> None:
    """Rewrite `name: float = param(<default>, ...` for each tuned coefficient in sim/config.py."""
    text = path.read_text()
    for dotted, value in values.items():
        name = dotted.split(".")[1]
        pattern = re.compile(rf"(\n    {name}: float = param\(\s*)([-0-9.e]+)")
        text, count = pattern.subn(lambda m: f"{m.group(1)}{value!r}", text)
        if count != 1:
            raise RuntimeError(f"could not find the default of {dotted} in {path}")
    path.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seeds", type=int, default=6)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-evals", type=int, default=12, help="least-squares iterations per stage")
    parser.add_argument("--stages", nargs="*", help="stage name prefixes to run (default: all)")
    parser.add_argument("--write", action="store_true", help="write the tuned defaults into sim/config.py")
    args = parser.parse_args(argv)
    config = SimConfig()
    started = time.perf_counter()
    for round_ in range(args.rounds):
        for stage in STAGES:
            if args.stages and not any(stage.name.startswith(s) for s in args.stages):
                continue
            print(f"round {round_ + 1}: {stage.name}", flush=True)
            config = run_stage(stage, config, args.seeds, args.workers, lambda m: print(m, flush=True),
                               args.max_evals)
        if not args.stages or any("initial state".startswith(s) for s in args.stages):
            print(f"round {round_ + 1}: initial state at the long-run steady state (SS)", flush=True)
            config = settle_initial_state(config, args.seeds, args.workers, lambda m: print(m, flush=True))
    tuned = {p: _get(config, p) for p in [p for stage in STAGES for p in stage.params] + list(SETTLE_PARAMS)}
    print("tuned coefficients:")
    for path, value in tuned.items():
        print(f"  {path} = {value}")
    print(f"({time.perf_counter() - started:.0f} s)")
    if args.write:
        write_defaults(tuned)
        print(f"written to {CONFIG_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
