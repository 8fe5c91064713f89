"""Helpers for the analysis-command tests: a tiny scenario and a subprocess runner."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TINY = ("organisation=small", "market.customers_per_team=200", "days=120")


def tiny_config():
    import sim

    return sim.load_config(*TINY)


def run_command(module: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`python -m experiments.<module> args` in `cwd` (configs are found through the package, not the cwd)."""
    return subprocess.run([sys.executable, "-m", f"experiments.{module}", *args], cwd=cwd, capture_output=True,
                          text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(cwd)},
                          timeout=600)
