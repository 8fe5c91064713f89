"""Bit-for-bit fingerprints of model output, to prove an optimisation changed nothing.

    python -m benchmarks.fingerprint            # compare with benchmarks/fingerprints.json
    python -m benchmarks.fingerprint --record   # (re)record the reference hashes

Runs several configurations (the reference defaults, a small organisation, high
pressure, veneer with events that touch every derived quantity, a busy market) for
three seeds each and hashes `daily`, `teams` and `summary` down to the last bit.
A speed-up is kept only if every hash stays the same.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

RECORD = Path(__file__).with_name("fingerprints.json")
SEEDS = (0, 1, 2)
# Events that exercise every re-derivation in ServiceModel.set_config: demand (contacts),
# card (churn), staffing (positions), appreciation (leaders), and plain pressure.
VENEER_EVENTS = ("events=[{day: 60, set: {policy.pressure: 0.8}}, {day: 120, set: {market.demand_multiplier: 1.3}},"
                 " {day: 200, set: {policy.loyalty_discount: 0.05}}, {day: 300, set: {policy.staffing: 0.8}},"
                 " {day: 400, set: {policy.appreciation: 0.8, policy.staffing: 1.1}}]")
CONFIGS: dict[str, tuple[str, ...]] = {
    "reference": (),
    "small": ("organisation=small",),
    "high_pressure": ("policy=high_pressure",),
    "veneer_events": ("policy=veneer", VENEER_EVENTS),
    "busy": ("market=busy",),
}


def frame_hash(frame: pd.DataFrame) -> str:
    """sha256 of a frame's column names, dtypes and raw value bytes (NaN-exact, order-exact)."""
    digest = hashlib.sha256()
    for name in frame.columns:
        values = np.ascontiguousarray(frame[name].to_numpy())
        digest.update(f"{name}:{values.dtype}:".encode())
        digest.update(values.tobytes())
    return digest.hexdigest()


def summary_hash(summary: dict) -> str:
    """sha256 of the summary with every float written by repr (round-trips exactly)."""
    text = json.dumps({key: repr(value) for key, value in sorted(summary.items())})
    return hashlib.sha256(text.encode()).hexdigest()


def fingerprints(configs: dict[str, tuple[str, ...]] = CONFIGS, seeds=SEEDS, days: int | None = None) -> dict:
    """{"config/seed": {"daily": hash, "teams": hash, "summary": hash}} for every config and seed."""
    from sim import load_config, simulate

    out = {}
    for name, overrides in configs.items():
        config = load_config(*overrides, *((f"days={days}",) if days else ()))
        for seed in seeds:
            result = simulate(config, seed)
            out[f"{name}/{seed}"] = {"daily": frame_hash(result.daily), "teams": frame_hash(result.teams),
                                     "summary": summary_hash(result.summary)}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--record", action="store_true", help="write the hashes as the new reference")
    args = parser.parse_args(argv)
    current = fingerprints()
    if args.record:
        RECORD.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n")
        print(f"recorded {len(current)} fingerprints in {RECORD}")
        return 0
    recorded = json.loads(RECORD.read_text())
    differing = [key for key in sorted(set(recorded) | set(current)) if recorded.get(key) != current.get(key)]
    for key in differing:
        print(f"DIFFERENT {key}: recorded {recorded.get(key)} now {current.get(key)}")
    print(f"{len(current) - len(differing)}/{len(current)} runs bit-identical to {RECORD.name}")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
