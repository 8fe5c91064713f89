"""Shared command-line checks: validate Hydra overrides before anything is written."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

from sim.compose import compose_raw, to_sim_config
from sim.config import ConfigError

HYDRA_FLAGS_WITH_VALUE = {"--config-dir": "--config-dir", "-cd": "--config-dir", "--config-path": "--config-path",
                          "-cp": "--config-path", "--config-name": "--config-name", "-cn": "--config-name",
                          "--experimental-rerun": "--experimental-rerun"}
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


def split_flags(arguments: list[str]) -> tuple[list[str], dict[str, str]]:
    """The overrides and Hydra's flags (with their values: `--config-dir DIR` or `--config-dir=DIR`)."""
    overrides, flags = [], {}
    arguments = list(arguments)
    while arguments:
        argument = arguments.pop(0)
        name, has_value, value = argument.partition("=")
        if not argument.startswith("-"):
            overrides.append(argument)
        elif name in HYDRA_FLAGS_WITH_VALUE:
            flags[HYDRA_FLAGS_WITH_VALUE[name]] = value if has_value else (arguments.pop(0) if arguments else "")
        else:
            flags[name] = value
    return overrides, flags


def validate_overrides(arguments: list[str]) -> None:
    """Raise ConfigError if any value in the (possibly swept) overrides is not allowed."""
    if any(a.split("=")[0] in HYDRA_INFO_FLAGS for a in arguments):
        return
    overrides, flags = split_flags(arguments)
    if "--config-path" in flags or "--config-name" in flags:
        return  # another primary config: Hydra checks it against the schema when the run starts
    overrides = [o for o in overrides if not o.lstrip("+~").startswith("hydra")]
    if flags.get("--config-dir"):  # an extra config dir is searched too (and its YAML checked) as Hydra will
        overrides.append(f"hydra.searchpath=['file://{Path(flags['--config-dir']).resolve()}']")
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
