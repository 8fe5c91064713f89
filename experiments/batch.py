"""Run many (config, seed) jobs without paying an interpreter start per run.

Jobs are cut into chunks; each chunk is evaluated in one call inside a pool of
persistent worker processes (spawn context: `import mesa` forces spawn anyway,
and spawn behaves the same on every OS). The pool is kept for the next call
(`close_pool` stops it), so a study that calls `run_jobs` batch after batch
starts its workers once. A job that raises is recorded as a
failure with its message and does not stop the others; a worker that dies (a
signal, the OOM killer) loses only its own chunk: the chunks that shared its
pool are run again.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import sys
import tempfile
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from tqdm.auto import tqdm

from sim.config import SimConfig


@dataclass(frozen=True)
class Job:
    """One run to do: a validated config and a seed."""

    config: SimConfig
    seed: int


@dataclass(frozen=True)
class Outcome:
    """What one job gave: `value` when `ok`, else `error` (the exception's text)."""

    job: Job
    ok: bool
    value: Any = None
    error: str = ""


def summary_of(config: SimConfig, seed: int) -> dict[str, Any]:
    """Default evaluation: the end-of-run summary KPIs of one run (per-team rows are not collected)."""
    from sim import simulate

    return simulate(config, seed, per_team=False).summary


def summary_and_daily(config: SimConfig, seed: int) -> tuple[dict[str, Any], Any]:
    """Evaluation for comparisons: the summary KPIs and the daily series (a DataFrame) of one run."""
    from sim import simulate

    result = simulate(config, seed)
    return result.summary, result.daily


def _evaluate_chunk(evaluate: Callable[[SimConfig, int], Any], chunk: Sequence[Job]) -> list[Outcome]:
    outcomes = []
    for job in chunk:
        try:
            outcomes.append(Outcome(job, True, evaluate(job.config, job.seed)))
        except Exception as error:  # a broken run must not lose the rest of the chunk
            message = f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=3)}"
            outcomes.append(Outcome(job, False, error=message))
    return outcomes


def default_workers() -> int:
    """One worker per core the process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def chunked(jobs: Sequence[Job], chunk_size: int) -> list[Sequence[Job]]:
    """The fewest chunks of at most `chunk_size` jobs, their sizes differing by at most one (larger first).

    Even chunks let the workers finish together: 60 jobs in chunks of 8 are 4 x 8 + 4 x 7, not
    7 x 8 + 4, which would leave one of two workers idle for the last four runs."""
    count = math.ceil(len(jobs) / chunk_size)
    size, larger = divmod(len(jobs), count)
    starts = [index * size + min(index, larger) for index in range(count + 1)]
    return [jobs[start:stop] for start, stop in zip(starts, starts[1:])]


def run_jobs(jobs: Iterable[Job], evaluate: Callable[[SimConfig, int], Any] = summary_of,
             workers: int | None = None, chunk_size: int | None = None,
             progress: bool = True, description: str = "runs") -> list[Outcome]:
    """Evaluate every job; return one Outcome per job, in the order given.

    Args:
        jobs: the runs to do.
        evaluate: a picklable module-level function `(config, seed) -> value`.
        workers: worker processes; 1 runs in this process (no pool). Default: all usable cores.
        chunk_size: jobs per task; default spreads the jobs over about four tasks per worker,
            so that progress is visible and a slow chunk does not idle the other workers.
        progress: show a progress bar (per job).
    """
    jobs = list(jobs)
    if not jobs:
        return []
    workers = default_workers() if workers is None else max(1, int(workers))
    if chunk_size is None:
        chunk_size = max(1, math.ceil(len(jobs) / (workers * 4)))
    chunks = chunked(jobs, chunk_size)
    results: list[list[Outcome] | None] = [None] * len(chunks)
    with tqdm(total=len(jobs), desc=description, disable=not progress, unit="run") as bar:
        if workers == 1:
            for index, chunk in enumerate(chunks):
                results[index] = _evaluate_chunk(evaluate, chunk)
                bar.update(len(chunk))
        else:
            with tempfile.TemporaryDirectory(prefix="run_jobs-") as markers:
                _run_in_pools(evaluate, chunks, workers, results, bar, Path(markers))
    return [outcome for chunk_outcomes in results for outcome in chunk_outcomes]


def _evaluate_chunk_marked(evaluate: Callable[[SimConfig, int], Any], chunk: Sequence[Job],
                           marker: str) -> list[Outcome]:
    """`_evaluate_chunk`, leaving a marker file while it runs (so a dead worker's chunk can be told apart)."""
    Path(marker).touch()
    outcomes = _evaluate_chunk(evaluate, chunk)
    Path(marker).unlink()
    return outcomes


# The pool of the last call, kept for the next one: a spawned worker imports the model once (0.5-0.7 s of
# CPU: Mesa pulls in pandas and scipy), which studies calling run_jobs batch after batch would otherwise pay
# each time. It is reused only by a call with the same worker count, working directory, import path and
# environment (what a spawned worker inherits); a broken or interrupted pool is dropped.
_kept_pool: tuple[tuple, ProcessPoolExecutor] | None = None


def _pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` spawned processes (started on demand), the kept one when it fits."""
    global _kept_pool
    key = (workers, os.getcwd(), tuple(sys.path), tuple(sorted(os.environ.items())))
    if _kept_pool is not None and _kept_pool[0] == key:
        return _kept_pool[1]
    close_pool()
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    _kept_pool = (key, pool)
    return pool


def close_pool(wait: bool = True) -> None:
    """Stop the kept pool's workers (waiting for them to exit when `wait`); the next call starts a new pool."""
    global _kept_pool
    if _kept_pool is not None:
        pool, _kept_pool = _kept_pool[1], None
        pool.shutdown(wait=wait, cancel_futures=True)


def _run_pool(evaluate, chunks, indices, workers, results, bar, markers: Path) -> list[int]:
    """Run the chunks `indices` in one pool; return those lost because a worker died and broke the pool."""
    lost = []
    pool = _pool(workers)
    try:
        futures = {pool.submit(_evaluate_chunk_marked, evaluate, chunks[index], str(markers / str(index))): index
                   for index in indices}
        for future in as_completed(futures):
            index = futures[future]
            try:
                results[index] = future.result()
            except BrokenProcessPool:  # a worker died (killed, out of memory): every unfinished chunk fails
                lost.append(index)
                continue
            except Exception as error:  # e.g. a result that cannot be sent back
                results[index] = [Outcome(job, False, error=f"chunk failed: {type(error).__name__}: {error}")
                                  for job in chunks[index]]
            bar.update(len(chunks[index]))
    except BaseException:  # interrupted (Ctrl-C) or failed to submit: do not keep a pool in an unknown state
        close_pool(wait=False)
        raise
    if lost:  # the pool is broken
        close_pool(wait=False)
    return sorted(lost)


def _run_in_pools(evaluate, chunks, workers, results, bar, markers: Path) -> None:
    """Run every chunk; after a worker dies, keep what finished and run the lost chunks again.

    Chunks that were running when the pool broke (their marker is still there) are run again
    alone, one per fresh worker: a chunk that kills its worker again is recorded as failed, a
    bystander succeeds. Chunks that had not started are simply run again in a new pool.
    """
    lost = _run_pool(evaluate, chunks, range(len(chunks)), workers, results, bar, markers)
    while lost:
        running = [index for index in lost if (markers / str(index)).exists()] or lost
        for index in running:
            (markers / str(index)).unlink(missing_ok=True)
            if _run_pool(evaluate, chunks, [index], 1, results, bar, markers):
                results[index] = [Outcome(job, False, error="worker died: the process running this chunk ended "
                                                            "abruptly (killed by a signal or out of memory)")
                                  for job in chunks[index]]
                bar.update(len(chunks[index]))
        waiting = [index for index in lost if index not in running]
        lost = _run_pool(evaluate, chunks, waiting, workers, results, bar, markers) if waiting else []
