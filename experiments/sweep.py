"""Large designs without a process start per run: `python -m experiments.sweep [--multirun chunk='range(N)' ...]`.

The design (a grid of parameter values times replicate seeds) is laid out in one fixed
order; job `chunk` of `chunks` takes every `chunks`-th run from position `chunk`, and
evaluates them in one process with a pool of `workers` persistent processes
(`experiments.batch.run_jobs`). A Hydra multirun over `chunk` spreads the chunks over a
launcher: the basic one, joblib (cores of one machine), submitit/Slurm or Ray (a cluster).

Results go into a run store (`experiments.store`) keyed by the resolved config and
seed, shared by all chunks: rerunning the same command skips complete runs and redoes
missing, broken or failed ones. A run that raises is recorded and the others go on.
"""

from __future__ import annotations

import functools
import itertools
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from experiments import sweep_summary
from experiments.app_args import asks_for_information, config_name, config_overrides
from experiments.batch import Job, default_workers, run_jobs
from experiments.store import (RunStore, is_complete, record_failure, remove_stale_temporaries, run_key,
                               write_complete_run)
from sim import load_config
from sim.config import ConfigError, SimConfig


@dataclass(frozen=True)
class DesignPoint:
    """One run of the design: the swept values, the seed, the config and its store key."""

    params: dict[str, Any]
    seed: int
    config: SimConfig
    key: str


def flatten_grid(grid: Any, prefix: str = "design.grid") -> dict[str, list[Any]]:
    """The grid as {dotted config path: values}: `{policy: {pressure: [0.2, 0.8]}}` -> `{"policy.pressure": [...]}`.

    Nested, so one lever can be changed on the command line (`design.grid.policy.pressure=[0.1,0.9]`),
    added (`+design.grid.policy.autonomy=[0.2,0.8]`) or dropped (`~design.grid.policy.appreciation`).
    """
    if not isinstance(grid, dict):
        raise ConfigError(f"{prefix} = {grid!r} is not allowed: expected a mapping of config paths to value lists")
    flat: dict[str, list[Any]] = {}
    for key, values in grid.items():
        if isinstance(values, dict):
            flat.update({f"{key}.{path}": v for path, v in flatten_grid(values, f"{prefix}.{key}").items()})
        elif isinstance(values, list) and values:
            flat[str(key)] = values
        else:
            raise ConfigError(f"{prefix}.{key} = {values!r} is not allowed: expected a non-empty list of values")
    return flat


def design_points(design: dict[str, Any]) -> list[DesignPoint]:
    """Every run of the design in a fixed order: grid points (in the order given) x seeds.

    Raises ConfigError naming the parameter and value when a grid value is not allowed.
    """
    grid = flatten_grid(design.get("grid") or {})
    seeds, first_seed = design.get("seeds", 10), design.get("first_seed", 0)
    for name, value, low in (("seeds", seeds, 1), ("first_seed", first_seed, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ConfigError(f"design.{name} = {value!r} is not allowed: expected an integer >= {low}")
    base = load_config(*[str(o) for o in design.get("base_overrides") or []], f"days={design.get('days', 730)}")
    points = []
    for values in itertools.product(*grid.values()):
        params = dict(zip(grid.keys(), values))
        config = base
        for path, value in params.items():
            config = config.with_path(path, value)  # validated: names the field, value and range
        for seed in range(first_seed, first_seed + seeds):
            points.append(DesignPoint(params, seed, config, run_key(config, seed)))
    return points


def chunk_of(points: list[DesignPoint], chunk: int, chunks: int) -> list[DesignPoint]:
    """The runs of job `chunk` (0-based) of `chunks`: every chunks-th run, so chunks mix the design evenly."""
    if isinstance(chunks, bool) or not isinstance(chunks, int) or chunks < 1:
        raise ConfigError(f"chunks = {chunks!r} is not allowed: expected a positive integer")
    if isinstance(chunk, bool) or not isinstance(chunk, int) or not 0 <= chunk < chunks:
        raise ConfigError(f"chunk = {chunk!r} is out of range: expected an integer in [0, {chunks - 1}]")
    return points[chunk::chunks]


def store_run(config: SimConfig, seed: int, root: str, param_paths: tuple[str, ...]) -> str:
    """Worker-side evaluation: simulate one run and write it into the store; return its key."""
    from sim import simulate

    key = run_key(config, seed)
    run_dir = RunStore(Path(root)).run_dir(key)
    remove_stale_temporaries(run_dir)
    started = time.perf_counter()
    result = simulate(config, seed)
    params = {path: _get_path(config, path) for path in param_paths}
    write_complete_run(result, run_dir, key, params, time.perf_counter() - started)
    return key


def _get_path(config: SimConfig, path: str) -> Any:
    value: Any = config
    for part in path.split("."):
        value = getattr(value, part)
    return value


def run_chunk(cfg: DictConfig, log_dir: Path | None = None) -> dict[str, Any]:
    """Evaluate this job's chunk of the design into the store; return the counts (done, skipped, failed)."""
    design = OmegaConf.to_container(cfg.design, resolve=True)
    points = chunk_of(design_points(design), cfg.chunk, cfg.chunks)
    store = RunStore(Path(cfg.store))
    started = time.perf_counter()
    todo = [p for p in points if not store.is_complete(p.key)]
    skipped = len(points) - len(todo)
    print(f"chunk {cfg.chunk + 1}/{cfg.chunks}: {len(points)} runs, {skipped} already complete, "
          f"{len(todo)} to do; store {store.root}", flush=True)
    swept_paths = tuple(flatten_grid(design.get("grid") or {}))
    evaluate = functools.partial(store_run, root=str(store.root), param_paths=swept_paths)
    outcomes = run_jobs([Job(p.config, p.seed) for p in todo], evaluate, workers=cfg.workers or default_workers(),
                        chunk_size=cfg.chunk_size, progress=bool(cfg.progress),
                        description=f"chunk {cfg.chunk + 1}/{cfg.chunks}")
    failed = 0
    for point, outcome in zip(todo, outcomes):
        if not outcome.ok or not is_complete(store.run_dir(point.key), point.key):
            failed += 1
            record_failure(store.run_dir(point.key), point.key, point.seed, outcome.error or "results incomplete",
                           point.params)
    counts = {"done": len(todo) - failed, "skipped": skipped, "failed": failed,
              "seconds": time.perf_counter() - started}
    if log_dir is not None:
        sweep_summary.write_status(log_dir, **counts, chunk=cfg.chunk, chunks=cfg.chunks, store=str(store.root))
    print(f"chunk {cfg.chunk + 1}/{cfg.chunks} summary: {counts['done']} done, {skipped} skipped (already "
          f"complete), {failed} failed; {counts['seconds']:.1f} s", flush=True)
    return counts


def _hydra_main(cfg: DictConfig) -> None:
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    hydra_config = HydraConfig.get()
    counts = run_chunk(cfg, Path(hydra_config.runtime.output_dir))
    if counts["failed"] and hydra_config.mode != RunMode.MULTIRUN:
        sys.exit(1)


def validate_or_exit(arguments: list[str], root_config: str) -> None:
    """Build the whole design (every config validated) before Hydra creates any directory."""
    from hydra import compose, initialize_config_dir
    from hydra.core.override_parser.overrides_parser import OverridesParser

    from sim.compose import CONFIG_DIR

    if asks_for_information(arguments):
        return
    overrides = config_overrides(arguments)
    try:
        parsed = OverridesParser.create().parse_overrides(overrides)
        # a sweep over chunk (or anything else): check each swept value with the others' first
        plain = [f"{o.get_key_element()}={next(iter(o.sweep_string_iterator()))}" if o.is_sweep_override()
                 else o.input_line for o in parsed]
        chunk_values = [list(o.sweep_string_iterator()) for o in parsed
                        if o.is_sweep_override() and o.get_key_element() == "chunk"]
        with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
            cfg = compose(config_name=root_config, overrides=plain)
        points = design_points(OmegaConf.to_container(cfg.design, resolve=True))
        for value in (chunk_values[0] if chunk_values else [cfg.chunk]):
            chunk_of(points, int(value), cfg.chunks)
        for key in ("workers", "chunk_size"):
            value = cfg.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                raise ConfigError(f"{key} = {value!r} is not allowed: expected a positive integer or null")
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    except Exception as error:  # Hydra's own messages: unknown key, bad override syntax
        print(f"error: {str(error).strip()}", file=sys.stderr)
        sys.exit(2)


def main() -> None:
    import hydra

    from sim.compose import register

    arguments = sys.argv[1:]
    validate_or_exit(arguments, config_name(arguments, "sweep"))  # another design: --config-name sweep_<name>
    register()
    hydra.main(config_path="../configs", config_name="sweep", version_base="1.3")(_hydra_main)()
    if sweep_summary.LAST.get("failed"):
        sys.exit(1)


if __name__ == "__main__":
    main()
