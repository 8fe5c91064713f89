"""The model: handles agree with arrays, determinism, accounting, steady state, events, presets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim import Customer, Employee, Event, ServiceModel, SimConfig, simulate
from tests.conftest import cached_run

SMALL = dict(days=120)


def test_handles_read_and_write_the_model_arrays():
    model = ServiceModel(SimConfig(days=30), seed=3)
    model.run(10)
    employees = model.agents_by_type[Employee]
    customers = model.agents_by_type[Customer]
    assert len(employees) == int(model.employees.active[: model.employees.n].sum())
    assert len(customers) == int(model.customers.active[: model.customers.n].sum())
    for handle in list(employees)[:25]:
        assert handle.engagement == model.employees.engagement[handle.row]
        assert handle.exhaustion == model.employees.exhaustion[handle.row]
        assert handle.team == (model.employees.unit[handle.row] if handle.is_front else -1)
    for handle in list(customers)[:25]:
        assert handle.satisfaction == model.customers.satisfaction[handle.row]
        assert handle.team == model.customers.team[handle.row]
    someone = list(employees)[0]
    someone.engagement = 0.123
    assert model.employees.engagement[someone.row] == 0.123
    customer = list(customers)[0]
    customer.satisfaction = 0.2
    assert model.customers.satisfaction[customer.row] == 0.2
    assert model.customers.hazard_per_year[customer.row] > 0.5  # the churn clock follows the new state
    totals = model.ledger.totals()
    model.ledger.rebuild()
    assert model.ledger.totals() == pytest.approx(totals)


def test_handles_follow_people_who_leave_and_join():
    model = ServiceModel(SimConfig(days=200), seed=1)
    before = {h.row for h in model.agents_by_type[Customer]}
    model.run(120)
    after = {h.row for h in model.agents_by_type[Customer]}
    assert before - after and after - before  # some churned, some joined
    gone = model.customer(next(iter(before - after)))
    assert gone.active is False


def test_same_seed_same_result_and_different_seeds_differ():
    config = SimConfig(**SMALL)
    a, b, c = simulate(config, 7), simulate(config, 7), simulate(config, 8)
    pd.testing.assert_frame_equal(a.daily, b.daily)
    pd.testing.assert_frame_equal(a.teams, b.teams)
    assert a.summary == b.summary
    assert not a.daily["satisfaction"].equals(c.daily["satisfaction"])


def test_customer_and_staff_accounting_is_exact(reference_run):
    daily, summary = reference_run.daily, reference_run.summary
    assert summary["customers_start"] + daily["new_customers"].sum() - daily["churned"].sum() == \
        summary["customers_end"]
    assert summary["employees_start"] + daily["hires"].sum() - daily["quits"].sum() - daily["layoffs"].sum() == \
        summary["employees_end"]
    customers = np.concatenate([[summary["customers_start"]], daily["customers"].to_numpy()])
    assert np.array_equal(np.diff(customers), (daily["new_customers"] - daily["churned"]).to_numpy())


def test_accounting_holds_through_a_staffing_cut():
    config = SimConfig(days=200, events=(Event(50, {"policy.staffing": 0.7}), Event(150, {"policy.staffing": 1.0})))
    result = simulate(config, 2)
    daily, summary = result.daily, result.summary
    assert daily.loc[50, "layoffs"] > 0
    staff = np.concatenate([[summary["employees_start"]], daily["employees"].to_numpy()])
    assert np.array_equal(np.diff(staff), (daily["hires"] - daily["quits"] - daily["layoffs"]).to_numpy())
    assert daily.loc[60, "employees"] < 0.75 * summary["employees_start"]


@pytest.mark.slow
def test_baseline_is_in_steady_state():
    """Drift over days 180-730 below 5% in customers, engagement and exhaustion (30-day means at each end),
    averaged over three seeds as the spec's steady state is a property of the scenario, not of one seed (one
    seed's exhaustion can wander 5% on its own; the validation judges it on 20 seeds)."""
    for column in ("customers", "engagement", "exhaustion"):
        drifts = []
        for seed in (0, 1, 2):
            daily = cached_run(730, seed).daily
            start = daily[column].iloc[180:210].mean()
            drifts.append((daily[column].iloc[700:730].mean() - start) / start)
        assert abs(sum(drifts) / len(drifts)) < 0.05, (column, drifts)


def test_columns_are_complete_and_documented(reference_run):
    from sim.metrics import DAILY_COLUMNS, TEAM_COLUMNS

    required_daily = ["day", "customers", "satisfaction", "loyalty", "nps", "churned", "new_customers", "referrals",
                      "employees", "engagement", "exhaustion", "burnout_share", "quits", "hires", "vacancies",
                      "pressure", "time_per_customer", "time_standard", "service_quality", "resolution_rate",
                      "backlog", "customer_centricity_engaged", "customer_centricity_other", "revenue", "cost",
                      "profit"]
    required_teams = ["day", "team", "headcount", "engagement", "exhaustion", "satisfaction", "loyalty", "customers",
                      "quits", "service_quality"]
    assert set(required_daily) <= set(reference_run.daily.columns)
    assert set(required_teams) <= set(reference_run.teams.columns)
    assert list(reference_run.daily.columns) == list(DAILY_COLUMNS)
    assert list(reference_run.teams.columns) == list(TEAM_COLUMNS)
    assert len(reference_run.teams) == 730 * 10


def test_states_stay_in_bounds_and_money_adds_up(reference_run):
    daily = reference_run.daily
    for column in ("satisfaction", "loyalty", "engagement", "exhaustion", "burnout_share", "service_quality",
                   "resolution_rate"):
        assert daily[column].between(0, 1).all(), column
    assert np.allclose(daily["profit"], daily["revenue"] - daily["cost"])
    assert np.isfinite(daily[["revenue", "cost", "profit"]].to_numpy()).all()


def test_an_event_applies_at_the_start_of_its_day():
    config = SimConfig(days=40, events=(Event(20, {"policy.pressure": 0.9}),))
    daily = simulate(config, 0).daily
    assert daily.loc[19, "management_pressure"] == pytest.approx(0.4)
    assert daily.loc[20, "management_pressure"] == pytest.approx(0.9)


def test_a_demand_spike_raises_contacts_and_pressure():
    config = SimConfig(days=120, events=(Event(60, {"market.demand_multiplier": 1.5}),))
    daily = simulate(config, 0).daily
    before, after = daily.iloc[40:60], daily.iloc[62:90]
    assert after["contacts"].mean() > 1.3 * before["contacts"].mean()
    assert after["pressure"].mean() > before["pressure"].mean()


@pytest.mark.parametrize("preset", ["baseline", "high_pressure", "appreciation_first", "veneer", "empowerment",
                                    "loyalty_card", "cocreation", "reactive"])
def test_every_preset_runs(preset):
    result = simulate(sim.load_config(f"policy={preset}", "days=60"), 0)
    assert len(result.daily) == 60
    assert np.isfinite(result.daily.drop(columns=["customer_centricity_engaged",
                                                  "customer_centricity_other"]).to_numpy()).all()


def test_loyalty_card_members_pay_less_and_exist_only_with_a_card():
    base = simulate(SimConfig(days=30), 0).daily
    card = simulate(sim.load_config("policy=loyalty_card", "days=30"), 0).daily
    assert base["card_members"].eq(0).all() and base["card_discount"].eq(0).all()
    assert card["card_members"].gt(0).all() and card["card_discount"].gt(0).all()


def test_bad_seed_is_rejected():
    with pytest.raises(sim.ConfigError, match="seed"):
        ServiceModel(SimConfig(days=5), seed=-1)
