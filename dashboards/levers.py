"""The levers the trainer moves, and the configs they make.

Slider bounds come from `sim.config.param_info` (declared once in sim/config.py);
presets and organisation sizes are the files in `configs/policy/` and
`configs/organisation/`, composed with `sim.load_config` exactly as the CLI does.
Nothing a browser sends is executed: a preset or size is only accepted if it is one
of the file names found here.
"""

from __future__ import annotations

import dataclasses
import functools
import threading
from typing import Any

from sim.compose import CONFIG_DIR
from sim.config import ConfigError, SimConfig, param_info

MAIN_LEVERS = ("policy.pressure", "policy.appreciation")
MORE_LEVERS = ("policy.autonomy", "policy.training", "policy.display_rules", "policy.vision_cocreation",
               "policy.listening", "policy.brand_promise", "policy.loyalty_discount", "policy.staffing",
               "policy.hiring_delay_days", "policy.reset_standards", "policy.reactive_management")
ALL_LEVERS = MAIN_LEVERS + MORE_LEVERS
ORGANISATION_SIZES = ("small", "default", "large")
DEFAULT_DAYS = 730

HYDRA_LOCK = threading.Lock()  # Hydra's global state is not thread-safe; tabs compose in threads


def presets() -> list[str]:
    """Policy preset names, i.e. the files in configs/policy/ ("baseline" first)."""
    names = sorted(p.stem for p in (CONFIG_DIR / "policy").glob("*.yaml"))
    return sorted(names, key=lambda name: name != "baseline")


@dataclasses.dataclass(frozen=True)
class LeverSpec:
    """A slider: its config path, bounds, step and whether it takes whole numbers."""

    path: str
    low: float
    high: float
    step: float
    integer: bool

    @classmethod
    def of(cls, path: str) -> "LeverSpec":
        info = param_info(path)
        low, high = info["range"]
        integer = isinstance(info["default"], int) and not isinstance(info["default"], bool)
        span = float(high) - float(low)
        step = 1.0 if integer else (0.01 if span <= 1.0 else round(span / 100, 3))
        if integer and span > 100:
            step = float(round(span / 100))
        return cls(path=path, low=float(low), high=float(high), step=step, integer=integer)


@functools.lru_cache(maxsize=None)
def lever_spec(path: str) -> LeverSpec:
    if path not in ALL_LEVERS:
        raise ConfigError(f"{path!r} is not a dashboard lever; allowed: {', '.join(ALL_LEVERS)}")
    return LeverSpec.of(path)


def check_choice(kind: str, value: str, allowed: list[str] | tuple[str, ...]) -> str:
    """Return `value` if it is one of `allowed`, else raise ConfigError naming the field and the choices."""
    if value not in allowed:
        raise ConfigError(f"{kind} = {value!r} is not allowed: expected one of {', '.join(allowed)}")
    return value


@functools.lru_cache(maxsize=64)
def base_config(organisation: str = "default", preset: str = "baseline", days: int = DEFAULT_DAYS) -> SimConfig:
    """The composed config for an organisation size and policy preset (cached: composing takes ~0.1 s)."""
    check_choice("organisation", organisation, ORGANISATION_SIZES)
    check_choice("preset", preset, presets())
    from sim import load_config

    with HYDRA_LOCK:
        return load_config(f"organisation={organisation}", f"policy={preset}", f"days={int(days)}")


@functools.lru_cache(maxsize=64)
def compose(*overrides: str) -> SimConfig:
    """`sim.load_config(*overrides)` behind the Hydra lock, cached (stories and tests use it)."""
    from sim import load_config

    with HYDRA_LOCK:
        return load_config(*overrides)


def lever_values(config: SimConfig) -> dict[str, Any]:
    """The current value of every dashboard lever in `config`."""
    return {path: getattr(config.policy, path.split(".", 1)[1]) for path in ALL_LEVERS}


def with_levers(config: SimConfig, values: dict[str, Any]) -> SimConfig:
    """`config` with each lever set (validated by the config schema; unknown paths are refused)."""
    for path, value in values.items():
        lever_spec(path)
        config = config.with_path(path, value)
    return config
