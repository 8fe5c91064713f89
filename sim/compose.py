"""Hydra composition of configs/ into a validated SimConfig.

The dataclasses in `sim.config` are registered as the Hydra schema, so a typo in a
YAML file or an override is an error. `load_config` composes exactly as the CLI
does; `to_sim_config` turns a composed DictConfig into a SimConfig.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import yaml
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from .config import ConfigError, SimConfig, describe_path, from_dict

CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"
ROOT_CONFIG = "config"


@dataclasses.dataclass
class RunSchema:
    """The root of the Hydra config: the SimConfig fields plus the CLI's run settings."""

    organisation: Any = None
    market: Any = None
    policy: Any = None
    behaviour: Any = None
    economics: Any = None
    days: int = 730
    events: Any = dataclasses.field(default_factory=list)
    seed: int = 0


def _schema_node() -> DictConfig:
    """RunSchema with each section typed by its SimConfig dataclass (writable, so YAML can merge)."""
    defaults = SimConfig()
    node = OmegaConf.structured(RunSchema(
        organisation=defaults.organisation, market=defaults.market, policy=defaults.policy,
        behaviour=defaults.behaviour, economics=defaults.economics))
    _make_writable(node)
    return node


def _make_writable(node: Any) -> None:
    node._set_flag("readonly", None)
    if OmegaConf.is_dict(node):
        for key in node.keys():
            _make_writable(node._get_node(key))


def register() -> None:
    """Register the schema with Hydra's ConfigStore (idempotent)."""
    from hydra.core.config_store import ConfigStore

    ConfigStore.instance().store(name="sim_schema", node=_schema_node())


def to_sim_config(cfg: DictConfig) -> tuple[SimConfig, int]:
    """A composed config as (SimConfig, seed), validated; ConfigError on any bad value."""
    try:
        values = OmegaConf.to_container(cfg, resolve=True, throw_on_missing=True)
    except OmegaConfBaseException as error:
        raise ConfigError(f"cannot resolve the configuration: {error}") from None
    values = {k: v for k, v in values.items() if k != "hydra"}
    seed = values.pop("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ConfigError(f"seed = {seed!r} is not allowed: expected a non-negative integer")
    return from_dict(values), seed


def compose_raw(*overrides: str) -> DictConfig:
    """Compose configs/ with Hydra overrides (no validation beyond the schema's types and keys)."""
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra
    from hydra.errors import HydraException, OverrideParseException

    register()
    try:
        if GlobalHydra.instance().is_initialized():
            return compose(config_name=ROOT_CONFIG, overrides=list(overrides))
        with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
            return compose(config_name=ROOT_CONFIG, overrides=list(overrides))
    except OverrideParseException as error:
        raise ConfigError(f"cannot parse the overrides {list(overrides)}: {error}") from None
    except (HydraException, OmegaConfBaseException) as error:
        raise ConfigError(_explain(error)) from None
    except yaml.YAMLError as error:  # a broken file in configs/ or in a --config-dir
        raise ConfigError(f"a config file is not valid YAML: {error}") from None


def load_config(*overrides: str) -> SimConfig:
    """Compose configs/ exactly as the CLI does, e.g. load_config("policy=high_pressure", "days=365")."""
    config, _ = to_sim_config(compose_raw(*overrides))
    return config


def _explain(error: Exception) -> str:
    """Hydra's message, with what the named field accepts (or which fields exist) and without its noise."""
    message = str(error).strip()
    cause = error.__cause__ or error.__context__
    if cause is not None and str(cause).strip() and str(cause).strip() not in message:
        message += f": {str(cause).strip()}"
    message = message.split("\nConfig search path:")[0].strip()  # where Hydra looked: noise for a user
    message = re.sub(r"\nTo append to your config use \S+: ", "\n", message)  # unknown keys are errors here
    key = re.search(r"full_key: (\S+)", message)
    if key:
        message += f"\nAllowed: {describe_path(key.group(1))}"
    if "Could not override" in message or "Key '" in message or key:
        message += "\nSee docs/configuration.md for every field, its range and unit."
    return message
