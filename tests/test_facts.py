"""The stylized-fact detectors on synthetic data where the answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from sim import facts

RNG = np.random.default_rng(0)


def test_estimate_gives_a_t_interval():
    est = facts.estimate([1.0, 2.0, 3.0])
    assert est.mean == 2.0 and est.n == 3
    assert est.low == pytest.approx(2.0 - 4.303 * 1.0 / np.sqrt(3), rel=1e-3)


def test_s1_passes_on_target_ratings_and_fails_off_target():
    assert facts.s1_centricity([8.5, 8.6, 8.4], [6.6, 6.5, 6.7]).passed
    assert not facts.s1_centricity([8.5, 8.6, 8.4], [7.2, 7.3, 7.1]).passed
    assert not facts.s1_centricity([7.9, 8.0], [6.6, 6.6]).passed


def test_s2_needs_a_positive_gap_that_halves():
    assert facts.s2_front_line_gap([0.10, 0.11, 0.09], [0.04, 0.05, 0.03]).passed
    assert not facts.s2_front_line_gap([0.10, 0.11, 0.09], [0.07, 0.08, 0.06]).passed  # shrinks only 30%
    assert not facts.s2_front_line_gap([-0.02, 0.01, -0.01], [0.0, 0.0, 0.0]).passed  # no gap to start with


def test_s3_needs_all_three_effects_above_zero():
    good = ([3, 4, 5, 4], [0.05, 0.07, 0.06, 0.04], [100, 120, 90, 110])
    assert facts.s3_ambassadors(*good).passed
    assert not facts.s3_ambassadors([3, -4, 5, -4], *good[1:]).passed


def test_f1_recovers_a_known_correlation():
    per_seed = []
    for _ in range(10):
        engagement = RNG.normal(0, 1, 400)
        satisfaction = 0.33 * engagement + np.sqrt(1 - 0.33**2) * RNG.normal(0, 1, 400)
        per_seed.append((engagement, satisfaction))
    fact = facts.f1_unit_correlation(per_seed)
    assert fact.passed and fact.statistics["correlation"].mean == pytest.approx(0.33, abs=0.03)
    perfectly = [(np.arange(30.0), np.arange(30.0))] * 3
    assert facts.f1_unit_correlation(perfectly).statistics["correlation"].mean == pytest.approx(1.0)
    assert not facts.f1_unit_correlation(perfectly).passed


def test_f3_recovers_known_employee_correlations():
    def draw(n=5000):
        demands = RNG.normal(size=n)
        resources = RNG.normal(size=n)
        exhaustion = 0.5 * demands + np.sqrt(0.75) * RNG.normal(size=n)
        engagement = 0.4 * resources - 0.4 * exhaustion + 0.7 * RNG.normal(size=n)
        return {"demands": demands, "resources": resources, "exhaustion": exhaustion, "engagement": engagement}

    fact = facts.f3_employee_correlations([draw() for _ in range(3)])
    assert fact.statistics["demands_exhaustion"].mean == pytest.approx(0.5, abs=0.03)
    assert fact.passed
    uncorrelated = [{k: RNG.normal(size=500) for k in ("demands", "resources", "exhaustion", "engagement")}]
    assert not facts.f3_employee_correlations(uncorrelated).passed


def _step_response(cross_days: int, step: int = 180, days: int = 730) -> np.ndarray:
    """Synthetic satisfaction difference: 0 before the step, a positive hump that returns to zero at
    `cross_days` after the step, then a decline that settles at -0.02."""
    x = np.arange(days, dtype=float) - step
    hump = 0.01 * np.sin(np.pi * x / cross_days)
    decline = -0.02 * (1 - np.exp(-(x - cross_days) / 30))
    return np.where(x < 0, 0.0, np.where(x <= cross_days, hump, decline))


def test_f4_finds_a_known_crossing_day():
    diff = _step_response(cross_days=150)
    fact = facts.f4_pressure_backfires(diff, 180)
    assert fact.statistics["peak"] > 0
    assert fact.statistics["crossing_day_after_step"] == pytest.approx(150, abs=12)
    assert fact.passed


def test_f4_fails_when_the_crossing_is_too_early_or_never():
    too_early = _step_response(cross_days=60)
    assert not facts.f4_pressure_backfires(too_early, 180).passed
    always_up = np.concatenate([np.zeros(180), np.full(550, 0.01)])
    assert not facts.f4_pressure_backfires(always_up, 180).passed
    always_down = np.concatenate([np.zeros(180), np.full(550, -0.01)])
    assert not facts.f4_pressure_backfires(always_down, 180).passed


def test_f6_locates_known_optima():
    x = np.linspace(0, 0.9, 7)
    low = 0.8 - (x - 0.3) ** 2
    high = 0.85 - (x - 0.55) ** 2
    fact = facts.f6_optimum_shift(x, low, high)
    assert fact.statistics["optimum_low"] == pytest.approx(0.3, abs=0.01)
    assert fact.statistics["optimum_high"] == pytest.approx(0.55, abs=0.01)
    assert fact.passed
    assert not facts.f6_optimum_shift(x, high, low).passed


def test_f7_needs_lower_satisfaction_and_higher_exhaustion():
    assert facts.f7_veneer([-0.05, -0.04, -0.06], [0.03, 0.04, 0.02]).passed
    assert not facts.f7_veneer([0.05, 0.04, 0.06], [0.03, 0.04, 0.02]).passed
    assert not facts.f7_veneer([-0.05, -0.04, -0.06], [-0.03, -0.04, -0.02]).passed
    # Clearly below zero but too small to notice (the extra training in the sincere arm alone does this much).
    assert not facts.f7_veneer([-0.006, -0.005, -0.007], [0.008, 0.007, 0.009]).passed


def test_f8_ratio_of_defection_rates():
    assert facts.f8_convexity([0.05, 0.04], [0.30, 0.24]).statistics["ratio"].mean == pytest.approx(6.0)
    assert facts.f8_convexity([0.05, 0.04], [0.30, 0.24]).passed
    assert not facts.f8_convexity([0.10, 0.10], [0.15, 0.15]).passed


def test_f9_recovers_a_known_loss_weight():
    d = RNG.uniform(-0.3, 0.3, 20000)
    control = RNG.uniform(-0.2, 0.2, 20000)
    change = 0.2 * np.where(d < 0, 2.0 * d, d) + 0.2 * control + RNG.normal(0, 0.01, 20000)
    fact = facts.f9_loss_asymmetry(d, change, control)
    assert fact.statistics["ratio"] == pytest.approx(2.0, abs=0.05) and fact.passed
    symmetric = 0.2 * d + RNG.normal(0, 0.01, 20000)
    assert not facts.f9_loss_asymmetry(d, symmetric).passed


def test_f9_compares_equal_gains_and_losses_only():
    """Large losses that hit the floor of the scale have no positive counterpart: they must not flatten the fit."""
    d = np.concatenate([RNG.uniform(-0.2, 0.2, 20000), RNG.uniform(-0.8, -0.2, 20000)])
    change = 0.2 * np.maximum(np.where(d < 0, 2.0 * d, d), -0.5) + RNG.normal(0, 0.01, len(d))
    fact = facts.f9_loss_asymmetry(d, change)
    assert fact.statistics["ratio"] == pytest.approx(2.0, abs=0.1) and fact.passed


def test_f11_break_even_and_retention():
    discounts = [0.0, 0.01, 0.02, 0.05, 0.1]
    other = [[0.20, 0.21, 0.19]] * 5
    split_noise = np.array([0.01, -0.02, 0.005])  # the members' chance difference in the run without a card
    member = [np.array(other[0]) * (1 - split_noise)] + [np.array(other[0]) * (1 - 0.03)] * 4
    margin = [0.30, 0.303, 0.300, 0.28, 0.25]
    fact = facts.f11_loyalty_card(discounts, member, other, margin)
    assert fact.statistics["retention_effect"].mean == pytest.approx(0.03, abs=1e-9)
    assert fact.statistics["member_cut_without_card"].mean == pytest.approx(split_noise.mean())
    assert fact.statistics["break_even_discount"] == pytest.approx(0.02, abs=0.002)
    assert fact.passed
    no_card_effect = facts.f11_loyalty_card(discounts, [member[0]] * 5, other, margin)
    assert not no_card_effect.passed
    always_better = facts.f11_loyalty_card(discounts, member, other, [0.30, 0.31, 0.32, 0.33, 0.34])
    assert not always_better.passed


def test_f11_needs_an_effect_clear_of_noise():
    """A mean cut inside the range whose interval includes 0 is not an effect."""
    discounts = [0.0, 0.02]
    other = [[0.2] * 4] * 2
    member = [[0.2] * 4, [0.2 * (1 - c) for c in (0.05, -0.04, 0.03, -0.016)]]  # mean 0.6%, interval spans 0
    fact = facts.f11_loyalty_card(discounts, member, other, [0.30, 0.29])
    assert 0.005 <= fact.statistics["retention_effect"].mean and fact.statistics["retention_effect"].low < 0
    assert not fact.passed


def test_f11_margin_falling_from_the_first_discount_breaks_even_below_it():
    discounts = [0.0, 0.01, 0.02, 0.05]
    other, member = [[0.2] * 3] * 4, [[0.2] * 3] + [[0.194] * 3] * 3
    fact = facts.f11_loyalty_card(discounts, member, other, [0.30, 0.299, 0.29, 0.27])
    assert fact.statistics["break_even_discount"] == 0.0 and not fact.passed


def test_steady_state_detects_drift():
    flat = {"customers": np.full(730, 20000.0), "engagement": np.full(730, 0.6), "exhaustion": np.full(730, 0.3)}
    assert facts.steady_state([flat]).passed
    growing = dict(flat, customers=np.linspace(18000, 22000, 730))
    assert not facts.steady_state([growing]).passed
