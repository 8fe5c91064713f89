"""Property-based tests: random configs over the whole declared parameter space, random event timelines.

Every field is drawn from its declared range in `sim.config` (the extremes `low` and `high`
are drawn often on purpose); only the size of the firm is kept tiny (a few teams and
customers, 30-120 days) so that hundreds of runs take a minute or two. For each run:
no NaN or infinity except where the docs say "NaN if none", every state inside its
bounds every day, money finite, and customers and staff accounted for exactly.

CI uses a derandomised profile (the same examples every run, so a failure reproduces);
`FUZZ_RANDOM=1 FUZZ_EXAMPLES=2000 pytest tests/test_properties.py` explores new ones.
"""

from __future__ import annotations

import json
import math
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from experiments.outputs import json_ready
from sim import Event, ServiceModel, SimConfig, simulate
from sim.config import ConfigError, from_dict, iter_params
from sim.metrics import DAILY_COLUMNS

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))
RANDOM = os.environ.get("FUZZ_RANDOM") == "1"
FUZZ = settings(deadline=None, max_examples=EXAMPLES, derandomize=not RANDOM, database=None if not RANDOM else
                settings.default.database, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
                print_blob=True)

# The size of the firm is the only thing kept small (cost grows with it, behaviour does not).
SIZE_LIMITS = {"organisation.teams": (1, 3), "organisation.employees_per_team": (1, 6),
               "market.customers_per_team": (1, 60)}
DAYS = (30, 120)
PARAMS = list(iter_params())
CHANGEABLE = [(path, f) for path, f, _ in PARAMS if not f.metadata.get("fixed")]

# Means over a group that can be empty are NaN exactly when it is (documented "NaN if ..." in docs/outputs.md):
# the group whose size decides it, for each such daily column.
MEAN_OVER = {
    "customers": ("satisfaction", "loyalty", "nps", "expectation"),
    "employees": ("engagement", "exhaustion", "burnout_share", "appreciation", "vision_alignment", "skill",
                  "fatigue", "overtime"),
    "front": ("engagement_front", "exhaustion_front", "surface_acting"),
    "back": ("engagement_back", "exhaustion_back"),
    "served": ("service_quality", "resolution_rate", "encounter_satisfaction"),
}
CENTRICITY = ("customer_centricity_engaged", "customer_centricity_other")
UNIT_COLUMNS = [name for name, (unit, _) in DAILY_COLUMNS.items() if unit == "0-1"]
COUNT_COLUMNS = [name for name, (unit, _) in DAILY_COLUMNS.items()
                 if unit in ("customers", "customers/day", "people", "people/day", "posts", "contacts",
                             "contacts/day")]
MONEY_COLUMNS = [name for name, (unit, _) in DAILY_COLUMNS.items() if unit.startswith("EUR")]
EMPLOYEE_STATES = ("skill", "engagement", "exhaustion", "appreciation", "vision_alignment", "fatigue",
                   "surface_acting", "meaning", "complaints", "resources", "demands")
CUSTOMER_STATES = ("satisfaction", "expectation", "loyalty")


def value_of(path: str, f, low=None, high=None) -> st.SearchStrategy:
    """Values of one field: its declared range (or the size limit), with both ends drawn often."""
    declared_low, declared_high = f.metadata["range"]
    low, high = SIZE_LIMITS.get(path, (declared_low, declared_high))
    if isinstance(f.default, int) and not isinstance(f.default, bool):
        inner = st.integers(int(low), int(high))
        return st.one_of(st.sampled_from([int(low), int(high)]), inner)
    inner = st.floats(float(low), float(high), allow_nan=False, allow_infinity=False)
    return st.one_of(st.sampled_from([float(low), float(high)]), inner)


@st.composite
def configs(draw) -> tuple[SimConfig, int]:
    """A valid config over the whole parameter space with a random timeline of valid events, and a seed."""
    values: dict = {}
    for path, f, _ in PARAMS:
        section, name = path.split(".")
        values.setdefault(section, {})[name] = draw(value_of(path, f))
    days = draw(st.integers(*DAYS))
    events = []
    for _ in range(draw(st.integers(0, 4))):
        changes = draw(st.lists(st.sampled_from(CHANGEABLE), min_size=1, max_size=4, unique_by=lambda p: p[0]))
        events.append(Event(day=draw(st.integers(0, days - 1)),
                            set={path: draw(value_of(path, f)) for path, f in changes}))
    config = from_dict({**values, "days": days, "events": tuple(events)})
    return config, draw(st.integers(0, 2**32 - 1))


class StateChecker:
    """Called after every day: every state of every person in post inside its bounds, books balanced."""

    def __init__(self) -> None:
        self.days = 0

    def __call__(self, model: ServiceModel) -> None:
        e, c = model.employees, model.customers
        staff = e.active[: e.n]
        for name in EMPLOYEE_STATES:
            values = getattr(e, name)[: e.n][staff]
            assert np.all((values >= 0.0) & (values <= 1.0)), (name, values.min(), values.max())
        active = c.active[: c.n]
        for name in CUSTOMER_STATES:
            values = getattr(c, name)[: c.n][active]
            assert np.all((values >= 0.0) & (values <= 1.0)), (name, values.min(), values.max())
        hazard = c.hazard_per_year[: c.n][active]
        assert np.all(np.isfinite(hazard) & (hazard >= 0.0))
        assert np.all(np.isfinite(c.contact_rate_per_day[: c.n][active]))
        assert np.all(np.isfinite(model.time_standard) & (model.time_standard > 0.0)), model.time_standard
        assert 0.0 <= model.isq <= 1.0 and 0.0 <= model.management_pressure <= 1.0
        assert np.all(model.ambassadors >= 0.0) and np.isfinite(model.backoffice_backlog)
        # the running sums agree with a recount
        sums = model.ledger.table.copy()
        model.ledger.rebuild()
        np.testing.assert_allclose(sums, model.ledger.table, rtol=1e-9, atol=1e-6)
        assert model.ledger.sums["customers"].sum() == active.sum()
        # the backlog holds only active customers, each once
        assert np.all(c.active[model.waiting]) and len(np.unique(model.waiting)) == len(model.waiting)
        self.days += 1


def group_sizes(daily, teams) -> dict[str, np.ndarray]:
    """Per day: customers, staff, front-line staff (the teams' headcount), back office and encounters."""
    front = teams.groupby("day")["headcount"].sum().to_numpy()
    employees = daily["employees"].to_numpy()
    return {"customers": daily["customers"].to_numpy(), "employees": employees, "front": front,
            "back": employees - front, "served": daily["served"].to_numpy()}


def check_daily(daily, teams, summary) -> None:
    sizes = group_sizes(daily, teams)
    group_of = {column: group for group, columns in MEAN_OVER.items() for column in columns}
    for name in daily.columns:
        values = daily[name].to_numpy(dtype=float)
        assert not np.any(np.isinf(values)), name
        missing = np.isnan(values)
        if name in group_of:
            assert np.array_equal(missing, sizes[group_of[name]] == 0), name  # NaN exactly when nobody is there
        elif name in CENTRICITY:
            assert np.all(missing[sizes["served"] == 0]), name
        else:
            assert not missing.any(), (name, daily.loc[missing, "day"].tolist()[:5])
    both_missing = daily[list(CENTRICITY)].isna().all(axis=1).to_numpy()
    assert np.array_equal(both_missing, sizes["served"] == 0)  # each encounter is with an engaged employee or not
    for name in UNIT_COLUMNS:
        values = daily[name].dropna()
        assert values.between(0.0, 1.0).all(), (name, values.min(), values.max())
    for name in COUNT_COLUMNS:
        assert (daily[name] >= 0).all(), name
    for name in CENTRICITY:
        assert daily[name].dropna().between(1.0, 10.0).all(), name
    assert daily["nps"].dropna().between(-100.0, 100.0).all()
    assert (daily["pressure"] >= 0).all() and (daily["backoffice_pressure"] >= 0).all()
    assert (daily["overtime"].dropna() >= 0).all() and (daily["time_per_customer"] > 0).all()
    assert (daily["referrals"] <= daily["new_customers"]).all()
    assert (daily["failure_demand"] <= daily["contacts"]).all()
    assert (daily["card_members"] <= daily["customers"]).all()
    # money
    for name in MONEY_COLUMNS:
        assert np.isfinite(daily[name]).all(), name
        if name != "profit":
            assert (daily[name] >= 0).all(), name
    np.testing.assert_allclose(daily["profit"], daily["revenue"] - daily["cost"], rtol=1e-12, atol=1e-6)
    np.testing.assert_allclose(daily["cost"], daily["wages"] + daily["lever_cost"] + daily["hiring_cost"],
                               rtol=1e-9, atol=1e-6)
    # customers and staff: every day's change is exactly the day's flows
    customers = np.concatenate([[summary["customers_start"]], daily["customers"].to_numpy()])
    assert np.array_equal(np.diff(customers), (daily["new_customers"] - daily["churned"]).to_numpy())
    staff = np.concatenate([[summary["employees_start"]], daily["employees"].to_numpy()])
    assert np.array_equal(np.diff(staff), (daily["hires"] - daily["quits"] - daily["layoffs"]).to_numpy())


def check_teams(teams, daily, n_teams: int) -> None:
    assert len(teams) == len(daily) * n_teams
    for name in teams.columns:
        values = teams[name].to_numpy(dtype=float)
        assert not np.any(np.isinf(values)), name
    by_day = teams.groupby("day")
    np.testing.assert_array_equal(by_day["customers"].sum().to_numpy(), daily["customers"].to_numpy())
    assert (by_day["headcount"].sum().to_numpy() <= daily["employees"].to_numpy()).all()
    assert (by_day["quits"].sum().to_numpy() <= daily["quits"].to_numpy()).all()
    has_staff, has_customers = teams["headcount"] > 0, teams["customers"] > 0
    for name in ("engagement", "exhaustion", "burnout_share"):
        assert teams.loc[has_staff, name].between(0.0, 1.0).all(), name
        assert teams.loc[~has_staff, name].isna().all(), name  # a team with nobody in post has no mean
    for name in ("satisfaction", "loyalty"):
        assert teams.loc[has_customers, name].between(0.0, 1.0).all(), name
        assert teams.loc[~has_customers, name].isna().all(), name
    assert teams["service_quality"].dropna().between(0.0, 1.0).all()
    assert teams["leader_quality"].between(0.0, 1.0).all() and (teams["pressure"] >= 0).all()
    assert np.isfinite(teams["time_standard"]).all() and (teams["time_standard"] > 0).all()


def check_summary(summary, daily) -> None:
    """Finite, except the documented undefined values: a mean over nobody, a cost per no customer."""
    undefined = {"service_quality_mean": daily["served"].sum() == 0, "resolution_rate_mean": daily["served"].sum() == 0,
                 "cost_per_retained_customer": summary["customers_end"] == 0,
                 "net_margin": summary["revenue_total"] != 0 and not math.isfinite(
                     summary["profit_total"] / summary["revenue_total"])}
    for stem, group in (("satisfaction", "customers"), ("loyalty", "customers"), ("nps", "customers"),
                        ("engagement", "employees"), ("exhaustion", "employees"), ("burnout_share", "employees")):
        undefined[f"{stem}_start"] = summary[f"{group}_start"] == 0
        undefined[f"{stem}_end"] = summary[f"{group}_end"] == 0
    for key, value in summary.items():
        if key.startswith("customer_centricity_"):
            assert math.isnan(value) or 1.0 <= value <= 10.0, (key, value)
        elif key in undefined:
            assert math.isnan(value) == bool(undefined[key]), (key, value)
        else:
            assert math.isfinite(value), (key, value)
    json.dumps(json_ready(summary), allow_nan=False)  # summary.json can always be written


def run_and_check(config: SimConfig, seed: int) -> None:
    checker = StateChecker()
    result = simulate(config, seed, on_day=checker)
    assert checker.days == config.days == len(result.daily)
    check_daily(result.daily, result.teams, result.summary)
    check_teams(result.teams, result.daily, config.organisation.teams)
    check_summary(result.summary, result.daily)


@FUZZ
@given(configs())
def test_any_valid_config_and_timeline_gives_finite_bounded_balanced_outputs(case):
    config, seed = case
    run_and_check(config, seed)


@settings(deadline=None, max_examples=max(20, EXAMPLES // 3), derandomize=not RANDOM, database=None)
@given(st.data())
def test_events_outside_the_declared_ranges_are_rejected_before_the_run(data):
    path, f = data.draw(st.sampled_from(CHANGEABLE))
    low, high = f.metadata["range"]
    bad = data.draw(st.one_of(st.floats(max_value=low, exclude_max=True, allow_nan=False),
                              st.floats(min_value=high, exclude_min=True, allow_nan=False),
                              st.just(float("nan")), st.just(float("inf"))))
    with pytest.raises(ConfigError) as error:
        SimConfig(days=10, events=(Event(day=data.draw(st.integers(0, 9)), set={path: bad}),))
    assert path in str(error.value)


# ---------------------------------------------------------------------------------------------
# Regression tests: the failures Hypothesis found, as explicit examples (docs/reliability.md lists the fixes).
def lowest_config(days: int = 60, **fields) -> SimConfig:
    """Every field at the low end of its range (the firm tiny), then `fields` ({"section.field": value})."""
    values: dict = {}
    for path, f, _ in PARAMS:
        section, name = path.split(".")
        values.setdefault(section, {})[name] = SIZE_LIMITS.get(path, f.metadata["range"])[0]
    for path, value in fields.items():
        section, name = path.split(".")
        values[section][name] = value
    return from_dict({**values, "days": days})


def test_fast_learning_with_full_training_never_pushes_skill_above_one():
    from sim import rules

    assert rules.skill_step(0.5, 1.0, 1.0) <= 1.0
    run_and_check(lowest_config(**{"policy.training": 1.0, "behaviour.skill_days": 1.0,
                                   "organisation.employees_per_team": 4, "policy.staffing": 1.0}), 0)


def test_losing_every_customer_leaves_no_nan_in_the_model_and_the_summary_writable():
    config = lowest_config(days=365, **{"behaviour.churn_max_per_year": 10.0, "behaviour.churn_steepness": 50.0,
                                        "behaviour.churn_midpoint": 1.0, "policy.reactive_management": 1.0,
                                        "organisation.employees_per_team": 4, "policy.staffing": 1.0,
                                        "market.customers_per_team": 5})
    pressures = []
    result = simulate(config, 1, on_day=lambda model: pressures.append(model.management_pressure))
    assert result.summary["customers_end"] == 0
    assert np.all(np.isfinite(pressures))
    assert math.isnan(result.summary["cost_per_retained_customer"])
    run_and_check(config, 1)


def test_a_vanishing_contact_rate_spread_does_not_divide_by_zero():
    run_and_check(lowest_config(**{"market.contact_rate_spread": 5e-324, "market.contacts_per_customer_per_year": 9.0}),
                  0)


def test_revenue_negligible_against_cost_gives_an_undefined_not_infinite_margin():
    config = lowest_config(**{"market.spend_per_customer_per_year": 1e-306, "economics.front_wage_per_year": 1e7,
                              "organisation.employees_per_team": 4, "policy.staffing": 1.0})
    summary = simulate(config, 0).summary
    assert math.isnan(summary["net_margin"]) and summary["revenue_total"] > 0
    run_and_check(config, 0)


def test_means_from_running_sums_stay_inside_zero_one_when_every_customer_is_at_zero():
    run_and_check(lowest_config(days=30, **{"organisation.teams": 3, "market.customers_per_team": 7,
                                            "market.demand_multiplier": 5.0,
                                            "market.contacts_per_customer_per_year": 365.0,
                                            "policy.staffing": 0.3, "behaviour.satisfaction_smoothing": 1.0,
                                            "behaviour.initial_satisfaction": 1.0}), 0)
