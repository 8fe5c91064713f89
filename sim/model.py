"""ServiceModel: employees serving customers, one day per step, every phase vectorised.

The state lives in two tables (`sim.population`); the rules are pure functions
(`sim.rules`); this file holds construction, the daily schedule and the
bookkeeping that connects them. Mesa handles (`sim.agents`) are created on demand
when someone asks for them, so runs that never look at individuals pay nothing.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import mesa
import numpy as np

from . import rules
from .agents import Customer, Employee, Handle
from .config import ConfigError, Event, SimConfig, apply_event
from .ledger import CustomerLedger
from .metrics import Recorder
from .population import NEVER, CustomerTable, EmployeeTable, StaffView, nonzero, stable_order_of_units

# Mesa logs every step at INFO; under Hydra's logging that floods the console and costs time.
logging.getLogger("MESA").setLevel(logging.WARNING)

# Config fields whose change requires recomputing something derived (see _on_config_change).
GEOMETRIC_SEARCH_FROM = 0.333333333333333333333333  # NumPy's geometric draw switches method here
CONTACT_FIELDS = {"market.demand_multiplier", "market.contacts_per_customer_per_year"}
CHURN_FIELDS = {"behaviour.churn_max_per_year", "behaviour.churn_steepness", "behaviour.churn_midpoint",
                "behaviour.card_churn_factor", "behaviour.referred_churn_factor", "policy.loyalty_discount",
                "behaviour.card_uptake"}
LEADER_FIELDS = {"policy.appreciation", "organisation.leader_quality_concentration"}
POSITION_FIELDS = {"organisation.employees_per_team", "organisation.backoffice_share", "policy.staffing"}
INITIAL_FATIGUE = 0.1  # fatigue of the staff at the start: about the baseline's long-run level (light overtime)


# NumPy's Generator pays several microseconds of argument checking when a distribution parameter is
# an array. random_gamma(shape, scale) is scale * random_standard_gamma(shape) (numpy/random/src/
# distributions/distributions.c), so this draws the same numbers from the same stream through the
# scalar fast path; benchmarks/fingerprint.py checks every bit.
def draw_gamma(rng: np.random.Generator, shape: float, scale: np.ndarray) -> np.ndarray:
    """rng.gamma(shape, scale) for a scalar shape and an array scale: scale times a standard gamma."""
    return rng.standard_gamma(shape, len(scale)) * scale


@dataclass
class UnitDay:
    """Per-unit results of the work-pressure phase (units = teams, then the back office)."""

    pressure: np.ndarray  # work pressure p
    time_hours: np.ndarray  # actual time per contact T
    intensity: np.ndarray  # work intensity (hours worked / contracted)
    overtime: np.ndarray  # intensity above contracted hours (0 = none), for wages and observation
    served: np.ndarray  # contacts served
    pending: np.ndarray  # contacts that wanted service


@dataclass
class Encounters:
    """Today's served contacts, one entry per encounter."""

    customer: np.ndarray
    employee: np.ndarray
    team: np.ndarray
    quality: np.ndarray
    satisfaction: np.ndarray  # encounter satisfaction after disconfirmation
    resolved: np.ndarray
    rating: np.ndarray  # customer-centricity rating 1-10
    engaged: np.ndarray  # was the employee engaged (UWES >= 4)?


class ServiceModel(mesa.Model):
    """An organisation of front-line teams and a back office serving customers.

    Args:
        config: the validated configuration.
        seed: seeds the run's one NumPy generator (`self.rng`); same seed, same run.
    """

    def __init__(self, config: SimConfig, seed: int = 0) -> None:
        if not isinstance(config, SimConfig):
            raise ConfigError(f"config must be a SimConfig, got {type(config).__name__}")
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ConfigError(f"seed = {seed!r} is not allowed: expected a non-negative integer")
        super().__init__(rng=int(seed))
        self.config = config
        self.seed = int(seed)
        self.day = 0
        self.n_teams = config.organisation.teams
        self.n_units = self.n_teams + 1  # the back office is the last unit
        self.backoffice = self.n_teams
        self._events_by_day: dict[int, list[Event]] = {}
        for event in config.events:
            self._events_by_day.setdefault(event.day, []).append(event)
        self._handles: dict[str, dict[int, Handle]] = {"employees": {}, "customers": {}}

        rng = self.rng
        org, market, b = config.organisation, config.market, config.behaviour
        # Between-team heterogeneity: leaders, local demand, local expectations and the branch's setting.
        self.leader_quantile = rng.random(self.n_teams)
        self.team_demand_factor = np.maximum(0.2, 1.0 + market.team_demand_spread * rng.standard_normal(self.n_teams))
        self.team_expectation_offset = market.team_expectation_spread * rng.standard_normal(self.n_teams)
        self.team_setting = rules.branch_settings(rng.standard_normal(self.n_teams), market.team_setting_spread)
        self.leader_quality = np.zeros(self.n_teams)
        self._update_leaders()
        self._update_derived()

        # Per-unit work state.
        self.time_standard = np.empty(self.n_units)
        self.time_standard[: self.n_teams] = rules.management_target_standard(
            org.time_norm_hours, config.policy.pressure, b.standard_tightening)
        self.time_standard[self.backoffice] = rules.management_target_standard(
            org.backoffice_time_norm_hours, config.policy.pressure, b.standard_tightening)
        self.backoffice_backlog = 0.0
        self.isq = 0.7  # internal service quality delivered by the back office
        self.quits_ring = np.zeros((30, self.n_units))  # quits per unit over the last 30 days
        self.ambassadors = np.zeros(self.n_units)  # engaged leavers still referring (decaying stock)
        self.vacancy_unit = np.zeros(0, np.int32)
        self.vacancy_opened = np.zeros(0, np.int32)
        self.vacancy_due = np.zeros(0, np.int32)
        self.vacancy_referred = np.zeros(0, np.bool_)
        self.waiting = np.zeros(0, np.int64)  # customers in the backlog, oldest first

        self.employees = EmployeeTable()
        self._staff: np.ndarray | None = None  # rows of employees in post, cached until someone joins or leaves
        self._teams = np.arange(self.n_teams)
        self._teams_thrice = np.tile(np.arange(self.n_teams), 3)  # team of each arrival stream's count
        self._balanced_for: tuple | None = None  # _balance_inputs() when positions were last balanced
        self._staff_view: StaffView | None = None  # derived arrays of staff(), made again when it changes
        self.customers = CustomerTable(capacity=int(self.n_teams * market.customers_per_team * 1.3))
        self.ledger = CustomerLedger(self.customers, self.n_teams)
        self.recent_referred = np.zeros(0, np.int64)  # referred customers still within their first year
        self.with_referrer = np.zeros(0, np.int64)  # referred customers whose referrer has not left (yet)
        self._create_staff()
        self._create_customers()
        totals = self.ledger.totals()
        self.satisfaction_reference = totals["satisfaction"] / max(totals["customers"], 1.0)
        self.satisfaction_recent = self.satisfaction_reference
        self.management_pressure = config.policy.pressure
        self.today: dict[str, float] = {}
        self.recorder = Recorder(self)
        self.recorder.record_start()

    # ------------------------------------------------------------------------------------------
    # The schedule
    def step(self) -> None:
        """Advance one day: the nine phases of docs/ODD.md, 'Process overview and scheduling'.

        1. events  2. demand  3. work pressure  4. encounters  5. customers
        6. employees (JD-R)  7. turnover and hiring  8. money  9. observation
        """
        self.today = dict.fromkeys(Recorder.FLOWS, 0.0)
        self.apply_events()
        contacts = self.demand()
        units = self.work_pressure(contacts)
        encounters = self.encounters(contacts, units)
        self.customers_respond(encounters)
        self.employees_respond(encounters, units)
        self.turnover_and_hiring()
        self.money(units)
        self.recorder.observe(units, encounters)
        self.day += 1

    def run(self, days: int | None = None) -> None:
        """Step until `days` have passed (default: to the end of the configured horizon)."""
        for _ in range(self.config.days - self.day if days is None else days):
            self.step()

    # ------------------------------------------------------------------------------------------
    # 1. Events
    def apply_events(self) -> None:
        """Apply the events scheduled for today (policy changes, demand shocks, staffing cuts)."""
        for event in self._events_by_day.get(self.day, ()):
            self.set_config(apply_event(self.config, event, where=f"event on day {event.day}"))

    def set_config(self, new: SimConfig) -> None:
        """Switch to a new configuration mid-run (events, the dashboard's levers)."""
        old, self.config = self.config, new
        self._update_derived()
        changed = {f"{section}.{name}" for section in ("organisation", "market", "policy", "behaviour",
                                                        "economics")
                   for name, value in vars(getattr(new, section)).items()
                   if getattr(getattr(old, section), name) != value}
        if changed & LEADER_FIELDS:
            self._update_leaders()
            self._update_derived()
        if changed & POSITION_FIELDS:
            self._adjust_positions()
        if changed & CONTACT_FIELDS:
            self._update_contact_chances(np.arange(self.customers.n))
            self._schedule_contacts(self._active_customers(), self.day)
        if changed & CHURN_FIELDS:
            self._update_cards()
            self._reschedule_churn(self._active_customers())
            self.ledger.rebuild()

    def on_handle_write(self, table_name: str, row: int) -> None:
        """A handle changed a customer's state: refresh their churn clock and the running sums."""
        self._staff = None
        if table_name == "customers":
            self._update_contact_chances(np.array([row]))
        if table_name == "customers" and self.customers.active[row]:
            self._reschedule_churn(np.array([row]))
            self.ledger.rebuild()

    # ------------------------------------------------------------------------------------------
    # 2. Demand
    def demand(self) -> np.ndarray:
        """Customers who contact their team today: the backlog first, then new and returning needs."""
        c = self.customers
        due = nonzero(c.next_contact_day[: c.n] == self.day)
        self.today["contacts"] = len(due)
        self.today["failure_demand"] = np.count_nonzero(c.pending_need[due])
        c.next_contact_day[due] = NEVER
        if len(due) > 1:
            self.rng.shuffle(due)  # the same swaps and draws as due[rng.permutation(len(due))], without the copy
        return np.concatenate([self.waiting, due])

    # ------------------------------------------------------------------------------------------
    # 3. Work pressure
    def work_pressure(self, contacts: np.ndarray) -> UnitDay:
        """Oliva & Sterman: pressure, corner cutting, overtime, fatigue and the eroding standard."""
        cfg, e = self.config, self.employees
        org, b = cfg.organisation, cfg.behaviour
        view = self.staff_view()
        active, unit = view.rows, view.unit
        hours = org.service_hours_per_day * rules.productivity(
            e.skill[active], e.fatigue[active], e.engagement[active])
        available = np.bincount(unit, weights=hours, minlength=self.n_units)
        pending = np.zeros(self.n_units)
        pending[: self.n_teams] = np.bincount(self.customers.team[contacts], minlength=self.n_teams)
        norms = self._norms
        # Front-line contacts generate internal requests; the back office works on them today.
        pending[self.backoffice] = (self.backoffice_backlog
                                    + org.internal_requests_per_contact * np.add.reduce(pending[: self.n_teams]))
        pressure = rules.work_pressure(pending, self.time_standard, available)
        time_hours = rules.time_per_contact(self.time_standard, pressure, b.time_cut_elasticity, norms)
        intensity = rules.work_intensity(pressure, b.max_overtime)
        capacity = rules.capacity_contacts(available, intensity, time_hours)
        served = np.minimum(pending, np.floor(capacity + 1e-9))
        # The back office serves fractions of requests: its capacity is not rounded down.
        served[self.backoffice] = min(pending[self.backoffice], capacity[self.backoffice])
        self._update_backoffice(pending[self.backoffice], served[self.backoffice], time_hours[self.backoffice])

        self.management_pressure = float(rules.effective_management_pressure(
            cfg.policy.pressure, cfg.policy.reactive_management, self.satisfaction_reference,
            self.satisfaction_recent))
        target = rules.management_target_standard(norms, self.management_pressure, b.standard_tightening)
        self.time_standard = rules.time_standard_step(self.time_standard, time_hours, target, b.standard_pull_days,
                                                      b.standard_erosion_days, cfg.policy.reset_standards)
        fatigue_target = rules.fatigue_target(intensity, b.max_overtime)
        e.fatigue[active] = rules.smooth(e.fatigue[active], fatigue_target[unit], b.fatigue_days)
        return UnitDay(pressure=pressure, time_hours=time_hours, intensity=intensity,
                       overtime=np.maximum(intensity - 1.0, 0.0), served=served,
                       pending=pending)

    def _update_backoffice(self, pending: float, served: float, time_hours: float) -> None:
        """Internal service quality: the chance an internal request is resolved well and in time."""
        cfg, e = self.config, self.employees
        back = self.staff_view().back
        # Requests left over wait a day; half of them are worked around by the front line meanwhile.
        self.backoffice_backlog = 0.5 * (pending - served)
        if len(back) == 0 or cfg.organisation.backoffice_share == 0:
            self.isq = 0.7 if cfg.organisation.backoffice_share == 0 else 0.0
            return
        effort = rules.effort(self.management_pressure, e.appreciation[back], cfg.behaviour.effort_curvature)
        done_well = rules.resolution_probability(
            e.skill[back], e.engagement[back], e.exhaustion[back], cfg.policy.autonomy,
            time_hours / cfg.organisation.backoffice_time_norm_hours, 0.7, effort, cfg.behaviour)
        done_well = np.add.reduce(done_well) / len(done_well)  # = .mean(), without its wrapper
        in_time = served / pending if pending > 0 else 1.0
        self.isq = float(done_well * in_time)

    # ------------------------------------------------------------------------------------------
    # 4. Encounters
    def encounters(self, contacts: np.ndarray, units: UnitDay) -> Encounters:
        """Serve contacts up to each team's capacity; the rest wait or give up."""
        cfg, c, e, rng = self.config, self.customers, self.employees, self.rng
        b, policy = cfg.behaviour, cfg.policy
        team = c.team[contacts]
        order = stable_order_of_units(team)  # keeps the backlog first within each team
        # Team numbers as intp: NumPy gathers by an int32 index several times slower (it converts it first).
        contacts, team = contacts[order], team[order].astype(np.intp)
        k = self.n_teams
        # np.count_nonzero instead of .any() / .all() on masks in the daily phases: a fifth of the cost.
        if not np.count_nonzero(units.served[:k] != units.pending[:k]):  # every team serves all its contacts today
            served, left_over = contacts, contacts[:0]
        else:
            starts = team.searchsorted(self._teams)
            rank = np.arange(len(contacts)) - starts[team]
            is_served = rank < units.served[team]
            served, left_over = contacts[is_served], contacts[~is_served]
            team = team[is_served]
        self._update_waiting(served, left_over)

        employee = self._assign_employees(team)
        skill, engagement = e.skill[employee], e.engagement[employee]
        exhaustion, vision = e.exhaustion[employee], e.vision_alignment[employee]
        time_ratio = units.time_hours[team] / cfg.organisation.time_norm_hours
        effort = rules.effort(self.management_pressure, e.appreciation[employee], b.effort_curvature)
        p_resolve = rules.resolution_probability(skill, engagement, exhaustion, policy.autonomy, time_ratio,
                                                 self.isq, effort, b)
        draws = rng.random((3, len(served)))
        resolved = (draws[0] < p_resolve).astype(np.float64)
        acting = rules.surface_acting(policy.display_rules, engagement)
        detected = ((draws[1] < b.detection_probability) & (acting > 0)).astype(np.float64)
        waiting_since = c.waiting_since[served]
        waited = waiting_since >= 0
        days_waited = 0  # nobody served today came from the backlog: no waiting cost (minus 0.0 is exact)
        if np.count_nonzero(waited):
            days_waited = np.where(waited, self.day - waiting_since, 0)
            c.waiting_since[served] = -1
        quality = rules.encounter_quality(resolved, skill, exhaustion, time_ratio,
                                          rules.authenticity(engagement, vision), acting, detected,
                                          policy.display_rules, rules.queueing(units.pressure[team]),
                                          days_waited, b, self.team_setting[team])
        rating = rules.centricity_rating(quality, b.rating_noise * rng.standard_normal(len(served)))
        satisfaction = rules.encounter_satisfaction(quality, c.expectation[served], b.loss_aversion)
        return Encounters(customer=served, employee=employee, team=team, quality=quality,
                          satisfaction=satisfaction, resolved=resolved, rating=rating,
                          engaged=engagement >= rules.ENGAGED_THRESHOLD)

    def _assign_employees(self, team: np.ndarray) -> np.ndarray:
        """Match each served contact to an active front-line employee of its team, by available hours."""
        e = self.employees
        front = self.staff_view().front_by_team
        weight = rules.productivity(e.skill[front], e.fatigue[front], e.engagement[front])
        cumulative = np.add.accumulate(weight)  # = np.cumsum, without its wrapper
        team_total = np.bincount(e.unit[front], weights=weight, minlength=self.n_teams)
        team_start = np.zeros(self.n_teams)
        np.add.accumulate(team_total[:-1], out=team_start[1:])
        target = team_start[team] + self.rng.random(len(team)) * team_total[team]
        position = np.minimum(cumulative.searchsorted(target, side="right"), len(front) - 1)
        return front[position] if len(front) else np.zeros(0, np.int64)

    def _update_waiting(self, served: np.ndarray, left_over: np.ndarray) -> None:
        """Unserved contacts join the backlog; some of those already waiting give up."""
        c, b = self.customers, self.config.behaviour
        if len(left_over) == 0:  # everyone was served (rng.random(0) would draw nothing either)
            self.waiting = left_over
            self.today["abandoned"] = 0
            return
        was_waiting = c.waiting_since[left_over] >= 0
        gives_up = was_waiting & (self.rng.random(len(left_over)) < b.abandon_per_day)
        abandoned = left_over[gives_up]
        still = left_over[~gives_up]
        c.waiting_since[still[c.waiting_since[still] < 0]] = self.day
        self.waiting = still[np.argsort(c.waiting_since[still], kind="stable")]  # oldest first
        self.today["abandoned"] = len(abandoned)
        if len(abandoned):
            # Giving up is a bad experience; the need is unresolved and comes back later.
            c.waiting_since[abandoned] = -1
            booked = self.ledger.remove(abandoned)
            quality = np.zeros(len(abandoned))
            c.satisfaction[abandoned] += b.satisfaction_smoothing * (
                rules.encounter_satisfaction(quality, c.expectation[abandoned], b.loss_aversion)
                - c.satisfaction[abandoned])
            c.pending_need[abandoned] = True
            self._schedule_returns(abandoned)
            self._reschedule_churn(abandoned)
            self.ledger.add(selection=booked)

    # ------------------------------------------------------------------------------------------
    # 5. Customers
    def customers_respond(self, enc: Encounters) -> None:
        """Disconfirmation, satisfaction, expectations, churn, word of mouth and new customers."""
        cfg, c = self.config, self.customers
        b = cfg.behaviour
        who = enc.customer
        booked = self.ledger.remove(who)
        satisfaction = c.satisfaction[who]
        satisfaction += b.satisfaction_smoothing * (enc.satisfaction - satisfaction)
        c.satisfaction[who] = satisfaction
        promise = (b.brand_promise_lift * cfg.policy.brand_promise + self.team_expectation_offset[enc.team]
                   + c.standard[who])
        c.expectation[who] = rules.expectation_step(c.expectation[who], enc.quality, promise,
                                                    b.expectation_adaptation)
        unresolved = enc.resolved == 0
        c.pending_need[who] = unresolved
        self._schedule_returns(who[unresolved])
        # The resolved are neither waiting (encounters cleared that) nor pending: no need to filter them.
        resolved = who[~unresolved]
        self._draw_contact_days(resolved, c.contact_chance[resolved], c.contact_hazard[resolved], self.day)
        self._reschedule_churn(who)
        self.ledger.add(selection=booked)
        self._churn()
        self._word_of_mouth_and_arrivals()

    def _churn(self) -> None:
        c = self.customers
        leaving = nonzero(c.churn_time[: c.n] < self.day + 1)
        self.today["churned"] = len(leaving)
        if len(leaving) == 0:
            return
        self.ledger.remove(leaving)
        c.active[leaving] = False
        c.left_day[leaving] = self.day
        c.churn_time[leaving] = np.inf
        c.next_contact_day[leaving] = NEVER
        if np.count_nonzero(c.waiting_since[leaving] >= 0):
            c.waiting_since[leaving] = -1
            self.waiting = self.waiting[c.active[self.waiting]]
        # Referred customers lose the referral bonus when their referrer leaves.
        keep = c.active[self.with_referrer]
        referrer_left = ~c.active[c.referrer[self.with_referrer]] & keep
        lost = self.with_referrer[referrer_left]
        self.with_referrer = self.with_referrer[keep & ~referrer_left]
        if len(lost):
            booked = self.ledger.remove(lost)
            self._reschedule_churn(lost)
            self.ledger.add(selection=booked)

    def _word_of_mouth_and_arrivals(self) -> None:
        """Promoters recommend, detractors deter; marketing and staff ambassadors bring customers."""
        cfg, rng = self.config, self.rng
        b, market = cfg.behaviour, cfg.market
        sums = self.ledger.sums
        customers, promoters, detractors = sums["customers"], sums["promoters"], sums["detractors"]
        potential = market.customers_per_team * market.market_potential_ratio
        prospect_share = rules.clip(1.0 - customers / potential, 0.0, 1.0)
        # Shares of a team's customers; 0 for a team without customers (its division is never made).
        has_customers = customers > 0
        promoter_share = np.divide(promoters, customers, out=np.zeros(self.n_teams), where=has_customers)
        detractor_share = np.divide(detractors, customers, out=np.zeros(self.n_teams), where=has_customers)
        word_of_mouth = rules.clip(1.0 + promoter_share - b.detractor_talk_ratio * detractor_share, 0.0, 2.0)
        brand = 1.0 + cfg.policy.brand_promise
        marketing = market.acquisition_per_year / 365.0 * potential * prospect_share * brand * word_of_mouth
        recommended = promoters * b.promoter_referrals_per_year / 365.0 * b.referral_conversion * prospect_share
        believers = self._believers_per_unit()[: self.n_teams] + self.ambassadors[: self.n_teams]
        staff_brought = believers * b.ambassador_customer_referrals_per_year / 365.0 * prospect_share
        # One Poisson call over the three rates draws exactly what three consecutive calls would.
        arrivals = rng.poisson(np.concatenate([marketing, recommended, staff_brought]))
        n_marketing, n_recommended, n_staff = arrivals.reshape(3, self.n_teams)
        total_marketing, total_recommended, total_staff = np.add.reduce(arrivals.reshape(3, -1), axis=1).tolist()
        self.today["referrals"] = total_recommended + total_staff
        self.today["recommended"] = total_recommended
        self.today["new_customers"] = total_marketing + total_recommended + total_staff
        if total_marketing + total_recommended + total_staff == 0:
            return
        newcomers = total_marketing + total_staff + total_recommended
        referrer = np.full(newcomers, -1)
        referrer[total_marketing + total_staff:] = self._pick_promoters(n_recommended)
        referred = np.arange(newcomers) >= total_marketing  # all but those brought by marketing
        self._add_customers(np.repeat(self._teams_thrice, np.concatenate([n_marketing, n_staff, n_recommended])),
                            referred=referred, referrer=referrer)

    def _pick_promoters(self, per_team: np.ndarray) -> np.ndarray:
        """A random promoter of each team for each recommended newcomer (rows, in team order)."""
        if not np.count_nonzero(per_team):
            return np.zeros(0, np.int64)
        c = self.customers
        promoters = nonzero(c.active[: c.n] & (c.satisfaction[: c.n] >= rules.PROMOTER_THRESHOLD))
        promoters = promoters[stable_order_of_units(c.team[promoters])]
        counts = np.bincount(c.team[promoters], minlength=self.n_teams)
        starts = np.zeros(self.n_teams, np.int64)
        np.add.accumulate(counts[:-1], out=starts[1:])
        team = np.repeat(np.arange(self.n_teams), per_team)
        pick = starts[team] + np.floor(self.rng.random(len(team)) * np.maximum(counts[team], 1)).astype(np.int64)
        return np.where(counts[team] > 0, promoters[np.minimum(pick, len(promoters) - 1)], -1)

    # ------------------------------------------------------------------------------------------
    # 6. Employees
    def employees_respond(self, enc: Encounters, units: UnitDay) -> None:
        """JD-R: appreciation, alignment, skill, then engagement and exhaustion move to their targets."""
        cfg, e, rng = self.config, self.employees, self.rng
        b, policy = cfg.behaviour, cfg.policy
        view = self.staff_view()
        idx, unit, front = view.rows, view.unit, view.front
        draws = rng.random((2, len(idx)))

        recognised = draws[0] < self._recognition_probability[unit]
        self.today["recognitions"] = np.count_nonzero(recognised)
        appreciation = rules.felt_appreciation(e.appreciation[idx], recognised, b.recognition_boost,
                                               b.appreciation_decay_days)
        e.appreciation[idx] = appreciation
        self._absorb_feedback(enc)

        engagement, exhaustion = e.engagement[idx], e.exhaustion[idx]
        acting = np.where(front, rules.surface_acting(policy.display_rules, engagement), 0.0)
        e.surface_acting[idx] = acting
        overload = rules.clip(units.pressure[unit] - 1.0, 0.0, 1.0)
        challenge, hindrance = rules.challenge_and_hindrance(self.management_pressure, appreciation, overload)
        isq = np.where(front, self.isq, 0.7)
        skill, vision = e.skill[idx], e.vision_alignment[idx]
        resources = rules.job_resources(policy.autonomy, appreciation, skill, policy.listening, vision,
                                        policy.training, isq, e.meaning[idx], front)
        labour = rules.emotional_labour(front, b.emotional_labour_front, acting, e.complaints[idx],
                                        b.surface_acting_strain)
        demands = rules.job_demands(challenge, hindrance, policy.listening, isq, e.fatigue[idx], labour,
                                    e.caseload[idx])
        e.resources[idx], e.demands[idx] = resources, demands
        target_e = rules.engagement_target(resources, challenge, hindrance, exhaustion, e.engagement_trait[idx], b)
        target_x = rules.exhaustion_target(demands, resources, e.resilience_trait[idx], b)
        e.exhaustion[idx] = rules.clip(rules.exhaustion_step(exhaustion, target_x, b.exhaustion_rise_days,
                                                          b.exhaustion_recovery_days), 0.0, 1.0)
        noise = b.engagement_noise * (draws[1] * 2.0 - 1.0) * math.sqrt(3.0)  # uniform with SD engagement_noise
        e.engagement[idx] = rules.clip(rules.smooth(engagement, target_e, b.engagement_days) + noise, 0.0, 1.0)
        target_v = rules.vision_alignment_target(policy.vision_cocreation, self.management_pressure, engagement)
        e.vision_alignment[idx] = rules.smooth(vision, target_v, b.vision_days)
        e.skill[idx] = rules.skill_step(skill, policy.training, b.skill_days)

    def _absorb_feedback(self, enc: Encounters) -> None:
        """Customers' reactions are meaning (satisfied) or emotional demand (complaints) for the server."""
        e = self.employees
        if len(enc.employee) == 0:
            return
        n = np.bincount(enc.employee, minlength=e.n)
        who = nonzero(n)
        mean_satisfaction = np.bincount(enc.employee, weights=enc.satisfaction, minlength=e.n)[who] / n[who]
        complaint_share = np.bincount(enc.employee, weights=enc.satisfaction < 0.5,  # bincount casts to float
                                      minlength=e.n)[who] / n[who]
        e.meaning[who] = rules.smooth(e.meaning[who], mean_satisfaction, 10.0)
        e.complaints[who] = rules.smooth(e.complaints[who], complaint_share, 10.0)

    # ------------------------------------------------------------------------------------------
    # 7. Turnover and hiring
    def turnover_and_hiring(self) -> None:
        """Quits (burnout, contagion), ambassadors, referrals and vacancies filled after a delay."""
        cfg, e, rng = self.config, self.employees, self.rng
        b = cfg.behaviour
        view = self.staff_view()
        idx, unit = view.rows, view.unit
        # Co-workers' quits, counted per team of `employees_per_team` (the back office is several teams).
        team_size = self.config.organisation.employees_per_team
        unit_size = np.maximum(view.headcount, 1)
        recent = (np.add.reduce(self.quits_ring, axis=0) * np.minimum(1.0, team_size / unit_size))[unit]
        p_quit = rules.quit_probability(e.exhaustion[idx], e.engagement[idx], recent, e.referred[idx], b)
        quitting = idx[rng.random(len(idx)) < p_quit]
        self._leave(quitting)
        quits_per_unit = np.bincount(e.unit[quitting], minlength=self.n_units)
        self.quits_ring[self.day % 30] = quits_per_unit
        self.today["quits"] = len(quitting)
        self.today["quits_by_unit"] = quits_per_unit
        engaged_leavers = quitting[e.engagement[quitting] >= rules.ENGAGED_THRESHOLD]
        decay = math.exp(-1.0 / b.ambassador_days) if b.ambassador_days > 0 else 0.0
        self.ambassadors = self.ambassadors * decay + np.bincount(e.unit[engaged_leavers], minlength=self.n_units)
        self._adjust_positions()
        self._receive_referrals()
        self._fill_vacancies()

    def staff(self) -> np.ndarray:
        """Rows of the employees in post, ascending (do not modify the array)."""
        if self._staff is None:
            self._staff = nonzero(self.employees.active[: self.employees.n])
        return self._staff

    def staff_view(self) -> StaffView:
        """Derived arrays of the employees in post (made again when someone joins or leaves)."""
        staff = self.staff()
        if self._staff_view is None or self._staff_view.rows is not staff:
            self._staff_view = StaffView(self.employees, staff, self.n_units)
        return self._staff_view

    def _leave(self, rows: np.ndarray, laid_off: bool = False) -> None:
        if len(rows) == 0:  # most days nobody quits: keep the staff view of the day (and its derived arrays)
            return
        self._staff = None
        e = self.employees
        e.active[rows] = False
        e.left_day[rows] = self.day
        e.laid_off[rows] = laid_off

    def _receive_referrals(self) -> None:
        """Engaged believers and ambassadors refer candidates; a referral fills a vacancy sooner."""
        if len(self.vacancy_unit) == 0:
            return
        b, policy = self.config.behaviour, self.config.policy
        referrers = self._believers_per_unit() + self.ambassadors
        candidates = self.rng.poisson(referrers * b.staff_referrals_per_year / 365.0)
        for unit in nonzero(candidates):
            open_ = nonzero((self.vacancy_unit == unit) & ~self.vacancy_referred)[: candidates[unit]]
            self.vacancy_referred[open_] = True
            sooner = self.vacancy_opened[open_] + int(round(policy.hiring_delay_days * b.referral_delay_factor))
            self.vacancy_due[open_] = np.minimum(self.vacancy_due[open_], np.maximum(sooner, self.day + 1))

    def _fill_vacancies(self) -> None:
        due = self.vacancy_due <= self.day
        self.today["hires"] = np.count_nonzero(due)
        if not np.count_nonzero(due):
            return
        units, referred = self.vacancy_unit[due], self.vacancy_referred[due]
        open_days = self.day - self.vacancy_opened[due]
        self.today["vacancy_days_referred"] = float(open_days[referred].sum())
        self.today["vacancy_days_other"] = float(open_days[~referred].sum())
        self.today["referred_hires"] = int(referred.sum())
        self._drop_vacancies(~due)
        self._hire(units, referred)

    def _drop_vacancies(self, keep: np.ndarray) -> None:
        self.vacancy_unit, self.vacancy_opened = self.vacancy_unit[keep], self.vacancy_opened[keep]
        self.vacancy_due, self.vacancy_referred = self.vacancy_due[keep], self.vacancy_referred[keep]

    def _adjust_positions(self) -> None:
        """Open vacancies or cut posts so that headcount + open vacancies equals the positions."""
        if self._balanced_for is not None and all(
                now is then for now, then in zip(self._balance_inputs(), self._balanced_for)):
            return  # nobody joined or left and no vacancy opened or closed since they last balanced
        e = self.employees
        positions = self._positions
        view = self.staff_view()
        active = view.rows
        filled = view.headcount + np.bincount(self.vacancy_unit, minlength=self.n_units)
        gap = positions - filled
        if np.count_nonzero(gap > 0):
            units = np.repeat(np.arange(self.n_units), np.maximum(gap, 0)).astype(np.int32)
            delay = self.config.policy.hiring_delay_days
            self.vacancy_unit = np.concatenate([self.vacancy_unit, units])
            self.vacancy_opened = np.concatenate([self.vacancy_opened, np.full(len(units), self.day, np.int32)])
            self.vacancy_due = np.concatenate([self.vacancy_due, np.full(len(units), self.day + delay, np.int32)])
            self.vacancy_referred = np.concatenate([self.vacancy_referred, np.zeros(len(units), np.bool_)])
        for unit in nonzero(gap < 0):
            excess = -gap[unit]
            open_ = nonzero(self.vacancy_unit == unit)[::-1][:excess]  # newest vacancies first
            keep = np.ones(len(self.vacancy_unit), np.bool_)
            keep[open_] = False
            self._drop_vacancies(keep)
            excess -= len(open_)
            if excess > 0:
                staff = active[e.unit[active] == unit]
                laid_off = self.rng.choice(staff, size=min(excess, len(staff)), replace=False)
                self._leave(laid_off, laid_off=True)
                self.today["layoffs"] = self.today.get("layoffs", 0) + len(laid_off)
        self._balanced_for = self._balance_inputs()

    def _balance_inputs(self) -> tuple:
        """What `_adjust_positions` depends on; each is replaced, never changed in place, when it changes."""
        return self.staff_view(), self.vacancy_unit, self._positions

    def positions(self) -> np.ndarray:
        """Positions per unit: front-line teams, then the back office."""
        org, staffing = self.config.organisation, self.config.policy.staffing
        front = int(round(org.employees_per_team * staffing))
        back = int(round(org.employees_per_team * self.n_teams * staffing * org.backoffice_share
                         / (1.0 - org.backoffice_share)))
        return np.append(np.full(self.n_teams, front), back)

    def _believers_per_unit(self) -> np.ndarray:
        """Engaged staff weighted by their belief in the vision: the firm's ambassadors at work."""
        e = self.employees
        staff = self.staff()
        idx = staff[e.engagement[staff] >= rules.ENGAGED_THRESHOLD]
        return np.bincount(e.unit[idx], weights=e.vision_alignment[idx], minlength=self.n_units)

    # ------------------------------------------------------------------------------------------
    # 8. Money
    def money(self, units: UnitDay) -> None:
        """Revenue from active customers' spend less card discounts; wages, overtime and lever costs."""
        cfg, c = self.config, self.customers
        econ, policy, b = cfg.economics, cfg.policy, cfg.behaviour
        total = self.ledger.field_totals()
        customers, members = float(total["customers"]), int(round(float(total["card_members"])))
        card_factor = (1.0 + b.card_share_of_wallet) * (1.0 - policy.loyalty_discount)
        # Referred customers spend more in their first year, the bonus fading linearly.
        recent = self.recent_referred
        age = self.day - c.joined_day[recent]
        recent = recent[c.active[recent] & (age < 365)]
        self.recent_referred = recent
        bonus = b.referred_spend_bonus * (1.0 - (self.day - c.joined_day[recent]) / 365.0)
        bonus_units = float(np.add.reduce(bonus * np.where(c.card_member[recent], card_factor, 1.0)))
        spend = cfg.market.spend_per_customer_per_year / 365.0
        revenue = spend * (customers - members + members * card_factor + bonus_units)
        discount = spend * policy.loyalty_discount * (1.0 + b.card_share_of_wallet) * members

        view = self.staff_view()
        staff, front = view.rows, view.front
        wage = np.where(front, econ.front_wage_per_year, econ.back_wage_per_year) / 365.0
        overtime = units.overtime[view.unit]
        wages = float(np.add.reduce(wage * (1.0 + econ.overtime_premium * overtime)))
        headcount, front_count = len(staff), np.count_nonzero(front)
        levers = (policy.training * econ.training_cost_per_year * headcount
                  + policy.listening * econ.listening_cost_per_year * headcount
                  + policy.vision_cocreation * econ.cocreation_cost_per_year * headcount
                  + policy.display_rules * econ.display_rules_cost_per_year * front_count
                  + policy.brand_promise * econ.brand_cost_per_year * self.n_teams
                  + econ.card_cost_per_member_per_year * members) / 365.0
        recognition = self.today["recognitions"] * econ.recognition_cost
        hiring = self.today["hires"] * econ.hiring_cost
        cost = wages + levers + recognition + hiring
        self.today.update(revenue=revenue, cost=cost, profit=revenue - cost, wages=wages,
                          overtime_cost=float(np.add.reduce(wage * econ.overtime_premium * overtime)),
                          lever_cost=levers + recognition, hiring_cost=hiring, card_discount=discount,
                          card_members=members)

    # ------------------------------------------------------------------------------------------
    # Scheduling helpers (exponential and geometric clocks are memoryless, so redrawing a clock
    # whenever its rate changes is exact).
    def _active_customers(self) -> np.ndarray:
        return nonzero(self.customers.active[: self.customers.n])

    def _schedule_contacts(self, rows: np.ndarray, today: int) -> None:
        """Draw each customer's next contact from their rate (from tomorrow on)."""
        c = self.customers
        if len(rows) == 0:
            return
        waiting_or_pending = (c.waiting_since[rows] >= 0) | c.pending_need[rows]
        rows = rows[~waiting_or_pending]
        self._draw_contact_days(rows, c.contact_chance[rows], c.contact_hazard[rows], today)

    def _draw_contact_days(self, rows: np.ndarray, chance: np.ndarray, hazard: np.ndarray, today: int) -> None:
        """Set the next contact day of `rows` from their contact chance and hazard (see `_draw_geometric`)."""
        gap = np.where(chance > 0, self._draw_geometric(chance, hazard), NEVER - today - 1)
        self.customers.next_contact_day[rows] = np.minimum(today + gap, NEVER - 1).astype(np.int32)

    def _draw_geometric(self, chance: np.ndarray, hazard: np.ndarray) -> np.ndarray:
        """Exactly `rng.geometric(np.maximum(chance, 1e-12))`, without NumPy's slow array-parameter path.

        Below p = 1/3 NumPy draws by inversion, one standard exponential per draw:
        ceil(-E / log1p(-p)) (numpy/random/src/distributions/distributions.c); `hazard` holds
        -log1p(-p) from the C library's log1p, as NumPy's draw computes it (np.log1p may differ
        in the last bit; E / -x is exactly -E / x). From p = 1/3 on NumPy searches with uniforms,
        so it is called as is. benchmarks/fingerprint.py checks the equivalence.
        """
        if len(chance) == 0 or chance.max() >= GEOMETRIC_SEARCH_FROM:
            return self.rng.geometric(np.maximum(chance, 1e-12))
        return np.ceil(self.rng.standard_exponential(len(chance)) / hazard).astype(np.int64)

    def _update_contact_chances(self, rows: np.ndarray,
                                rate: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Refresh customers' daily contact chance and hazard (after their rate or the demand multiplier changed).

        `rate` is their contact rate when the caller has it at hand; returns (chance, hazard) of `rows`."""
        c = self.customers
        rate = c.contact_rate_per_day[rows] if rate is None else rate
        chance = rules.clip(rate * self.config.market.demand_multiplier, 0.0, 1.0)
        # Only chances below GEOMETRIC_SEARCH_FROM use their hazard; the rest get a harmless stand-in.
        p = np.where(chance < GEOMETRIC_SEARCH_FROM, np.maximum(chance, 1e-12), 0.5)
        hazard = np.fromiter(map(math.log1p, (-p).tolist()), np.float64, len(p))
        np.negative(hazard, out=hazard)
        c.contact_chance[rows], c.contact_hazard[rows] = chance, hazard
        return chance, hazard

    def _seed_pending_needs(self, rows: np.ndarray) -> None:
        """Start the failure-demand pipeline full: at the start, as in a running firm, some customers already
        have an unresolved need that will bring them back (share = contact rate x unresolved share at the
        reference resolution odds x days before a need returns)."""
        c, b = self.customers, self.config.behaviour
        rate = c.contact_rate_per_day[rows] * self.config.market.demand_multiplier
        unresolved = 1.0 - float(rules.logistic(b.resolution_base))
        share = np.minimum(0.5, rate * unresolved * b.need_return_days)
        pending = rows[self.rng.random(len(rows)) < share]
        c.pending_need[pending] = True
        self._schedule_returns(pending)

    def _schedule_returns(self, rows: np.ndarray) -> None:
        """An unresolved need comes back after a few days (failure demand)."""
        if len(rows):
            gap = self.rng.geometric(1.0 / self.config.behaviour.need_return_days, size=len(rows))
            self.customers.next_contact_day[rows] = self.day + gap

    def _reschedule_churn(self, rows: np.ndarray) -> None:
        """Recompute churn hazards and draw each customer's time of leaving anew."""
        if len(rows) == 0:
            return
        c, b = self.customers, self.config.behaviour
        hazard = rules.churn_hazard_per_year(c.satisfaction[rows], b.churn_max_per_year, b.churn_steepness,
                                             b.churn_midpoint)
        # A factor of 1.0 changes nothing, so the factors are applied only when someone has them.
        card_member = c.card_member[rows]
        if np.count_nonzero(card_member):
            hazard = hazard * np.where(card_member, b.card_churn_factor, 1.0)
        referrer = c.referrer[rows]
        has_referrer = referrer >= 0
        if np.count_nonzero(has_referrer):
            with_referrer = has_referrer & c.active[np.maximum(referrer, 0)]
            if np.count_nonzero(with_referrer):
                hazard = hazard * np.where(with_referrer, b.referred_churn_factor, 1.0)
        c.hazard_per_year[rows] = hazard
        c.loyalty[rows] = rules.loyalty(hazard)
        # rng.exponential(1.0, n) is 1.0 times a standard exponential (NumPy's definition): same draws, half the cost.
        wait_days = self.rng.standard_exponential(len(rows)) * 365.0 / np.maximum(hazard, 1e-12)
        c.churn_time[rows] = self.day + 1 + wait_days

    def _update_cards(self) -> None:
        """Offer (or withdraw) the loyalty card: the `card_uptake` share of customers most inclined joins."""
        c, policy = self.customers, self.config.policy
        active = self._active_customers()
        if policy.loyalty_discount > 0:
            c.card_member[active] = c.card_propensity[active] < self.config.behaviour.card_uptake
        else:
            c.card_member[: c.n] = False

    def _update_derived(self) -> None:
        """Per-unit quantities that change only with the configuration (computed once, not daily)."""
        org, b = self.config.organisation, self.config.behaviour
        self._norms = np.full(self.n_units, org.time_norm_hours)
        self._norms[self.backoffice] = org.backoffice_time_norm_hours
        self._positions = self.positions()
        leader = np.append(self.leader_quality, self.leader_quality.mean())  # the back office's manager
        self._recognition_probability = rules.recognition_probability(leader, b.recognitions_per_month)

    def _update_leaders(self) -> None:
        self.leader_quality = rules.leader_quality(self.leader_quantile, self.config.policy.appreciation,
                                                   self.config.organisation.leader_quality_concentration)

    # ------------------------------------------------------------------------------------------
    # Construction
    def _create_staff(self) -> None:
        """Fill every position with an employee whose tenure, skill and states are typical."""
        positions = self.positions()
        units = np.repeat(np.arange(self.n_units), positions).astype(np.int32)
        self._hire(units, referred=np.zeros(len(units), np.bool_), initial=True)

    def _hire(self, units: np.ndarray, referred: np.ndarray, initial: bool = False) -> None:
        cfg, e, rng = self.config, self.employees, self.rng
        b = cfg.behaviour
        n = len(units)
        if n == 0:
            return
        if initial:
            # Staff at the start have tenure drawn from the quit rate: skill reflects tenure.
            tenure = rng.exponential(365.0 / max(b.base_quit_rate_per_year, 0.05), n)
            ceiling = 0.8 + 0.2 * cfg.policy.training
            speed = (1.0 + cfg.policy.training) / b.skill_days
            skill = ceiling - (ceiling - b.newcomer_skill) * np.exp(-tenure * speed)
            hired_day = -np.round(tenure).astype(np.int32)
            engagement = b.initial_engagement + 0.1 * rng.standard_normal(n)
            exhaustion = b.initial_exhaustion + 0.1 * rng.standard_normal(n)
        else:
            skill = b.newcomer_skill + 0.05 * rng.standard_normal(n)
            hired_day = np.full(n, self.day, np.int32)
            engagement = b.engagement_base + 0.05 + 0.05 * rng.standard_normal(n)  # newcomers start keen
            exhaustion = 0.7 * b.exhaustion_base + 0.05 * rng.standard_normal(n)
        if initial:
            leader = np.append(self.leader_quality, self.leader_quality.mean())
            gain = rules.recognition_probability(leader[units], b.recognitions_per_month) * b.recognition_boost
            fade = 1.0 - math.exp(-1.0 / b.appreciation_decay_days)
            same_unit = {"appreciation": gain / (gain + fade), "fatigue": np.full(n, INITIAL_FATIGUE),
                         "meaning": np.full(n, b.initial_meaning), "complaints": np.full(n, b.initial_complaints),
                         "vision_alignment": rules.vision_alignment_target(
                             cfg.policy.vision_cocreation, cfg.policy.pressure, engagement)}
        else:
            same_unit = self._unit_means(units)
        # Incumbents at the start survived years of selective turnover; applicants come from the population.
        trait_mean = ({"engagement": b.initial_engagement_trait, "resilience": b.initial_resilience_trait} if initial
                      else {"engagement": 0.0, "resilience": 0.0})
        self._staff = None
        rows = e.append(
            n, unit=units, is_front=units < self.n_teams, active=True, skill=rules.clip(skill, 0, 1),
            engagement=rules.clip(engagement, 0, 1), exhaustion=rules.clip(exhaustion, 0, 1),
            appreciation=same_unit["appreciation"], vision_alignment=same_unit["vision_alignment"],
            fatigue=same_unit["fatigue"], meaning=same_unit["meaning"], complaints=same_unit["complaints"],
            engagement_trait=trait_mean["engagement"] + b.engagement_trait_spread * rng.standard_normal(n),
            resilience_trait=trait_mean["resilience"] + b.resilience_trait_spread * rng.standard_normal(n),
            caseload=b.caseload_spread * rng.standard_normal(n), hired_day=hired_day, referred=referred)
        return rows

    def _unit_means(self, units: np.ndarray) -> dict[str, np.ndarray]:
        """What a newcomer picks up from colleagues: the unit's felt appreciation, belief, pace and the customers'
        mood (meaning, complaints)."""
        e = self.employees
        idx = self.staff()
        out = {}
        b = self.config.behaviour
        defaults = {"appreciation": 0.4, "vision_alignment": 0.4, "fatigue": INITIAL_FATIGUE,
                    "meaning": b.initial_meaning, "complaints": b.initial_complaints}
        count = np.bincount(e.unit[idx], minlength=self.n_units)
        for name, default in defaults.items():
            total = np.bincount(e.unit[idx], weights=getattr(e, name)[idx], minlength=self.n_units)
            mean = np.where(count > 0, total / np.maximum(count, 1), default)
            out[name] = mean[units]
        return out

    def _create_customers(self) -> None:
        cfg = self.config
        per_team = cfg.market.customers_per_team
        teams = np.repeat(np.arange(self.n_teams), per_team).astype(np.int32)
        self._add_customers(teams, referred=False, initial=True)

    def _add_customers(self, teams: np.ndarray, referred, referrer=None, initial: bool = False) -> None:
        cfg, c, rng = self.config, self.customers, self.rng
        b, market = cfg.behaviour, cfg.market
        n = len(teams)
        if n == 0:
            return
        mean_rate = market.contacts_per_customer_per_year / 365.0 * self.team_demand_factor[teams]
        spread = market.contact_rate_spread
        if spread > 1e-6:  # below that the gamma shape 1/spread^2 overflows; such a spread is none
            shape = 1.0 / spread**2
            rate = draw_gamma(rng, shape, mean_rate / shape)
        else:
            rate = mean_rate
        standard = market.customer_expectation_spread * rng.standard_normal(n)
        # Customers expect what their branch is known for: its setting is part of what they expect.
        expectation = (b.initial_expectation + self.team_expectation_offset[teams] + self.team_setting[teams]
                       + standard + b.brand_promise_lift * cfg.policy.brand_promise)
        if initial:
            satisfaction = (b.initial_satisfaction + b.initial_satisfaction_per_setting * self.team_setting[teams]
                            + 0.12 * rng.standard_normal(n))
            expectation = expectation + 0.05 * rng.standard_normal(n)
            joined = -np.round(rng.exponential(3 * 365.0, n)).astype(np.int32)
        else:
            satisfaction = b.newcomer_satisfaction  # the same for every newcomer: a scalar fills the rows
            joined = self.day
        rows = c.append(n, team=teams, active=True, expectation=rules.clip(expectation, 0, 1), standard=standard,
                        satisfaction=rules.clip(satisfaction, 0, 1), contact_rate_per_day=rate, joined_day=joined,
                        referred=referred, referrer=-1 if referrer is None else referrer)
        c.card_propensity[rows] = rng.random(n)
        chance, hazard = self._update_contact_chances(rows, rate)
        if cfg.policy.loyalty_discount > 0:
            c.card_member[rows] = c.card_propensity[rows] < b.card_uptake
        if initial:
            self._seed_pending_needs(rows)
        if initial:  # some start with a pending need and wait for it to come back
            self._schedule_contacts(rows, -1)
        else:
            self._draw_contact_days(rows, chance, hazard, self.day)
        self._reschedule_churn(rows)
        self.ledger.add(rows, teams=teams)  # newcomers are active
        if not initial:
            self.recent_referred = np.concatenate([self.recent_referred, rows[referred]])
            self.with_referrer = np.concatenate([self.with_referrer, rows[referrer >= 0]])

    # ------------------------------------------------------------------------------------------
    # Mesa handles, created on demand
    @property
    def agents_by_type(self) -> dict:
        """Mesa's agents by type: the handles of active employees and customers."""
        self.sync_handles()
        return mesa.Model.agents_by_type.fget(self)

    @property
    def agents(self):
        """Mesa's AgentSet of all active handles."""
        self.sync_handles()
        return mesa.Model.agents.fget(self)

    def sync_handles(self) -> None:
        """Create handles for active rows that have none; remove those of people who left."""
        for table_name, kind in (("employees", Employee), ("customers", Customer)):
            table, handles = getattr(self, table_name), self._handles[table_name]
            for row in [r for r, h in handles.items() if not table.active[r]]:
                handles.pop(row).remove()
            for row in nonzero(table.active[: table.n]):
                if int(row) not in handles:
                    handles[int(row)] = kind(self, int(row))

    def employee(self, row: int) -> Employee:
        """The handle of employee `row` (created if needed; leavers are not among model.agents)."""
        return self._handle("employees", Employee, row)

    def customer(self, row: int) -> Customer:
        """The handle of customer `row` (created if needed; churned customers are not among model.agents)."""
        return self._handle("customers", Customer, row)

    def _handle(self, table_name: str, kind: type, row: int) -> Handle:
        table, handles = getattr(self, table_name), self._handles[table_name]
        if not 0 <= row < table.n:
            raise IndexError(f"{table_name} row {row} does not exist (0..{table.n - 1})")
        if row in handles:
            return handles[row]
        handle = kind(self, row)
        if table.active[row]:
            handles[row] = handle
        else:
            handle.remove()
        return handle
