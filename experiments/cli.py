"""Shared command-line checks: validate Hydra overrides before anything is written."""

from __future__ import annotations

import itertools
import sys

from sim.compose import compose_raw, to_sim_config
from sim.config import ConfigError

HYDRA_INFO_FLAGS = ("--help", "-h", "--hydra-help", "--cfg", "-c", "--info", "-i", "--resolve", "--shell-completion",
                    "-sc")


def expand_sweeps(overrides: list[str]) -> list[list[str]]:
    """Override lists to validate: for each swept key, each of its values with the others' first value.

    Ranges are per field, so this covers every value of a sweep without composing the
    whole (possibly huge) Cartesian product.
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parsed = OverridesParser.create().parse_overrides(overrides)
    choices = []
    for override in parsed:
        if override.is_sweep_override():
            values = list(override.sweep_string_iterator())
            key = override.get_key_element()
            choices.append([f"{key}={value}" for value in values])
        else:
            choices.append([override.input_line])
    firsts = [options[0] for options in choices]
    combos = [firsts]
    for i, options in enumerate(choices):
        for option in options[1:]:
            combos.append(firsts[:i] + [option] + firsts[i + 1:])
    return combos


def validate_overrides(arguments: list[str]) -> None:
    """Raise ConfigError if any value in the (possibly swept) overrides is not allowed."""
    if any(a.split("=")[0] in HYDRA_INFO_FLAGS for a in arguments):
        return
    overrides = [a for a in arguments if not a.startswith("-")]
    overrides = [o for o in overrides if not o.lstrip("+~").startswith("hydra")]
    try:
        combos = expand_sweeps(overrides)
    except Exception as error:  # the override grammar's own errors
        raise ConfigError(f"cannot parse the overrides {overrides}: {error}") from None
    for combo in itertools.islice(combos, 10_000):
        to_sim_config(compose_raw(*combo))


def validate_overrides_or_exit(arguments: list[str]) -> None:
    """Validate, or print the reason and exit with status 2 before anything is written."""
    try:
        validate_overrides(arguments)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
