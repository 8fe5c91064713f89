"""Sampling ranges of levers and uncertain coefficients, derived from `sim.config` metadata.

Ranges are declared once, in the `param(...)` metadata of `sim/config.py`. A parameter
is sampled over its *evidence* range, which is the allowed range unless the literature
gives a narrower one. Two named groups exist: ``levers`` (every `policy.*` field) and
``uncertainties`` (every field that declares an evidence range narrower than its
allowed range). Samplers, the calibrator and the optimiser all choose from here; the
only other source of bounds is an explicit user override, checked against the
allowed range.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from sim.config import ConfigError, SimConfig, iter_params

GROUPS = ("levers", "uncertainties")


@dataclass(frozen=True)
class ParamRange:
    """One parameter to vary: its dotted path and the bounds to sample between."""

    path: str
    low: float
    high: float
    integer: bool
    unit: str
    help: str
    default: Any
    kind: str  # "lever" or "uncertainty"

    @property
    def label(self) -> str:
        return self.path.split(".", 1)[1].replace("_", " ")

    def value(self, x: float) -> float | int:
        """`x` (a sampled number within the bounds) as a value the config accepts."""
        x = min(max(float(x), self.low), self.high)
        return int(round(x)) if self.integer else x


def _kind(path: str) -> str:
    return "lever" if path.startswith("policy.") else "uncertainty"


def _from_field(path: str, f: dataclasses.Field, default: Any,
                bounds: tuple[float, float] | None = None) -> ParamRange:
    low, high = bounds if bounds is not None else f.metadata["evidence"]
    integer = isinstance(default, int) and not isinstance(default, bool)
    return ParamRange(path=path, low=float(low), high=float(high), integer=integer, unit=f.metadata.get("unit", ""),
                      help=f.metadata["help"], default=default, kind=_kind(path))


def _is_numeric(default: Any) -> bool:
    return isinstance(default, (int, float)) and not isinstance(default, bool)


def all_params() -> dict[str, tuple[dataclasses.Field, Any]]:
    """Every numeric declared parameter by dotted path, in schema order."""
    return {path: (f, default) for path, f, default in iter_params() if _is_numeric(default)}


def in_group(group: str, path: str, f: dataclasses.Field) -> bool:
    """Whether `path` belongs to the named group ("levers" or "uncertainties")."""
    if group == "levers":
        return path.startswith("policy.")
    return tuple(f.metadata["evidence"]) != tuple(f.metadata["range"])


def expand(selection: Iterable[str]) -> list[str]:
    """Dotted paths named by `selection`: group names, section names or dotted paths, in order, no repeats.

    Raises:
        ConfigError: a name is none of these, with the allowed names.
    """
    params = all_params()
    sections = sorted({path.split(".")[0] for path in params})
    chosen: list[str] = []
    for name in selection:
        name = str(name).strip()
        if name in GROUPS:
            matches = [p for p, (f, _) in params.items() if in_group(name, p, f)]
        elif name in sections:
            matches = [p for p in params if p.startswith(name + ".")]
        elif name in params:
            matches = [name]
        else:
            raise ConfigError(f"{name!r} is not a parameter to vary: expected a group ({', '.join(GROUPS)}), a "
                              f"section ({', '.join(sections)}) or a dotted path such as policy.pressure "
                              f"(docs/configuration.md lists them)")
        chosen.extend(p for p in matches if p not in chosen)
    if not chosen:
        raise ConfigError("no parameter to vary: the selection is empty")
    return chosen


def select(selection: Iterable[str], bounds: Mapping[str, Sequence[float]] | None = None) -> list[ParamRange]:
    """The ranges of the selected parameters, with optional explicit bounds per dotted path.

    Args:
        selection: group names, section names or dotted paths (see :func:`expand`).
        bounds: user overrides ``{path: [low, high]}``; each must name a parameter and lie within
            its allowed range (bounds of parameters not selected are checked, then unused).
    """
    params = all_params()
    checked = {}
    for path, pair in dict(bounds or {}).items():
        if path not in params:
            raise ConfigError(f"bounds.{path}: not a parameter; expected a dotted path such as policy.pressure "
                              f"(docs/configuration.md lists them)")
        checked[path] = _checked_bounds(path, pair, params[path][0])
    return [_from_field(path, params[path][0], params[path][1], checked.get(path)) for path in expand(selection)]


def _checked_bounds(path: str, pair: Any, f: dataclasses.Field) -> tuple[float, float]:
    allowed_low, allowed_high = f.metadata["range"]
    try:
        low, high = (float(v) for v in pair)
    except (TypeError, ValueError):
        raise ConfigError(f"bounds.{path} = {pair!r} is not allowed: expected [low, high]") from None
    if not (allowed_low <= low < high <= allowed_high):
        raise ConfigError(f"bounds.{path} = [{low}, {high}] is not allowed: expected low < high within "
                          f"[{allowed_low}, {allowed_high}] ({f.metadata['help']})")
    return low, high


def problem(ranges: Sequence[ParamRange]) -> dict[str, Any]:
    """The SALib problem dictionary for `ranges`."""
    return {"num_vars": len(ranges), "names": [r.path for r in ranges], "bounds": [[r.low, r.high] for r in ranges]}


def values_of(ranges: Sequence[ParamRange], row: Sequence[float]) -> dict[str, float | int]:
    """One sampled row as {dotted path: config value}."""
    return {r.path: r.value(x) for r, x in zip(ranges, row)}


def apply(config: SimConfig, values: Mapping[str, Any]) -> SimConfig:
    """`config` with each dotted path set to its value (validated by the config itself)."""
    for path, value in values.items():
        config = config.with_path(path, value)
    return config
