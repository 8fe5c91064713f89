"""Employees serving customers: an agent-based model of the service-profit chain.

Public surface (kept stable for code outside the project):
`SimConfig`, `Event`, `load_config`, `simulate`, `SimulationResult`, `ServiceModel`,
`Employee`, `Customer`, `ConfigError`.
"""

from .agents import Customer, Employee
from .config import ConfigError, Event, SimConfig
from .model import ServiceModel
from .simulate import SimulationResult, simulate


def load_config(*overrides: str):
    """Compose configs/ exactly as the CLI does, e.g. load_config("policy=high_pressure", "days=365")."""
    from .compose import load_config as _load

    return _load(*overrides)


__all__ = ["ConfigError", "Customer", "Employee", "Event", "ServiceModel", "SimConfig", "SimulationResult",
           "load_config", "simulate"]
