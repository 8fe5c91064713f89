"""Unit tests of the pure rule functions (scalars and arrays alike)."""

from __future__ import annotations

import numpy as np
import pytest

from sim import rules
from sim.config import BehaviourConfig

B = BehaviourConfig()


def test_time_per_contact_follows_oliva_sterman_elasticity():
    standard = 1.0
    at_double = rules.time_per_contact(standard, 2.0, 0.64, time_norm_hours=1.0)
    assert at_double == pytest.approx(2.0 ** -0.64)
    # bounded: never below a quarter of the norm, never above 125% of the standard
    assert rules.time_per_contact(standard, 1000.0, 0.64, 1.0) == pytest.approx(0.25)
    assert rules.time_per_contact(standard, 0.01, 0.64, 1.0) == pytest.approx(1.25)


def test_work_intensity_saturates_at_max_overtime():
    assert rules.work_intensity(4.0, 1.3) == pytest.approx(1.3)
    assert rules.work_intensity(1.21, 1.3) == pytest.approx(1.1)


def test_capacity_covers_demand_up_to_the_corner_cutting_limit():
    """With T = T* p^-0.64 and overtime sqrt(p), pressure up to ~2 is absorbed by cutting and overtime."""
    available = 100.0
    for p in (0.5, 0.9, 1.0, 1.5, 1.9):
        standard = 1.0
        pending = p * available / standard
        time = rules.time_per_contact(standard, p, 0.64, 1.0)
        capacity = rules.capacity_contacts(available, rules.work_intensity(p, 1.3), time)
        assert capacity >= pending - 1e-9
    p = 3.0
    time = rules.time_per_contact(1.0, p, 0.64, 1.0)
    assert rules.capacity_contacts(available, rules.work_intensity(p, 1.3), time) < p * available


def test_time_standard_erodes_down_but_never_recovers_by_itself():
    standard, target = 1.0, 1.0
    eroded = rules.time_standard_step(standard, 0.6, target, 14.0, 130.0, 0.0)
    assert eroded == pytest.approx(1.0 - 0.4 / 130.0)
    # actual time above the standard does not raise it
    assert rules.time_standard_step(0.7, 1.2, target, 14.0, 130.0, 0.0) == pytest.approx(0.7)
    # only a deliberate reset restores it, towards management's target
    restored = rules.time_standard_step(0.7, 1.2, target, 14.0, 130.0, 1.0)
    assert 0.7 < restored < 1.0


def test_management_pulls_the_standard_down_to_its_target():
    tighter = rules.management_target_standard(1.0, 0.8, 0.4)
    assert tighter == pytest.approx(0.68)
    step = rules.time_standard_step(1.0, 1.0, tighter, 14.0, 130.0, 0.0)
    assert tighter < step < 1.0


def test_losses_weigh_more_than_gains():
    expectation = 0.7
    gain = rules.encounter_satisfaction(expectation + 0.1, expectation, 2.0) - expectation
    loss = expectation - rules.encounter_satisfaction(expectation - 0.1, expectation, 2.0)
    assert loss / gain == pytest.approx(2.0)


def test_churn_hazard_is_convex_and_hits_the_spec_anchors():
    hazard = lambda cs: rules.churn_hazard_per_year(cs, B.churn_max_per_year, B.churn_steepness, B.churn_midpoint)
    yearly_loss = lambda cs: 1 - np.exp(-hazard(cs))
    assert 0.45 <= yearly_loss(0.3) <= 0.75  # about 60%/year
    assert 0.15 <= yearly_loss(0.7) <= 0.40
    assert yearly_loss(0.9) <= 0.05
    grid = np.linspace(0.6, 1.0, 9)
    assert np.all(np.diff(hazard(grid)) < 0)


def test_surface_acting_is_the_gap_between_display_rules_and_engagement():
    assert rules.surface_acting(0.9, 0.4) == pytest.approx(0.5)
    assert rules.surface_acting(0.3, 0.8) == 0.0


def test_resolution_rises_with_skill_engagement_autonomy_time_and_isq():
    base = dict(skill=0.75, engagement=0.6, exhaustion=0.3, autonomy=0.4, time_ratio=0.85, isq=0.7,
                effort_level=rules.REFERENCE_EFFORT)
    p0 = rules.resolution_probability(b=B, **base)
    for name, higher in (("skill", 0.95), ("engagement", 0.9), ("autonomy", 0.9), ("time_ratio", 1.2),
                         ("isq", 0.95)):
        assert rules.resolution_probability(b=B, **{**base, name: higher}) > p0, name
    assert rules.resolution_probability(b=B, **{**base, "exhaustion": 0.8}) < p0


def test_authenticity_bonus_needs_a_resolved_need():
    common = dict(skill=0.8, exhaustion=0.3, time_ratio=0.9, surface_acting_level=0.0, detected=0.0,
                  display_rules=0.0, queue=0.0, days_waited=0, b=B)
    resolved_sincere = rules.encounter_quality(1.0, authenticity_level=1.0, **common)
    resolved_flat = rules.encounter_quality(1.0, authenticity_level=0.0, **common)
    unresolved_sincere = rules.encounter_quality(0.0, authenticity_level=1.0, **common)
    unresolved_flat = rules.encounter_quality(0.0, authenticity_level=0.0, **common)
    assert resolved_sincere > resolved_flat
    assert unresolved_sincere == pytest.approx(unresolved_flat)


def test_detected_surface_acting_costs_quality():
    common = dict(resolved=1.0, skill=0.8, exhaustion=0.3, time_ratio=0.9, authenticity_level=0.3,
                  surface_acting_level=0.4, display_rules=0.9, queue=0.0, days_waited=0, b=B)
    assert rules.encounter_quality(detected=1.0, **common) < rules.encounter_quality(detected=0.0, **common)


def test_pressure_is_challenge_when_fair_and_hindrance_when_not():
    challenge, hindrance = rules.challenge_and_hindrance(0.8, 1.0, 0.0)
    assert (challenge, hindrance) == pytest.approx((0.8, 0.0))
    challenge, hindrance = rules.challenge_and_hindrance(0.8, 0.0, 0.2)
    assert (challenge, hindrance) == pytest.approx((0.0, 1.0))


def test_jdr_targets_move_the_right_way():
    e_low = rules.engagement_target(0.3, 0.0, 0.0, 0.3, 0.0, B)
    e_high = rules.engagement_target(0.8, 0.0, 0.0, 0.3, 0.0, B)
    assert e_high > e_low
    assert rules.engagement_target(0.5, 0.0, 0.5, 0.3, 0.0, B) < rules.engagement_target(0.5, 0.0, 0.0, 0.3, 0.0, B)
    assert rules.exhaustion_target(0.7, 0.5, 0.0, B) > rules.exhaustion_target(0.3, 0.5, 0.0, B)
    assert rules.exhaustion_target(0.5, 0.8, 0.0, B) < rules.exhaustion_target(0.5, 0.2, 0.0, B)


def test_exhaustion_rises_faster_than_it_recovers():
    up = rules.exhaustion_step(0.3, 0.5, 21.0, 45.0) - 0.3
    down = 0.5 - rules.exhaustion_step(0.5, 0.3, 21.0, 45.0)
    assert up == pytest.approx(0.2 / 21.0)
    assert down == pytest.approx(0.2 / 45.0)


def test_quit_probability_matches_the_base_rate_at_reference_states():
    p = rules.quit_probability(rules.REFERENCE_EXHAUSTION, rules.REFERENCE_ENGAGEMENT, 0.0, False, B)
    assert 1 - (1 - p) ** 365 == pytest.approx(B.base_quit_rate_per_year, rel=1e-6)
    burnt = rules.quit_probability(0.6, 0.3, 0.0, False, B)
    assert burnt > 3 * p
    assert rules.quit_probability(0.3, 0.6, 0.0, True, B) < p
    assert rules.quit_probability(0.3, 0.6, 2.0, False, B) > p


def test_felt_appreciation_fades_and_recognition_closes_part_of_the_gap():
    faded = rules.felt_appreciation(0.5, False, 0.5, 60.0)
    assert faded == pytest.approx(0.5 * np.exp(-1 / 60))
    boosted = rules.felt_appreciation(0.5, True, 0.5, 60.0)
    assert boosted == pytest.approx(faded + 0.5 * (1 - faded))


def test_leader_quality_keeps_each_leaders_rank_when_the_policy_moves():
    quantiles = np.array([0.1, 0.5, 0.9])
    low = rules.leader_quality(quantiles, 0.3, 8.0)
    high = rules.leader_quality(quantiles, 0.8, 8.0)
    assert np.all(np.diff(low) > 0) and np.all(np.diff(high) > 0)
    assert np.all(high > low)


def test_skill_grows_towards_a_ceiling_that_training_raises():
    assert rules.skill_step(0.5, 0.0, 90.0) == pytest.approx(0.5 + 0.3 / 90.0)
    assert rules.skill_step(0.5, 1.0, 90.0) > rules.skill_step(0.5, 0.0, 90.0)


def test_rules_work_on_arrays_and_scalars_alike():
    arr = rules.resolution_probability(np.array([0.5, 0.9]), np.array([0.4, 0.8]), 0.3, 0.4, 0.85, 0.7, 0.7, B)
    one = rules.resolution_probability(0.5, 0.4, 0.3, 0.4, 0.85, 0.7, 0.7, B)
    assert arr[0] == pytest.approx(one)


def test_effort_is_an_inverted_u_shifted_right_and_higher_when_fair():
    grid = np.linspace(0, 1, 101)
    unfair, fair = rules.effort(grid, 0.2, 1.0), rules.effort(grid, 0.8, 1.0)
    assert 0 < grid[np.argmax(unfair)] < grid[np.argmax(fair)] < 1
    assert fair.max() > unfair.max()
    assert rules.effort(0.4, 0.5, 1.0) == pytest.approx(rules.REFERENCE_EFFORT)
