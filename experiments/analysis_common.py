"""What the four analysis commands share: composing their Hydra configs, checking input before
anything is written, running a design of points x seeds, and writing tables, plots and reports.

Each command's root config (`configs/<command>.yaml`) composes the simulated scenario from
the usual groups (organisation, market, policy, behaviour, economics, days, events, seed);
every other top-level key is one of the command's own settings (`method=sobol`, `seeds=3`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
import io
import sys
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from experiments.batch import Job, run_jobs
from experiments.outputs import atomic_write, write_parquet, write_text
from experiments.outcomes import measure
from experiments.ranges import ParamRange, apply, values_of
from sim.compose import CONFIG_DIR, to_sim_config
from sim.config import ConfigError, SimConfig

HYDRA_INFO_FLAGS = ("--help", "-h", "--hydra-help", "--cfg", "-c", "--info", "-i", "--resolve", "--shell-completion",
                    "-sc")


class AnalysisError(RuntimeError):
    """An analysis could not produce a valid result (failed runs, nothing to analyse)."""


@dataclass
class PoolSettings:
    """How the runs of an analysis are spread over worker processes (shared by every command)."""

    workers: int | None = None  # None: every usable core; 1: no pool
    chunk_size: int | None = None  # runs per task sent to a worker; None: automatic
    progress: bool = True


def settings_from(kind: type, values: Mapping[str, Any] | None, where: str) -> Any:
    """Build the settings dataclass `kind`, rejecting unknown keys by name."""
    values = dict(values or {})
    known = {f.name for f in dataclasses.fields(kind)}
    for key in values:
        if key not in known:
            raise ConfigError(f"{where}{key} is not a known setting; allowed: {', '.join(sorted(known))}")
    return kind(**values)


def positive_int(where: str, value: Any, minimum: int = 1) -> int:
    """`value` as an int >= minimum, or ConfigError naming it."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"{where} = {value!r} is not allowed: expected an integer >= {minimum}")
    return value


SCENARIO_KEYS = ("organisation", "market", "policy", "behaviour", "economics", "days", "events", "seed")


def split_config(cfg: Any) -> tuple[SimConfig, int, dict[str, Any]]:
    """A composed app config as (scenario SimConfig, base seed, the command's settings)."""
    from omegaconf import OmegaConf

    values = OmegaConf.to_container(cfg, resolve=True) if not isinstance(cfg, dict) else dict(cfg)
    values.pop("hydra", None)
    settings = {k: v for k, v in values.items() if k not in SCENARIO_KEYS}
    config, seed = to_sim_config(OmegaConf.create({k: v for k, v in values.items() if k in SCENARIO_KEYS}))
    return config, seed, settings


def compose_app(command: str, overrides: Sequence[str], config_dir: str | Path | None = None,
                config_name: str | None = None) -> Any:
    """Compose `configs/<command>.yaml` (or another config dir/name) with overrides, as the CLI does."""
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(Path(config_dir or CONFIG_DIR).resolve()), version_base="1.3"):
            return compose(config_name=config_name or command, overrides=list(overrides))
    except (HydraException, OmegaConfBaseException) as error:
        raise ConfigError(str(error).strip()) from None
    finally:
        GlobalHydra.instance().clear()


def _split_argv(arguments: Sequence[str]) -> tuple[list[str], str | None, str | None]:
    """Overrides, --config-path and --config-name from a Hydra command line."""
    overrides, path, name = [], None, None
    flags = {"--config-path": "path", "-cp": "path", "--config-name": "name", "-cn": "name"}
    items = list(arguments)
    i = 0
    while i < len(items):
        item = items[i]
        key, _, inline = item.partition("=")
        if key in flags:
            value = inline if inline else (items[i + 1] if i + 1 < len(items) else None)
            i += 1 if inline else 2
            if flags[key] == "path":
                path = value
            else:
                name = value
            continue
        if not item.startswith("-") and not item.lstrip("+~").startswith("hydra"):
            overrides.append(item)
        i += 1
    return overrides, path, name


def validate_or_exit(command: str, arguments: Sequence[str], check: Callable[[SimConfig, int, dict], Any]) -> None:
    """Compose and check the whole command line; on bad input print why and exit 2 before anything is written."""
    if any(a.split("=")[0] in HYDRA_INFO_FLAGS for a in arguments):
        return
    overrides, config_path, config_name = _split_argv(arguments)
    try:
        cfg = compose_app(command, overrides, config_path, config_name)
        check(*split_config(cfg))
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)


def run_or_exit(body: Callable[[], Any]) -> Any:
    """Run the command's body; turn expected failures into one clear line and exit status 1."""
    try:
        return body()
    except (ConfigError, AnalysisError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)


def launch(command: str, check: Callable[[SimConfig, int, dict], Any],
           body: Callable[..., Any]) -> None:
    """The command-line shell of an analysis: check the input, then run `body` as a Hydra app.

    `check(config, seed, settings)` returns a tuple of validated settings, passed on as
    `body(config, seed, *checked, output_dir)`. Hydra saves the composed config in
    `<output_dir>/.hydra/config.yaml`, so `--config-path <output_dir>/.hydra --config-name config`
    reruns the analysis.
    """
    import hydra

    validate_or_exit(command, sys.argv[1:], check)

    def task(cfg: Any) -> None:
        def body_of_run() -> Any:
            config, seed, values = split_config(cfg)
            return body(config, seed, *check(config, seed, values), hydra_output_dir())

        run_or_exit(body_of_run)

    hydra.main(config_path=str(CONFIG_DIR), config_name=command, version_base="1.3")(task)()


def hydra_output_dir() -> Path:
    from hydra.core.hydra_config import HydraConfig

    return Path(HydraConfig.get().runtime.output_dir)


def replicate_seeds(base_seed: int, count: int) -> list[int]:
    """The replicate seeds of every design point: base_seed, base_seed + 1, ..."""
    return [base_seed + i for i in range(count)]


def run_design(config: SimConfig, ranges: Sequence[ParamRange], matrix: np.ndarray, seeds: Sequence[int],
               workers: int | None = None, chunk_size: int | None = None, progress: bool = True,
               evaluate: Callable[[SimConfig, int], dict[str, float]] = measure,
               description: str = "runs") -> pd.DataFrame:
    """Run every row of `matrix` (one value per range) with every seed.

    Returns one row per run: `point`, `seed`, the parameter values as run, every measured
    outcome, `ok` and `error` (failed runs keep their message and NaN outcomes).
    """
    points = [values_of(ranges, row) for row in np.atleast_2d(matrix)]
    jobs = [Job(apply(config, values), seed) for values in points for seed in seeds]
    outcomes = run_jobs(jobs, evaluate, workers=workers, chunk_size=chunk_size, progress=progress,
                        description=description)
    rows = []
    for index, outcome in enumerate(outcomes):
        point = index // len(seeds)
        row = {"point": point, "seed": outcome.job.seed, **points[point], "ok": outcome.ok,
               "error": outcome.error.splitlines()[0] if outcome.error else ""}
        if outcome.ok:
            row.update(outcome.value)
        rows.append(row)
    return pd.DataFrame(rows)


def point_means(runs: pd.DataFrame, outcome_names: Sequence[str]) -> pd.DataFrame:
    """Mean of each outcome over the replicate seeds of each point (index: point)."""
    return runs.groupby("point")[list(outcome_names)].mean()


def require_all_ok(runs: pd.DataFrame) -> None:
    """Raise AnalysisError if any run failed, quoting the first failure."""
    failed = runs[~runs["ok"]]
    if len(failed):
        first = failed.iloc[0]
        raise AnalysisError(f"{len(failed)} of {len(runs)} runs failed (see runs.parquet); first, point "
                            f"{first['point']} seed {first['seed']}: {first['error']}")


def write_runs(out_dir: Path, runs: pd.DataFrame, metadata: Mapping[str, Any] | None = None) -> None:
    """runs.parquet: every run of the design, with its parameter values and outcomes."""
    write_parquet(Path(out_dir) / "runs.parquet", runs, metadata=dict(metadata or {}))


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    atomic_write(Path(path), lambda tmp: frame.to_csv(tmp, index=False))


def save_figure(figure: Any, path: Path) -> None:
    """Save a matplotlib figure atomically and close it."""
    import matplotlib.pyplot as plt

    def write(tmp: Path) -> None:
        figure.savefig(tmp, format=Path(path).suffix.lstrip("."), dpi=120, bbox_inches="tight")

    try:
        atomic_write(Path(path), write)
    finally:
        plt.close(figure)


def markdown_table(frame: pd.DataFrame, floatfmt: str = "{:.4g}") -> str:
    """A GitHub-flavoured Markdown table (no extra dependency)."""
    def cell(value: Any) -> str:
        if isinstance(value, (float, np.floating)):
            return "" if np.isnan(value) else floatfmt.format(value)
        return str(value)

    lines = ["| " + " | ".join(str(c) for c in frame.columns) + " |",
             "|" + "|".join("---" for _ in frame.columns) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def write_report(out_dir: Path, title: str, sections: Sequence[str]) -> Path:
    """report.md: a title and the sections, written atomically; returns its path."""
    buffer = io.StringIO()
    buffer.write(f"# {title}\n\n")
    for section in sections:
        buffer.write(section.rstrip() + "\n\n")
    path = Path(out_dir) / "report.md"
    write_text(path, buffer.getvalue())
    return path


def describe_ranges(ranges: Sequence[ParamRange]) -> str:
    """A Markdown table of the varied parameters and the bounds they were sampled between."""
    frame = pd.DataFrame([{"parameter": r.path, "low": r.low, "high": r.high, "unit": r.unit, "meaning": r.help}
                          for r in ranges])
    return markdown_table(frame)


def study_storage(study_dir: str | Path, study_name: str) -> tuple[str, Path]:
    """An Optuna SQLite storage URL for the study, in `study_dir/<study_name>.db` (created if missing)."""
    if not study_name or any(c in study_name for c in "/\\"):
        raise ConfigError(f"study_name = {study_name!r} is not allowed: expected a plain file name")
    directory = Path(study_dir).expanduser().resolve()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{study_name}.db"
    return f"sqlite:///{path}", path
