"""Shared fixtures: short runs of the reference scenario, cached per test session."""

from __future__ import annotations

import functools

import pytest

from sim import SimConfig, simulate


@functools.lru_cache(maxsize=None)
def cached_run(days: int = 730, seed: int = 0):
    """The reference scenario, run once per (days, seed) per test session."""
    return simulate(SimConfig(days=days), seed)


@pytest.fixture(scope="session")
def reference_run():
    return cached_run(730, 0)
