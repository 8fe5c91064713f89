"""Reading a Hydra app's command line before Hydra does, so bad input is refused before anything is written."""

from __future__ import annotations

from experiments.cli import HYDRA_INFO_FLAGS

FLAGS_WITH_VALUE = ("--config-name", "-cn", "--config-path", "-cp", "--config-dir", "-cd")


def asks_for_information(arguments: list[str]) -> bool:
    """True for --help, --cfg and the like: Hydra answers them without running anything."""
    return any(a.split("=")[0] in HYDRA_INFO_FLAGS for a in arguments)


def config_name(arguments: list[str], default: str) -> str:
    """The --config-name (or -cn) on the command line, else `default`."""
    for i, argument in enumerate(arguments):
        if argument.startswith("--config-name="):
            return argument.split("=", 1)[1]
        if argument in ("--config-name", "-cn") and i + 1 < len(arguments):
            return arguments[i + 1]
    return default


def config_overrides(arguments: list[str]) -> list[str]:
    """The config overrides among the arguments: no flags, no flag values, no hydra.* keys."""
    overrides, skip_next = [], False
    for argument in arguments:
        if skip_next:
            skip_next = False
        elif argument in FLAGS_WITH_VALUE:
            skip_next = True
        elif not argument.startswith("-") and not argument.lstrip("+~").startswith("hydra"):
            overrides.append(argument)
    return overrides
