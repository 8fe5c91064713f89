"""The configuration schema: one frozen dataclass tree, validated on construction.

Every field declares its allowed range, unit and meaning once (in its metadata);
validation, the Hydra schema, samplers, the dashboard's sliders and the docs all
read them from here. Bad input raises :class:`ConfigError` naming the field, the
value and what is allowed, before anything runs or is written.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from dataclasses import dataclass, field
from typing import Any, ClassVar, Iterator


class ConfigError(ValueError):
    """A configuration value is unknown, of the wrong type or out of range."""


def param(default: Any, low: float, high: float, help: str, unit: str = "",
          evidence: tuple[float, float] | None = None, fixed: bool = False) -> Any:
    """Declare a config field with its allowed range, unit and meaning.

    Args:
        default: the default value (its type is the field's type).
        low, high: the allowed closed range; validation rejects values outside it.
        help: one line saying what the value means.
        unit: the unit ("1/year", "days", "EUR", "0-1", ...).
        evidence: the plausible range from the literature, where narrower than
            the allowed range; samplers and calibration draw from it.
        fixed: the value is read only when the run starts, so events may not
            change it.
    """
    return field(default=default, metadata={
        "range": (low, high), "help": help, "unit": unit,
        "evidence": evidence if evidence is not None else (low, high),
        "fixed": fixed})


def _type_name(value: Any) -> str:
    return type(value).__name__


class _Section:
    """Validates every declared field of a config section after construction."""

    SECTION: ClassVar[str] = ""

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            if "range" not in f.metadata:
                continue
            value = getattr(self, f.name)
            path = f"{self.SECTION}.{f.name}" if self.SECTION else f.name
            object.__setattr__(self, f.name, check_value(path, value, f))


def allowed_values(f: dataclasses.Field) -> str:
    """What a declared field accepts, e.g. 'a number in [0.0, 1.0]'."""
    low, high = f.metadata["range"]
    if isinstance(f.default, bool):
        return "true or false"
    if isinstance(f.default, int):
        return f"an integer in [{low}, {high}]"
    return f"a number in [{low}, {high}]"


def check_value(path: str, value: Any, f: dataclasses.Field) -> Any:
    """Return `value` converted to the field's type, or raise ConfigError."""
    low, high = f.metadata["range"]
    wants_int = isinstance(f.default, int) and not isinstance(f.default, bool)
    wants_bool = isinstance(f.default, bool)
    allowed = allowed_values(f)
    unit = f", unit {f.metadata['unit']}" if f.metadata.get("unit") else ""
    if wants_bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{path} = {value!r} ({_type_name(value)}) is not allowed: expected {allowed}")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{path} = {value!r} ({_type_name(value)}) is not allowed: expected {allowed}"
                          f" ({f.metadata['help']}{unit})")
    if wants_int:
        if isinstance(value, float):
            if not value.is_integer():
                raise ConfigError(f"{path} = {value!r} is not allowed: expected {allowed}")
            value = int(value)
    else:
        value = float(value)
    if not math.isfinite(value) or not (low <= value <= high):
        raise ConfigError(f"{path} = {value!r} is out of range: expected {allowed} "
                          f"({f.metadata['help']}{unit})")
    return value


@dataclass(frozen=True)
class OrganisationConfig(_Section):
    """The firm's structure: front-line teams, a back office, working time."""

    SECTION: ClassVar[str] = "organisation"
    teams: int = param(10, 1, 10_000, "number of front-line teams (branches), each with its own customer base",
                       "teams", fixed=True)
    employees_per_team: int = param(15, 1, 1000, "front-line positions per team at staffing 1.0", "people")
    backoffice_share: float = param(0.2, 0.0, 0.8, "back-office staff as a share of all staff", "0-1")
    service_hours_per_day: float = param(6.0, 1.0, 12.0,
                                         "hours per employee per day available for the work itself", "hours/day")
    time_norm_hours: float = param(1.0, 0.05, 8.0,
                                   "time a front-line contact needs to be done properly (the norm)", "hours")
    backoffice_time_norm_hours: float = param(0.4, 0.01, 8.0,
                                              "time an internal request needs in the back office", "hours")
    internal_requests_per_contact: float = param(0.5, 0.0, 3.0,
                                                 "back-office requests generated per front-line contact", "requests")
    leader_quality_concentration: float = param(
        12.0, 0.5, 1000.0, "Beta concentration of team-leader quality around the policy (higher = more alike)",
        "", evidence=(4.0, 20.0))


@dataclass(frozen=True)
class MarketConfig(_Section):
    """The customers: how many, how often they call, what they spend, how they arrive."""

    SECTION: ClassVar[str] = "market"
    customers_per_team: int = param(2000, 1, 10_000_000, "customers per team at the start", "customers", fixed=True)
    demand_multiplier: float = param(1.0, 0.0, 5.0, "multiplies every customer's contact rate (demand shocks)", "x")
    contacts_per_customer_per_year: float = param(9.0, 0.1, 365.0, "mean contact rate of a customer", "1/year")
    contact_rate_spread: float = param(0.5, 0.0, 3.0,
                                       "coefficient of variation of contact rates between customers", "", fixed=True)
    team_demand_spread: float = param(0.06, 0.0, 0.5,
                                      "between-team spread of demand per customer (branch location)", "CV", fixed=True)
    team_expectation_spread: float = param(0.06, 0.0, 0.3,
                                           "between-team spread of customers' expectations", "0-1", fixed=True, evidence=(0.0, 0.15))
    team_setting_spread: float = param(0.14, 0.0, 0.3,
                                       "between-team spread of the part of service quality that staff do not make "
                                       "(premises, systems, local product range)", "0-1", fixed=True,
                                       evidence=(0.0, 0.15))
    customer_expectation_spread: float = param(0.12, 0.0, 0.3,
                                               "spread of customers' personal standards (some are hard to please)",
                                               "0-1", fixed=True, evidence=(0.02, 0.15))
    market_potential_ratio: float = param(1.5, 1.0, 20.0,
                                          "people in a team's market per initial customer", "x")
    acquisition_per_year: float = param(0.4914, 0.0, 10.0,
                                        "share of non-customers in the market who become customers per year "
                                        "through ordinary marketing", "1/year", evidence=(0.1, 3.0))
    spend_per_customer_per_year: float = param(600.0, 0.0, 1e6, "gross margin a customer brings per year",
                                               "EUR/year")


@dataclass(frozen=True)
class PolicyConfig(_Section):
    """Management's levers."""

    SECTION: ClassVar[str] = "policy"
    pressure: float = param(0.4, 0.0, 1.0, "targets, monitoring and a tighter handling-time standard", "0-1")
    appreciation: float = param(0.5, 0.0, 1.0, "sincere, individual recognition by team leaders", "0-1")
    autonomy: float = param(0.4, 0.0, 1.0, "empowerment to act for the customer", "0-1")
    training: float = param(0.3, 0.0, 1.0, "training effort: faster learning, higher skill ceiling", "0-1")
    display_rules: float = param(0.5, 0.0, 1.0, "how strictly a smile and a script are required", "0-1")
    vision_cocreation: float = param(0.2, 0.0, 1.0,
                                     "staff co-create the customer vision (1) vs it comes top-down (0)", "0-1")
    listening: float = param(0.3, 0.0, 1.0,
                             "individual dialogue and fixing the process barriers staff report", "0-1")
    brand_promise: float = param(0.3, 0.0, 1.0, "how much the brand promises customers (raises expectations)",
                                 "0-1")
    loyalty_discount: float = param(0.0, 0.0, 0.2, "share of the price given back to loyalty-card members",
                                    "0-0.2")
    staffing: float = param(1.0, 0.3, 3.0, "headcount relative to the baseline need", "x")
    hiring_delay_days: int = param(45, 0, 730, "days to fill a vacancy without a referral", "days")
    reset_standards: float = param(0.0, 0.0, 1.0,
                                   "management deliberately restores the eroded time standard", "0-1")
    reactive_management: float = param(0.0, 0.0, 1.0,
                                       "management raises pressure when customer scores fall", "0-1")


@dataclass(frozen=True)
class BehaviourConfig(_Section):
    """Behavioural coefficients (evidence ranges in the metadata; see docs/ODD.md)."""

    SECTION: ClassVar[str] = "behaviour"
    # --- JD-R: employee engagement and exhaustion -------------------------------------------
    engagement_base: float = param(0.60, 0.0, 1.0, "engagement target at reference conditions", "0-1",
                                   evidence=(0.55, 0.70))
    resources_to_engagement: float = param(0.6, 0.0, 3.0, "slope of the engagement target on job resources",
                                           "", evidence=(0.5, 1.3))
    challenge_to_engagement: float = param(0.30, 0.0, 2.0, "slope of engagement on challenge demands", "",
                                           evidence=(0.1, 0.5))
    hindrance_to_engagement: float = param(0.25, 0.0, 2.0, "slope of engagement on hindrance demands", "",
                                           evidence=(0.1, 0.5))
    exhaustion_to_engagement: float = param(0.5, 0.0, 2.0, "slope of engagement on exhaustion", "",
                                            evidence=(0.2, 0.6))
    exhaustion_base: float = param(0.30, 0.0, 1.0, "exhaustion target at reference conditions", "0-1",
                                   evidence=(0.2, 0.4))
    demands_to_exhaustion: float = param(0.90, 0.0, 3.0, "slope of the exhaustion target on job demands", "",
                                         evidence=(0.6, 1.3))
    resources_to_exhaustion: float = param(0.30, 0.0, 2.0, "how much job resources lower the exhaustion target",
                                           "", evidence=(0.1, 0.5))
    exhaustion_rise_days: float = param(35.0, 1.0, 365.0, "time constant of rising exhaustion", "days",
                                        evidence=(14.0, 35.0))
    exhaustion_recovery_days: float = param(45.0, 1.0, 365.0, "time constant of recovery from exhaustion",
                                            "days", evidence=(30.0, 60.0))
    engagement_days: float = param(14.0, 1.0, 365.0, "time constant of engagement", "days",
                                   evidence=(7.0, 28.0))
    engagement_noise: float = param(0.025, 0.0, 0.2, "daily noise on engagement (SD)", "0-1")
    engagement_trait_spread: float = param(0.2, 0.0, 0.5, "SD of individual engagement dispositions", "0-1", evidence=(0.05, 0.2))
    resilience_trait_spread: float = param(0.18, 0.0, 0.5, "SD of individual exhaustion dispositions", "0-1", evidence=(0.05, 0.2))
    caseload_spread: float = param(0.04, 0.0, 0.5, "SD of individual differences in job demands", "0-1", evidence=(0.02, 0.15))
    emotional_labour_front: float = param(0.12, 0.0, 1.0,
                                          "baseline emotional demand of serving external customers", "0-1",
                                          evidence=(0.05, 0.25))
    # --- appreciation, alignment, skill ------------------------------------------------------
    recognitions_per_month: float = param(2.0, 0.0, 30.0,
                                          "recognition events per person per month at appreciation 1 "
                                          "and an average leader", "1/month")
    recognition_boost: float = param(0.5, 0.0, 1.0, "share of the gap to 1 that one recognition closes", "0-1")
    appreciation_decay_days: float = param(60.0, 1.0, 365.0, "time constant with which felt appreciation fades",
                                           "days")
    vision_days: float = param(60.0, 1.0, 730.0, "time constant of vision alignment", "days")
    skill_days: float = param(90.0, 1.0, 730.0, "time constant of learning at training 0", "days",
                              evidence=(60.0, 120.0))
    newcomer_skill: float = param(0.5, 0.0, 1.0, "skill of a new hire", "0-1", evidence=(0.4, 0.6))
    # --- work pressure (Oliva & Sterman) -----------------------------------------------------
    time_cut_elasticity: float = param(0.64, 0.0, 2.0, "T = T* p^-e: how much staff cut time under pressure",
                                       "", evidence=(0.5, 0.8))
    standard_erosion_days: float = param(130.0, 1.0, 3650.0,
                                         "time constant with which the standard erodes towards actual time",
                                         "days", evidence=(100.0, 160.0))
    standard_tightening: float = param(0.40, 0.0, 0.9,
                                       "how far pressure 1 pulls the time standard below the norm", "0-1")
    standard_pull_days: float = param(14.0, 1.0, 365.0, "how fast management's target reaches the standard",
                                      "days")
    max_overtime: float = param(1.3, 1.0, 2.0, "maximum work intensity (hours worked / contracted)", "x")
    fatigue_days: float = param(21.0, 1.0, 365.0, "time constant of fatigue following work intensity", "days")
    # --- encounters --------------------------------------------------------------------------
    resolution_base: float = param(0.4292, -5.0, 5.0, "log-odds of resolving a need at reference conditions", "", evidence=(0.0, 2.5))
    resolution_skill: float = param(2.5, 0.0, 10.0, "log-odds of resolution per unit of skill", "")
    resolution_engagement: float = param(4.6594, 0.0, 10.0,
                                         "log-odds of resolution per unit of engagement (probing)", "", evidence=(1.0, 8.0))
    resolution_autonomy: float = param(1.5, 0.0, 10.0, "log-odds of resolution per unit of autonomy", "")
    resolution_time: float = param(0.4, 0.0, 10.0, "log-odds of resolution per unit of time/norm", "")
    resolution_isq: float = param(1.5, 0.0, 10.0,
                                  "log-odds of resolution per unit of back-office service quality", "")
    resolution_exhaustion: float = param(0.6, 0.0, 10.0, "log-odds lost per unit of exhaustion", "")
    resolution_effort: float = param(10.0, 0.0, 20.0, "log-odds of resolution per unit of effort (Janssen)", "")
    effort_curvature: float = param(1.0, 0.0, 10.0,
                                    "how sharply effort falls away from its optimal pressure (inverted U)", "")
    surface_acting_strain: float = param(0.5, 0.0, 2.0, "job demand per unit of surface acting (faking strains)",
                                         "", evidence=(0.3, 0.8))
    detection_probability: float = param(0.6, 0.0, 1.0, "chance a customer notices surface acting", "0-1",
                                         evidence=(0.4, 0.8))
    detected_acting_penalty: float = param(0.35, 0.0, 1.0,
                                           "perceived-quality loss per unit of detected surface acting", "0-1")
    display_bonus: float = param(0.05, 0.0, 0.5, "perceived-quality gain from an undetected smile and script",
                                 "0-1")
    authenticity_bonus: float = param(0.25, 0.0, 0.5,
                                      "quality gain from sincere engagement, only when the need was resolved",
                                      "0-1", evidence=(0.05, 0.3))
    rating_noise: float = param(0.08, 0.0, 0.5, "noise on the 1-10 customer-centricity rating (in 0-1 units)",
                                "0-1")
    need_return_days: float = param(5.0, 1.0, 90.0, "mean days before an unresolved need comes back", "days")
    abandon_per_day: float = param(0.15, 0.0, 1.0, "share of waiting customers who give up each day", "1/day")
    waiting_penalty: float = param(0.24, 0.0, 2.0,
                                   "perceived-quality loss per unit of queueing (work pressure above 0.4)", "0-1")
    # --- customers ---------------------------------------------------------------------------
    initial_engagement: float = param(0.7718, 0.0, 1.0, "mean engagement of the staff at the start "
                                                     "(calibrated to the baseline's long-run state)", "0-1",
                                      evidence=(0.4, 0.8))
    initial_exhaustion: float = param(0.1704, 0.0, 1.0, "mean exhaustion of the staff at the start "
                                                     "(calibrated to the baseline's long-run state)", "0-1",
                                      evidence=(0.1, 0.5))
    initial_engagement_trait: float = param(0.1234, -0.5, 0.5, "mean engagement disposition of the staff at the start: "
                                                          "incumbents are survivors of selective turnover, "
                                                          "applicants have mean 0 (calibrated to the baseline's "
                                                          "long-run state)", "0-1", evidence=(-0.2, 0.2))
    initial_resilience_trait: float = param(-0.1507, -0.5, 0.5, "mean exhaustion disposition of the staff at the start "
                                                          "(negative: more resilient; calibrated like the above)",
                                          "0-1", evidence=(-0.2, 0.2))
    initial_meaning: float = param(0.6817, 0.0, 1.0, "front-line staff's felt meaning from customers at the start "
                                                  "(calibrated to the baseline's long-run state)", "0-1",
                                   evidence=(0.3, 0.9))
    initial_complaints: float = param(0.211, 0.0, 1.0, "share of complaining customers staff hear at the start "
                                                     "(calibrated to the baseline's long-run state)", "0-1",
                                      evidence=(0.0, 0.5))
    initial_satisfaction: float = param(0.7389, 0.0, 1.0, "mean satisfaction of the customers at the start "
                                                         "(calibrated to the baseline's steady state)", "0-1",
                                        evidence=(0.5, 0.9))
    initial_satisfaction_per_setting: float = param(0.4078, 0.0, 2.0, "how much a branch's setting raises its "
                                                    "customers' satisfaction at the start (the long-run slope "
                                                    "across branches, fitted by the settle stage)", "x")
    initial_expectation: float = param(0.7735, 0.0, 1.0, "mean expectation of customers at the start and of "
                                                        "new customers before the brand promise", "0-1",
                                       evidence=(0.5, 0.9))
    newcomer_satisfaction: float = param(0.72, 0.0, 1.0, "satisfaction of a new customer before any encounter",
                                         "0-1")
    loss_aversion: float = param(2.0, 1.0, 5.0, "weight of negative vs positive disconfirmation", "x",
                                 evidence=(1.5, 3.0))
    satisfaction_smoothing: float = param(0.12, 0.01, 1.0,
                                          "weight of the latest encounter in cumulative satisfaction", "0-1", evidence=(0.1, 0.4))
    expectation_adaptation: float = param(0.15, 0.0, 1.0,
                                          "share of the gap to experienced quality that expectations close per "
                                          "encounter", "0-1")
    brand_promise_lift: float = param(0.15, 0.0, 0.5, "expectation raised by a brand promise of 1", "0-1")
    churn_max_per_year: float = param(1.2, 0.0, 10.0, "churn hazard of a totally dissatisfied customer",
                                      "1/year")
    churn_steepness: float = param(20.0, 0.0, 50.0, "steepness of the churn logistic in satisfaction", "1/unit", evidence=(8.0, 20.0))
    churn_midpoint: float = param(0.62, 0.0, 1.0, "satisfaction at which churn is half its maximum", "0-1")
    card_churn_factor: float = param(0.97, 0.5, 1.0, "churn multiplier for loyalty-card members", "x")
    card_uptake: float = param(0.5, 0.0, 1.0, "share of customers who join a loyalty card when offered", "0-1")
    card_share_of_wallet: float = param(0.03, 0.0, 0.2, "extra spend of card members", "share",
                                        evidence=(0.01, 0.05))
    referred_churn_factor: float = param(0.8, 0.3, 1.0, "churn multiplier of referred customers while their "
                                                        "referrer stays", "x")
    referred_spend_bonus: float = param(0.10, 0.0, 0.5, "extra spend of referred customers, fading over a year",
                                        "share")
    promoter_referrals_per_year: float = param(0.8, 0.0, 20.0,
                                               "recommendations a promoter makes per year", "1/year")
    referral_conversion: float = param(0.10, 0.0, 1.0, "share of recommendations that bring a new customer",
                                       "0-1", evidence=(0.05, 0.15))
    detractor_talk_ratio: float = param(1.5, 0.0, 5.0, "how much more detractors talk than promoters", "x")
    # --- turnover and hiring -----------------------------------------------------------------
    base_quit_rate_per_year: float = param(0.20, 0.0, 3.0, "annual quit rate at reference states", "1/year")
    quit_exhaustion: float = param(0.6, 0.0, 3.0, "quit log-hazard per SD of exhaustion", "")
    quit_engagement: float = param(0.4, 0.0, 3.0, "quit log-hazard lost per SD of engagement", "")
    quit_contagion: float = param(0.25, 0.0, 3.0, "quit log-hazard per co-worker quit in the last 30 days", "")
    quit_referred: float = param(0.3, 0.0, 3.0, "quit log-hazard lost by referred hires", "")
    staff_referrals_per_year: float = param(1.0, 0.0, 50.0,
                                            "candidates an engaged believer refers per year", "1/year")
    referral_delay_factor: float = param(0.5, 0.0, 1.0, "vacancy delay multiplier when a referral arrives", "x")
    ambassador_days: float = param(180.0, 0.0, 3650.0, "how long engaged leavers keep referring", "days")
    ambassador_customer_referrals_per_year: float = param(
        0.5, 0.0, 20.0, "new customers an engaged believer (or ambassador) brings per year", "1/year")


@dataclass(frozen=True)
class EconomicsConfig(_Section):
    """Money: wages and the cost of each lever."""

    SECTION: ClassVar[str] = "economics"
    front_wage_per_year: float = param(42_000.0, 0.0, 1e7, "employer cost of a front-line employee", "EUR/year")
    back_wage_per_year: float = param(45_000.0, 0.0, 1e7, "employer cost of a back-office employee", "EUR/year")
    overtime_premium: float = param(1.5, 1.0, 3.0, "pay per overtime hour relative to a normal hour", "x")
    recognition_cost: float = param(50.0, 0.0, 1e5, "cost of one recognition event", "EUR")
    training_cost_per_year: float = param(2_000.0, 0.0, 1e6,
                                          "cost per employee per year at training 1", "EUR/year")
    listening_cost_per_year: float = param(1_000.0, 0.0, 1e6,
                                           "cost per employee per year at listening 1", "EUR/year")
    cocreation_cost_per_year: float = param(800.0, 0.0, 1e6,
                                            "cost per employee per year at vision co-creation 1", "EUR/year")
    display_rules_cost_per_year: float = param(1_200.0, 0.0, 1e6,
                                               "scripts, mystery shopping and monitoring per front-line employee "
                                               "per year at display rules 1", "EUR/year")
    brand_cost_per_year: float = param(100_000.0, 0.0, 1e9,
                                       "marketing spend per team per year at brand promise 1", "EUR/year")
    hiring_cost: float = param(6_000.0, 0.0, 1e6, "recruiting and onboarding cost per hire", "EUR")
    card_cost_per_member_per_year: float = param(3.0, 0.0, 1e4, "running cost of a card member", "EUR/year")


FIXED_TOP_LEVEL = frozenset({"days", "events"})


@dataclass(frozen=True)
class Event:
    """At the start of `day`, set each dotted config path to its value.

    Example: ``Event(day=90, set={"policy.pressure": 0.8})``.
    """

    day: int = 0
    set: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Check the day, the paths and the values now, so a bad event fails where it is written."""
        where = f"Event(day={self.day!r})"
        if isinstance(self.day, bool) or not isinstance(self.day, numbers.Integral) or self.day < 0:
            raise ConfigError(f"{where}: day = {self.day!r} ({_type_name(self.day)}) is not allowed: expected a "
                              f"non-negative integer (the day, counted from 0, at whose start the change applies)")
        object.__setattr__(self, "day", int(self.day))
        if not isinstance(self.set, dict) or not self.set:
            raise ConfigError(f"{where}: set = {self.set!r} is not allowed: expected a non-empty mapping "
                              f"of dotted config paths to values, e.g. {{'policy.pressure': 0.8}}")
        apply_event(SimConfig(), self, where=where)


@dataclass(frozen=True)
class SimConfig:
    """The whole simulation configuration (see docs/ODD.md for the meaning of each part)."""

    organisation: OrganisationConfig = field(default_factory=OrganisationConfig)
    market: MarketConfig = field(default_factory=MarketConfig)
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    behaviour: BehaviourConfig = field(default_factory=BehaviourConfig)
    economics: EconomicsConfig = field(default_factory=EconomicsConfig)
    days: int = field(default=730, metadata={"range": (1, 36_500), "help": "length of the run", "unit": "days",
                                             "evidence": (1, 36_500), "fixed": True})
    events: tuple[Event, ...] = ()

    def __post_init__(self) -> None:
        for name, kind in SECTIONS.items():
            value = getattr(self, name)
            if isinstance(value, dict):
                value = build_section(kind, value, name)
                object.__setattr__(self, name, value)
            if not isinstance(value, kind):
                raise ConfigError(f"{name} must be a {kind.__name__}, got {_type_name(value)}")
        days_field = next(f for f in dataclasses.fields(self) if f.name == "days")
        object.__setattr__(self, "days", check_value("days", self.days, days_field))
        if isinstance(self.events, (str, bytes, dict)) or not isinstance(self.events, (list, tuple)):
            raise ConfigError(f"events = {self.events!r} is not allowed: expected a list of events, each "
                              f"{{day: <int>, set: {{<dotted.path>: <value>, ...}}}}")
        object.__setattr__(self, "events", tuple(_coerce_event(e, i) for i, e in enumerate(self.events)))
        if not self.events:
            return
        validated = dataclasses.replace(self, events=())  # apply each event to a copy to validate it
        for i, event in enumerate(self.events):
            if not 0 <= event.day < self.days:
                raise ConfigError(f"events[{i}].day = {event.day} is outside the run: expected an integer in "
                                  f"[0, {self.days - 1}] (days = {self.days})")
            validated = apply_event(validated, event, where=f"events[{i}]")

    def with_path(self, path: str, value: Any) -> "SimConfig":
        """Return a copy with the dotted field `path` set to `value` (validated)."""
        return _set_path(self, path, value, where=path, mid_run=False)


SECTIONS: dict[str, type] = {
    "organisation": OrganisationConfig, "market": MarketConfig, "policy": PolicyConfig,
    "behaviour": BehaviourConfig, "economics": EconomicsConfig,
}


def build_section(kind: type, values: dict[str, Any], name: str) -> Any:
    """Build a section dataclass from a plain dict, rejecting unknown keys by name."""
    known = {f.name for f in dataclasses.fields(kind)}
    for key in values:
        if key not in known:
            raise ConfigError(f"{name}.{key} is not a known field; allowed: {', '.join(sorted(known))}")
    return kind(**values)


def _coerce_event(event: Any, index: int) -> Event:
    if isinstance(event, Event):
        day, settings = event.day, event.set
    elif isinstance(event, dict) and set(event) <= {"day", "set"} and "day" in event:
        day, settings = event["day"], event.get("set", {})
    else:
        raise ConfigError(f"events[{index}] = {event!r} is not an event: expected {{day: <int>, set: "
                          f"{{<dotted.path>: <value>, ...}}}}")
    if isinstance(day, bool) or not isinstance(day, numbers.Integral):
        raise ConfigError(f"events[{index}].day = {day!r} ({_type_name(day)}) is not allowed: expected an integer")
    if not isinstance(settings, dict) or not settings:
        raise ConfigError(f"events[{index}].set = {settings!r} is not allowed: expected a non-empty mapping "
                          f"of dotted config paths to values")
    if isinstance(event, Event):
        return event
    try:
        return Event(day=day, set=dict(settings))
    except ConfigError as error:
        raise ConfigError(f"events[{index}]: {error}") from None


def apply_event(config: SimConfig, event: Event, where: str = "event") -> SimConfig:
    """Return `config` with every setting of `event` applied (validated)."""
    for path, value in event.set.items():
        config = _set_path(config, path, value, where=f"{where}.set[{path!r}]", mid_run=True)
    return config


def _set_path(config: SimConfig, path: str, value: Any, where: str, mid_run: bool) -> SimConfig:
    """Set one dotted field; `mid_run` (events) also refuses fields read only at the start."""
    parts = str(path).split(".")
    if not mid_run and len(parts) == 1 and parts[0] == "days":
        return dataclasses.replace(config, days=value)
    if len(parts) != 2 or parts[0] not in SECTIONS:
        if parts[0] in FIXED_TOP_LEVEL:
            raise ConfigError(f"{where}: {path!r} is fixed when the run starts and cannot be changed by an event")
        raise ConfigError(f"{where}: {path!r} is not a config path; expected <section>.<field> with section one "
                          f"of {', '.join(SECTIONS)}")
    section_name, field_name = parts
    section = getattr(config, section_name)
    fields = {f.name: f for f in dataclasses.fields(section)}
    if field_name not in fields or "range" not in fields[field_name].metadata:
        raise ConfigError(f"{where}: {path!r} is not a config path; {section_name} has: "
                          f"{', '.join(sorted(n for n, f in fields.items() if 'range' in f.metadata))}")
    if mid_run and fields[field_name].metadata.get("fixed"):
        raise ConfigError(f"{where}: {path!r} is fixed when the run starts and cannot be changed by an event")
    check_value(path, value, fields[field_name])
    return dataclasses.replace(config, **{section_name: dataclasses.replace(section, **{field_name: value})})


def iter_params(config: SimConfig | None = None) -> Iterator[tuple[str, dataclasses.Field, Any]]:
    """Yield (dotted path, field, current value) for every declared parameter."""
    config = config or SimConfig()
    for name in SECTIONS:
        section = getattr(config, name)
        for f in dataclasses.fields(section):
            if "range" in f.metadata:
                yield f"{name}.{f.name}", f, getattr(section, f.name)


def describe_path(path: str) -> str:
    """What a dotted path accepts, or which paths exist where it points nowhere (for error messages)."""
    section_name, _, name = path.partition(".")
    if path == "days":
        return "days: expected an integer in [1, 36500] (length of the run, unit days)"
    if section_name not in SECTIONS:
        return f"known sections: {', '.join(SECTIONS)}, days, events, seed"
    fields = {f.name: f for f in dataclasses.fields(SECTIONS[section_name]) if "range" in f.metadata}
    if name not in fields:
        return f"{section_name} has: {', '.join(sorted(fields))}"
    f = fields[name]
    unit = f", unit {f.metadata['unit']}" if f.metadata.get("unit") else ""
    return f"{path}: expected {allowed_values(f)} ({f.metadata['help']}{unit})"


def param_info(path: str) -> dict[str, Any]:
    """Range, evidence range, unit and help of one dotted parameter path."""
    for dotted, f, value in iter_params():
        if dotted == path:
            return {"path": dotted, "default": value, **f.metadata}
    raise ConfigError(f"{path!r} is not a config path")


def to_dict(config: SimConfig) -> dict[str, Any]:
    """A plain, YAML/JSON-friendly dict of the whole config."""
    out = {name: dataclasses.asdict(getattr(config, name)) for name in SECTIONS}
    out["days"] = config.days
    out["events"] = [{"day": e.day, "set": dict(e.set)} for e in config.events]
    return out


def from_dict(values: dict[str, Any]) -> SimConfig:
    """Inverse of :func:`to_dict`, rejecting unknown keys by name."""
    known = set(SECTIONS) | {"days", "events"}
    for key in values:
        if key not in known:
            raise ConfigError(f"{key} is not a known config key; allowed: {', '.join(sorted(known))}")
    kwargs: dict[str, Any] = {k: v for k, v in values.items() if k in ("days", "events")}
    for name, kind in SECTIONS.items():
        if name in values:
            if not isinstance(values[name], dict):
                raise ConfigError(f"{name} = {values[name]!r} is not allowed: expected a mapping of fields")
            kwargs[name] = build_section(kind, values[name], name)
    return SimConfig(**kwargs)
