"""The stylized facts on model output (slow: the whole validation runs here, as in the report).

Each fact is judged over seeds as in docs/validation.md. The ablation tests switch the
mechanism behind S1, F4 and F7 off and check that the fact then fails, so these tests
cannot pass without the mechanism.
"""

from __future__ import annotations

import functools

import pytest

from experiments.validate import Plan, measure_all
from sim import SimConfig

pytestmark = pytest.mark.slow
PLAN = Plan(seeds=10, s3_seeds=20, f1_teams=30, f6_seeds=4, workers=2)


@functools.lru_cache(maxsize=None)
def verdicts() -> dict:
    return {fact.key: fact for fact in measure_all(SimConfig(), PLAN)}


# Facts the model does not yet reproduce (see docs/validation.md and the ODD's "Known gaps"). Strict: the day
# one starts to hold, the test fails until it is moved back to the list above.
KNOWN_GAPS = {
    "F1": "team-level satisfaction has too few sources of variation besides engagement (r ~ .9, target .33)",
}
FACTS = ["S1", "S2", "S3", "F1", "F3", "F4", "F6", "F7", "F8", "F9", "F11", "SS"]


@pytest.mark.parametrize("key", [pytest.param(k, marks=pytest.mark.xfail(reason=KNOWN_GAPS[k], strict=True))
                                 if k in KNOWN_GAPS else k for k in FACTS])
def test_fact_holds(key):
    fact = verdicts()[key]
    assert fact.passed, fact.line()


def _fact_without(key: str, **behaviour) -> object:
    config = SimConfig()
    for name, value in behaviour.items():
        config = config.with_path(f"behaviour.{name}", value)
    (fact,) = measure_all(config, PLAN, only={key})
    return fact


def test_s1_fails_without_engagement_driving_service():
    """Engaged staff rate higher because they resolve more needs and act authentically; switch both off."""
    fact = _fact_without("S1", resolution_engagement=0.0, authenticity_bonus=0.0)
    assert not fact.passed, fact.line()


def test_f4_fails_without_the_short_run_effort_response():
    """The early rise comes from effort under pressure (Janssen); without it there is no rise first."""
    fact = _fact_without("F4", resolution_effort=0.0)
    assert not fact.passed, fact.line()


def test_f7_fails_when_faking_is_neither_seen_nor_straining():
    """A veneer fails because customers detect surface acting and faking strains staff."""
    fact = _fact_without("F7", detection_probability=0.0, surface_acting_strain=0.0)
    assert not fact.passed, fact.line()
