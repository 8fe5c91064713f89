"""Fault injection: a worker of `experiments.batch.run_jobs` killed by a real SIGKILL mid-run.

The killed job's chunk is reported as failed; every other job's result is kept and equals
a clean run's (innocent chunks that shared the broken pool are run again, not lost).
"""

from __future__ import annotations

import os
import signal

import pytest

from experiments import batch
from experiments.batch import Job, run_jobs
from sim import SimConfig
from sim.config import from_dict

KILLER_SEED = 3  # the job whose worker is killed


def tiny_config(days: int = 20) -> SimConfig:
    return from_dict({"organisation": {"teams": 2, "employees_per_team": 4}, "market": {"customers_per_team": 40},
                      "days": days})


def loyalty_end(config: SimConfig, seed: int) -> float:
    """The evaluation: one run's end-of-run loyalty."""
    from sim import simulate

    return simulate(config, seed).summary["loyalty_end"]


def loyalty_end_or_die(config: SimConfig, seed: int) -> float:
    """Like `loyalty_end`, but the worker running seed KILLER_SEED kills itself (as the OOM killer would)."""
    if seed == KILLER_SEED:
        os.kill(os.getpid(), signal.SIGKILL)
    return loyalty_end(config, seed)


@pytest.mark.slow
@pytest.mark.parametrize("chunk_size", [1, 2])
def test_a_killed_worker_loses_only_its_own_chunk(chunk_size):
    jobs = [Job(tiny_config(), seed) for seed in range(8)]
    clean = run_jobs(jobs, loyalty_end, workers=1, progress=False)
    assert all(outcome.ok for outcome in clean)

    outcomes = run_jobs(jobs, loyalty_end_or_die, workers=2, chunk_size=chunk_size, progress=False)

    assert [outcome.job for outcome in outcomes] == jobs  # one outcome per job, in order
    killed_chunk = {seed for seed in range(8) if seed // chunk_size == KILLER_SEED // chunk_size}
    for seed, outcome, reference in zip(range(8), outcomes, clean):
        if seed in killed_chunk:
            assert not outcome.ok and "worker died" in outcome.error, outcome
        else:
            assert outcome.ok, outcome.error
            assert outcome.value == reference.value  # bit-identical to the clean run


def test_the_main_process_survives_and_reports_a_worker_that_dies_every_time():
    """If every job kills its worker, every job is reported failed and run_jobs still returns."""
    jobs = [Job(tiny_config(5), KILLER_SEED) for _ in range(2)]
    outcomes = run_jobs(jobs, loyalty_end_or_die, workers=2, chunk_size=1, progress=False)
    assert [outcome.ok for outcome in outcomes] == [False, False]
    assert all("worker died" in outcome.error for outcome in outcomes)


def test_the_pool_is_kept_between_calls_and_dropped_when_a_worker_dies():
    jobs = [Job(tiny_config(5), seed) for seed in range(2)]
    first = run_jobs(jobs, loyalty_end, workers=2, progress=False)
    kept = batch._kept_pool
    assert kept is not None
    assert [o.value for o in run_jobs(jobs, loyalty_end, workers=2, progress=False)] == [o.value for o in first]
    assert batch._kept_pool is kept  # the second call started no workers
    run_jobs([Job(tiny_config(5), KILLER_SEED)], loyalty_end_or_die, workers=2, progress=False)
    assert batch._kept_pool is None or batch._kept_pool is not kept  # the broken pool was not kept
    batch.close_pool()
    assert batch._kept_pool is None
