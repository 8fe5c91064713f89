"""Optuna studies for calibration and optimisation: SQLite storage, resumption, batches of trials.

A study is stored in `<study_dir>/<study_name>.db`. Rerunning a command with the same
study name continues it up to the requested number of trials; a study made for a
different problem (other parameters, ranges, targets or objectives) is refused rather
than silently mixed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import optuna

from experiments.analysis_common import study_storage
from experiments.ranges import ParamRange
from sim.config import ConfigError

SETUP_KEY = "setup"
DONE_STATES = (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.FAIL)


def open_study(study_dir: str | Path, study_name: str, directions: Sequence[str], sampler: optuna.samplers.BaseSampler,
               setup: dict[str, Any], start: dict[str, Any] | None = None) -> tuple[optuna.Study, Path]:
    """Create or load the study; refuse one whose recorded setup differs from `setup`.

    A new study's first trial is `start` (the scenario's current values), so the report can
    compare every candidate with what the firm does now.
    """
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    url, path = study_storage(study_dir, study_name)
    study = optuna.create_study(storage=url, study_name=study_name, sampler=sampler, directions=list(directions),
                                load_if_exists=True)
    recorded = study.user_attrs.get(SETUP_KEY)
    wanted = json.loads(json.dumps(setup))
    if recorded is None:
        study.set_user_attr(SETUP_KEY, wanted)
        if start:
            study.enqueue_trial(dict(start), user_attrs={"current": True})
    elif recorded != wanted:
        changed = sorted(k for k in set(recorded) | set(wanted) if recorded.get(k) != wanted.get(k))
        raise ConfigError(f"study {study_name!r} in {path} was made for a different problem (differs in: "
                          f"{', '.join(changed)}); choose another study_name or delete the file to start again")
    return study, path


def distributions(ranges: Sequence[ParamRange]) -> dict[str, optuna.distributions.BaseDistribution]:
    """Optuna search distributions over the ranges (integers stay integers)."""
    return {r.path: (optuna.distributions.IntDistribution(int(np.ceil(r.low)), int(np.floor(r.high)))
                     if r.integer else optuna.distributions.FloatDistribution(r.low, r.high)) for r in ranges}


def current_values(config: Any, ranges: Sequence[ParamRange]) -> dict[str, Any] | None:
    """The scenario's own values of the searched parameters, if all lie within the searched ranges."""
    values = {}
    for r in ranges:
        section, key = r.path.split(".")
        value = getattr(getattr(config, section), key)
        if not r.low <= value <= r.high:
            return None
        values[r.path] = value
    return values


def current_trial(study: optuna.Study) -> optuna.trial.FrozenTrial | None:
    """The completed trial of the scenario's current values, if the study has one."""
    return next((t for t in study.trials if t.user_attrs.get("current")
                 and t.state == optuna.trial.TrialState.COMPLETE), None)


def done_trials(study: optuna.Study) -> int:
    """Trials that finished (completed or failed); a trial left running by a crash is not counted."""
    return sum(1 for t in study.trials if t.state in DONE_STATES)


def ask_batch(study: optuna.Study, ranges: Sequence[ParamRange], size: int) -> tuple[list[optuna.Trial], np.ndarray]:
    """Ask for `size` trials at once; return them and their parameter matrix (one row per trial)."""
    space = distributions(ranges)
    trials = [study.ask(space) for _ in range(size)]
    matrix = np.array([[trial.params[r.path] for r in ranges] for trial in trials], dtype=float)
    return trials, matrix


TRIALS_PER_WORKER = 4  # each batch starts a fresh worker pool (experiments.batch), so batches should not be tiny


def batch_size(batch: int | None, workers: int | None) -> int:
    """Trials per batch: as given; else four per worker process (one trial at a time without a pool)."""
    from experiments.batch import default_workers

    if batch is not None:
        return max(1, int(batch))
    workers = default_workers() if workers is None else max(1, int(workers))
    return 1 if workers == 1 else TRIALS_PER_WORKER * workers


def run_trials(study: optuna.Study, config: Any, ranges: Sequence[ParamRange], seeds: Sequence[int], total: int,
               size: int, score: Callable[[optuna.Trial, Any], Any], evaluate: Callable[[Any, int], Any],
               workers: int | None = None, chunk_size: int | None = None, progress: bool = True,
               description: str = "trials") -> None:
    """Run trials in batches until the study has `total` finished trials.

    Each batch's trials x seeds go to the worker pool together. `score(trial, runs)` gets the
    trial and its runs (one row per seed, as from `run_design`) and returns the value(s) to
    tell Optuna, or None to record the trial as failed (it may set user attributes first).
    """
    from tqdm.auto import tqdm

    from experiments.analysis_common import run_design

    with tqdm(total=total, initial=min(done_trials(study), total), desc=description, disable=not progress,
              unit="trial") as bar:
        while (remaining := total - done_trials(study)) > 0:
            trials, matrix = ask_batch(study, ranges, min(size, remaining))
            runs = run_design(config, ranges, matrix, seeds, workers, chunk_size, progress=False, evaluate=evaluate)
            for point, trial in enumerate(trials):
                mine = runs[runs["point"] == point]
                if not mine["ok"].all():
                    trial.set_user_attr("error", str(mine.loc[~mine["ok"], "error"].iloc[0]))
                    values = None
                else:
                    values = score(trial, mine)
                if values is None:
                    study.tell(trial, state=optuna.trial.TrialState.FAIL)
                else:
                    study.tell(trial, values)
            bar.update(len(trials))
