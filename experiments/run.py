"""Run one scenario: `python -m experiments.run [overrides]`, or a sweep with `--multirun`.

Writes daily.parquet, teams.parquet, summary.json and config.yaml into the Hydra
output directory and prints the key KPIs at the end against the start. Overrides
are validated before Hydra creates any directory, so bad input writes nothing.

Rerunning a sweep into the same `hydra.sweep.dir` resumes it: a run whose directory
already holds complete results for the same resolved config and seed is skipped;
missing, broken or failed runs are done again. In a multirun a failing run is
recorded (failed.json) and the others go on; the sweep then exits non-zero.
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig
from tqdm.auto import tqdm

from experiments import sweep_summary
from experiments.cli import validate_overrides_or_exit
from experiments.store import is_complete, record_failure, remove_stale_temporaries, run_key, write_complete_run
from sim import simulate
from sim.compose import register, to_sim_config
from sim.config import SimConfig

HEADLINE = [  # (summary key stem, label, format, change shown as: relative % or absolute)
    ("customers", "Customers", "{:,.0f}", "relative"),
    ("satisfaction", "Customer satisfaction (0-1)", "{:.3f}", "absolute"),
    ("loyalty", "Loyalty: 1-year retention chance", "{:.3f}", "absolute"),
    ("nps", "Net promoter score", "{:+.1f}", "absolute"),
    ("employees", "Employees in post", "{:,.0f}", "relative"),
    ("engagement", "Engagement (UWES/6)", "{:.3f}", "absolute"),
    ("exhaustion", "Exhaustion (0-1)", "{:.3f}", "absolute"),
    ("burnout_share", "Burnout share", "{:.1%}", "absolute"),
]


def human_summary(summary: dict, out_dir: Path | None = None, seconds: float | None = None) -> str:
    """The key KPIs at the end against the start, and the money, as a small text table."""
    lines = [f"{'KPI':<34}{'start':>12}{'end':>12}{'change':>12}"]
    for key, label, fmt, kind in HEADLINE:
        start, end = summary[f"{key}_start"], summary[f"{key}_end"]
        if kind == "relative":
            change_text = f"{(end - start) / start:+.1%}" if start else "n/a"
        else:
            change_text = ("{:+.1%}" if "%" in fmt else "{:+.3f}" if ".3f" in fmt else "{:+.1f}").format(end - start)
        lines.append(f"{label:<34}{fmt.format(start):>12}{fmt.format(end):>12}{change_text:>12}")
    lines.append("")
    lines.append(f"Over {summary['days']} days: churn {summary['churn_per_year']:.1%}/year, staff turnover "
                 f"{summary['turnover_per_year']:.1%}/year")
    lines.append(f"Money: revenue EUR {summary['revenue_total']:,.0f}, cost EUR {summary['cost_total']:,.0f}, "
                 f"profit EUR {summary['profit_total']:,.0f} ({summary['profit_per_year']:,.0f}/year)")
    if out_dir is not None:
        lines.append(f"Results: {out_dir} (daily.parquet, teams.parquet, summary.json, config.yaml)")
    if seconds is not None:
        lines.append(f"Simulated in {seconds:.2f} s")
    return "\n".join(lines)


register()


def run_and_record(config: SimConfig, seed: int, out_dir: Path, params: list[str] | None = None,
                   keep_going: bool = False, progress: bool = True) -> float:
    """Run one (config, seed) into `out_dir` unless it is already complete there; return the end loyalty.

    With `keep_going` (a multirun) a failure is recorded and NaN returned instead of raising.
    """
    out_dir = Path(out_dir)
    key = run_key(config, seed)
    remove_stale_temporaries(out_dir)
    if is_complete(out_dir, key):
        summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
        print(f"Already complete for this config and seed: skipped.\n{human_summary(summary, out_dir)}")
        sweep_summary.write_status(out_dir, skipped=1)
        return float(summary["loyalty_end"])
    started = time.perf_counter()
    try:
        with tqdm(total=config.days, desc=f"seed {seed}", unit="day", leave=False, disable=not progress) as bar:
            result = simulate(config, seed, on_day=lambda _model: bar.update())
    except Exception as error:  # recorded, so a sweep keeps its other runs and redoes this one next time
        message = f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=5)}"
        record_failure(out_dir, key, seed, message, {"overrides": params or []})
        sweep_summary.write_status(out_dir, failed=1, seconds=time.perf_counter() - started)
        if not keep_going:
            raise
        print(f"error: run failed ({out_dir}): {type(error).__name__}: {error}", file=sys.stderr)
        return float("nan")
    seconds = time.perf_counter() - started
    write_complete_run(result, out_dir, key, {"overrides": params or []}, seconds)
    sweep_summary.write_status(out_dir, done=1, seconds=seconds)
    print(human_summary(result.summary, out_dir, seconds))
    return float(result.summary["loyalty_end"])


@hydra.main(config_path="../configs", config_name="config", version_base="1.3")
def hydra_main(cfg: DictConfig) -> float:
    config, seed = to_sim_config(cfg)
    hydra_config = HydraConfig.get()
    multirun = hydra_config.mode == RunMode.MULTIRUN
    return run_and_record(config, seed, Path(hydra_config.runtime.output_dir), list(hydra_config.overrides.task),
                          keep_going=multirun, progress=not multirun)


def main() -> None:
    validate_overrides_or_exit(sys.argv[1:])
    hydra_main()
    if sweep_summary.LAST.get("failed"):
        sys.exit(1)


if __name__ == "__main__":
    main()
