"""The idiomatic Mesa way, for comparison only: every agent steps in Python, one at a time.

Each employee and customer is a `mesa.Agent` whose `step()` calls the same `sim.rules`
functions as the vectorised model, on scalars; the model shuffles and steps them with
`AgentSet.shuffle_do` and collects the same daily aggregates with a `mesa.DataCollector`.
The daily schedule follows docs/ODD.md (demand, work pressure, encounters, customers,
employees, turnover and hiring, money, observation) with per-day Bernoulli clocks
instead of the vectorised model's drawn clocks, so the numbers agree in distribution,
not draw by draw. Events, the loyalty card and layoffs are left out: the reference
scenario has none. It lives in benchmarks/ only and is never used for results.
"""

from __future__ import annotations

import math

import mesa
import numpy as np

from sim import rules
from sim.config import SimConfig


class BaselineCustomer(mesa.Agent):
    """A customer: decides each day whether to contact the team and whether to leave."""

    def __init__(self, model: "BaselineModel", team: int, initial: bool) -> None:
        super().__init__(model)
        cfg, rng = model.config, model.rng
        b, market = cfg.behaviour, cfg.market
        self.team = team
        mean_rate = market.contacts_per_customer_per_year / 365.0 * model.team_demand_factor[team]
        shape = 1.0 / max(market.contact_rate_spread, 1e-6) ** 2
        self.contact_rate = float(rng.gamma(shape, mean_rate / shape))
        self.standard = market.customer_expectation_spread * float(rng.standard_normal())
        expectation = (b.initial_expectation + model.team_expectation_offset[team] + model.team_setting[team]
                       + self.standard + b.brand_promise_lift * cfg.policy.brand_promise)
        if initial:
            satisfaction = (b.initial_satisfaction + b.initial_satisfaction_per_setting * model.team_setting[team]
                            + 0.12 * float(rng.standard_normal()))
            expectation += 0.05 * float(rng.standard_normal())
        else:
            satisfaction = b.newcomer_satisfaction
        self.expectation = float(rules.clip(expectation, 0.0, 1.0))
        self.satisfaction = float(rules.clip(satisfaction, 0.0, 1.0))
        self.pending_need = False
        self.return_day = -1
        self.waiting_since = -1
        self.update_hazard()

    def update_hazard(self) -> None:
        b = self.model.config.behaviour
        self.hazard = float(rules.churn_hazard_per_year(self.satisfaction, b.churn_max_per_year, b.churn_steepness,
                                                        b.churn_midpoint))
        self.loyalty = float(rules.loyalty(self.hazard))

    def step(self) -> None:
        """Leave today, or contact the team (a returning need or a new one)?"""
        m = self.model
        if m.random.random() < -math.expm1(-self.hazard / 365.0):
            m.churned_today += 1
            if self.waiting_since >= 0:
                m.backlog[self.team].remove(self)
            self.remove()
            return
        if self.waiting_since >= 0:
            return
        if self.pending_need:
            due = self.return_day == m.day
        else:
            due = m.random.random() < min(1.0, self.contact_rate * m.config.market.demand_multiplier)
        if due:
            m.contacts[self.team].append(self)

    def experience(self, quality: float) -> float:
        """Expectation-disconfirmation after an encounter; the churn hazard follows satisfaction."""
        m = self.model
        cfg = m.config
        b = cfg.behaviour
        felt = float(rules.encounter_satisfaction(quality, self.expectation, b.loss_aversion))
        self.satisfaction += b.satisfaction_smoothing * (felt - self.satisfaction)
        promise = b.brand_promise_lift * cfg.policy.brand_promise + m.team_expectation_offset[self.team] + self.standard
        self.expectation = float(rules.expectation_step(self.expectation, quality, promise, b.expectation_adaptation))
        self.update_hazard()
        return felt


class BaselineEmployee(mesa.Agent):
    """An employee of a front-line team (unit < teams) or the back office (unit == teams)."""

    def __init__(self, model: "BaselineModel", unit: int, initial: bool) -> None:
        super().__init__(model)
        cfg, rng = model.config, model.rng
        b = cfg.behaviour
        self.unit = unit
        self.is_front = unit < model.n_teams
        policy = cfg.policy
        if initial:  # as in ServiceModel._hire: skill reflects a tenure drawn from the quit rate
            tenure = float(rng.exponential(365.0 / max(b.base_quit_rate_per_year, 0.05)))
            ceiling = 0.8 + 0.2 * policy.training
            skill = ceiling - (ceiling - b.newcomer_skill) * math.exp(-tenure * (1.0 + policy.training) / b.skill_days)
            engagement = b.engagement_base + 0.1 * float(rng.standard_normal())
            exhaustion = b.exhaustion_base + 0.1 * float(rng.standard_normal())
            gain = model.recognition_probability[unit] * b.recognition_boost
            self.appreciation = gain / (gain + 1.0 - math.exp(-1.0 / b.appreciation_decay_days))
            self.vision_alignment = float(rules.vision_alignment_target(policy.vision_cocreation, policy.pressure,
                                                                        engagement))
            self.fatigue = 0.4
        else:  # newcomers start keen and pick up their colleagues' appreciation, belief and pace
            skill = b.newcomer_skill + 0.05 * float(rng.standard_normal())
            engagement = b.engagement_base + 0.05 + 0.05 * float(rng.standard_normal())
            exhaustion = 0.7 * b.exhaustion_base + 0.05 * float(rng.standard_normal())
            colleagues = [e for e in model.agents_by_type[BaselineEmployee] if e.unit == unit and e is not self]
            for name in ("appreciation", "vision_alignment", "fatigue"):
                values = [getattr(e, name) for e in colleagues]
                setattr(self, name, sum(values) / len(values) if values else 0.4)
        self.skill = float(rules.clip(skill, 0.0, 1.0))
        self.engagement = float(rules.clip(engagement, 0.0, 1.0))
        self.exhaustion = float(rules.clip(exhaustion, 0.0, 1.0))
        self.meaning, self.complaints = 0.6, 0.1
        self.engagement_trait = b.engagement_trait_spread * float(rng.standard_normal())
        self.resilience_trait = b.resilience_trait_spread * float(rng.standard_normal())
        self.caseload = b.caseload_spread * float(rng.standard_normal())
        self.served_satisfaction: list[float] = []

    def productivity(self) -> float:
        return float(rules.productivity(self.skill, self.fatigue, self.engagement))

    def step(self) -> None:
        """JD-R: recognition, feedback, resources and demands, then engagement, exhaustion, quitting."""
        m = self.model
        cfg = m.config
        b, policy = cfg.behaviour, cfg.policy
        unit = m.units[self.unit]
        recognised = m.random.random() < m.recognition_probability[self.unit]
        m.recognitions_today += recognised
        self.appreciation = float(rules.felt_appreciation(self.appreciation, recognised, b.recognition_boost,
                                                          b.appreciation_decay_days))
        if self.served_satisfaction:
            served = self.served_satisfaction
            self.meaning = float(rules.smooth(self.meaning, sum(served) / len(served), 10.0))
            self.complaints = float(rules.smooth(self.complaints, sum(s < 0.5 for s in served) / len(served), 10.0))
            self.served_satisfaction = []
        acting = float(rules.surface_acting(policy.display_rules, self.engagement)) if self.is_front else 0.0
        overload = float(rules.clip(unit["pressure"] - 1.0, 0.0, 1.0))
        challenge, hindrance = rules.challenge_and_hindrance(m.management_pressure, self.appreciation, overload)
        isq = m.isq if self.is_front else 0.7
        resources = float(rules.job_resources(policy.autonomy, self.appreciation, self.skill, policy.listening,
                                              self.vision_alignment, policy.training, isq, self.meaning,
                                              self.is_front))
        labour = float(rules.emotional_labour(self.is_front, b.emotional_labour_front, acting, self.complaints,
                                              b.surface_acting_strain))
        demands = float(rules.job_demands(challenge, hindrance, policy.listening, isq, self.fatigue, labour,
                                          self.caseload))
        target_e = rules.engagement_target(resources, challenge, hindrance, self.exhaustion, self.engagement_trait, b)
        target_x = rules.exhaustion_target(demands, resources, self.resilience_trait, b)
        self.exhaustion = float(rules.clip(rules.exhaustion_step(self.exhaustion, target_x, b.exhaustion_rise_days,
                                                                 b.exhaustion_recovery_days), 0.0, 1.0))
        noise = b.engagement_noise * (m.random.random() * 2.0 - 1.0) * math.sqrt(3.0)
        engagement = self.engagement
        self.engagement = float(rules.clip(rules.smooth(engagement, target_e, b.engagement_days) + noise, 0.0, 1.0))
        target_v = rules.vision_alignment_target(policy.vision_cocreation, m.management_pressure, engagement)
        self.vision_alignment = float(rules.smooth(self.vision_alignment, target_v, b.vision_days))
        self.skill = float(rules.skill_step(self.skill, policy.training, b.skill_days))
        self.fatigue = float(rules.smooth(self.fatigue, rules.fatigue_target(unit["intensity"], b.max_overtime),
                                          b.fatigue_days))
        p_quit = rules.quit_probability(self.exhaustion, self.engagement, m.recent_quits[self.unit], False, b)
        if m.random.random() < p_quit:
            m.quits_today[self.unit] += 1
            m.vacancies.append((self.unit, m.day + cfg.policy.hiring_delay_days))
            self.remove()


class BaselineModel(mesa.Model):
    """The reference rules, one Python `step()` per agent per day."""

    def __init__(self, config: SimConfig, seed: int = 0) -> None:
        super().__init__(rng=int(seed))
        self.config = config
        org, market, b, policy = config.organisation, config.market, config.behaviour, config.policy
        rng = self.rng
        self.day = 0
        self.n_teams = org.teams
        self.team_demand_factor = np.maximum(0.2, 1.0 + market.team_demand_spread * rng.standard_normal(self.n_teams))
        self.team_expectation_offset = market.team_expectation_spread * rng.standard_normal(self.n_teams)
        self.team_setting = rules.branch_settings(rng.standard_normal(self.n_teams), market.team_setting_spread)
        leader = rules.leader_quality(rng.random(self.n_teams), policy.appreciation, org.leader_quality_concentration)
        self.recognition_probability = [float(rules.recognition_probability(q, b.recognitions_per_month))
                                        for q in [*leader, float(np.mean(leader))]]
        norm = [org.time_norm_hours] * self.n_teams + [org.backoffice_time_norm_hours]
        self.norms = norm
        self.time_standard = [float(rules.management_target_standard(t, policy.pressure, b.standard_tightening))
                              for t in norm]
        self.management_pressure = policy.pressure
        self.isq = 0.7
        self.backoffice_backlog = 0.0
        back = int(round(org.employees_per_team * self.n_teams * policy.staffing * org.backoffice_share
                         / (1.0 - org.backoffice_share)))
        front = int(round(org.employees_per_team * policy.staffing))
        for unit in range(self.n_teams + 1):
            for _ in range(front if unit < self.n_teams else back):
                BaselineEmployee(self, unit, initial=True)
        for team in range(self.n_teams):
            for _ in range(market.customers_per_team):
                BaselineCustomer(self, team, initial=True)
        self.vacancies: list[tuple[int, int]] = []
        self.satisfaction_reference = self.satisfaction_recent = float(
            self.agents_by_type[BaselineCustomer].agg("satisfaction", np.mean))
        self.quit_history: list[list[int]] = []
        self.recent_quits = [0.0] * (self.n_teams + 1)
        self.backlog: list[list[BaselineCustomer]] = [[] for _ in range(self.n_teams)]
        self.units: list[dict[str, float]] = []
        self.profit = 0.0
        self.datacollector = mesa.DataCollector(model_reporters={
            "customers": lambda m: len(m.agents_by_type[BaselineCustomer]),
            "satisfaction": lambda m: m.agents_by_type[BaselineCustomer].agg("satisfaction", np.mean),
            "loyalty": lambda m: m.agents_by_type[BaselineCustomer].agg("loyalty", np.mean),
            "nps": lambda m: 100.0 * np.mean([(s >= rules.PROMOTER_THRESHOLD) - (s < rules.DETRACTOR_THRESHOLD)
                                              for s in m.agents_by_type[BaselineCustomer].get("satisfaction")]),
            "employees": lambda m: len(m.agents_by_type[BaselineEmployee]),
            "engagement": lambda m: m.agents_by_type[BaselineEmployee].agg("engagement", np.mean),
            "exhaustion": lambda m: m.agents_by_type[BaselineEmployee].agg("exhaustion", np.mean),
            "burnout_share": lambda m: np.mean([x >= rules.BURNOUT_THRESHOLD
                                                for x in m.agents_by_type[BaselineEmployee].get("exhaustion")]),
            "churned": "churned_today", "new_customers": "new_today", "quits": lambda m: sum(m.quits_today),
            "pressure": lambda m: np.mean([u["pressure"] for u in m.units[: m.n_teams]]),
            "service_quality": "quality_today", "profit": "profit",
        })

    def step(self) -> None:
        """One day: customers, work pressure, encounters, employees, hiring, arrivals, money, observation."""
        cfg = self.config
        org, b, policy, market = cfg.organisation, cfg.behaviour, cfg.policy, cfg.market
        self.churned_today = self.new_today = self.recognitions_today = 0
        self.quits_today = [0] * (self.n_teams + 1)
        self.contacts: list[list[BaselineCustomer]] = [[] for _ in range(self.n_teams)]
        self.agents_by_type[BaselineCustomer].shuffle_do("step")

        # Work pressure per unit.
        staff = self.agents_by_type[BaselineEmployee]
        members: list[list[BaselineEmployee]] = [[] for _ in range(self.n_teams + 1)]
        for employee in staff:
            members[employee.unit].append(employee)
        pending = [len(self.backlog[t]) + len(self.contacts[t]) for t in range(self.n_teams)]
        pending.append(self.backoffice_backlog + org.internal_requests_per_contact * sum(pending))
        self.management_pressure = float(rules.effective_management_pressure(
            policy.pressure, policy.reactive_management, self.satisfaction_reference, self.satisfaction_recent))
        self.units = []
        for unit, people in enumerate(members):
            available = org.service_hours_per_day * sum(e.productivity() for e in people)
            pressure = float(rules.work_pressure(pending[unit], self.time_standard[unit], available))
            time_hours = float(rules.time_per_contact(self.time_standard[unit], pressure, b.time_cut_elasticity,
                                                      self.norms[unit]))
            intensity = float(rules.work_intensity(pressure, b.max_overtime))
            capacity = float(rules.capacity_contacts(available, intensity, time_hours))
            target = rules.management_target_standard(self.norms[unit], self.management_pressure,
                                                      b.standard_tightening)
            self.time_standard[unit] = float(rules.time_standard_step(
                self.time_standard[unit], time_hours, target, b.standard_pull_days, b.standard_erosion_days,
                policy.reset_standards))
            self.units.append({"pressure": pressure, "time_hours": time_hours, "intensity": intensity,
                               "capacity": capacity})
        back = self.units[-1]
        served_back = min(pending[-1], back["capacity"])
        self.backoffice_backlog = 0.5 * (pending[-1] - served_back)
        done_well = [rules.resolution_probability(
            e.skill, e.engagement, e.exhaustion, policy.autonomy, back["time_hours"] / org.backoffice_time_norm_hours,
            0.7, rules.effort(self.management_pressure, e.appreciation, b.effort_curvature), b) for e in members[-1]]
        in_time = served_back / pending[-1] if pending[-1] > 0 else 1.0
        self.isq = float(np.mean(done_well)) * in_time if done_well else 0.0

        # Encounters: the backlog first, then today's contacts, up to each team's capacity.
        qualities = []
        for team in range(self.n_teams):
            queue = self.backlog[team] + self.contacts[team]
            people = members[team]
            served_count = min(len(queue), int(math.floor(self.units[team]["capacity"] + 1e-9))) if people else 0
            weights = [e.productivity() for e in people]
            unit = self.units[team]
            time_ratio = unit["time_hours"] / org.time_norm_hours
            for customer in queue[:served_count]:
                employee = self.random.choices(people, weights)[0]
                effort = rules.effort(self.management_pressure, employee.appreciation, b.effort_curvature)
                p_resolve = rules.resolution_probability(employee.skill, employee.engagement, employee.exhaustion,
                                                         policy.autonomy, time_ratio, self.isq, effort, b)
                resolved = float(self.random.random() < p_resolve)
                acting = float(rules.surface_acting(policy.display_rules, employee.engagement))
                detected = float(self.random.random() < b.detection_probability and acting > 0)
                waited = self.day - customer.waiting_since if customer.waiting_since >= 0 else 0
                quality = float(rules.encounter_quality(
                    resolved, employee.skill, employee.exhaustion, time_ratio,
                    rules.authenticity(employee.engagement, employee.vision_alignment), acting, detected,
                    policy.display_rules, rules.queueing(unit["pressure"]), waited, b,
                    self.team_setting[customer.team]))
                customer.waiting_since = -1
                customer.pending_need = not resolved
                if customer.pending_need:
                    customer.return_day = self.day + int(self.rng.geometric(1.0 / b.need_return_days))
                employee.served_satisfaction.append(customer.experience(quality))
                qualities.append(quality)
            self.backlog[team] = []
            for customer in queue[served_count:]:
                if customer.waiting_since >= 0 and self.random.random() < b.abandon_per_day:
                    customer.waiting_since = -1
                    customer.pending_need = True
                    customer.return_day = self.day + int(self.rng.geometric(1.0 / b.need_return_days))
                    customer.experience(0.0)
                else:
                    if customer.waiting_since < 0:
                        customer.waiting_since = self.day
                    self.backlog[team].append(customer)
        self.quality_today = float(np.mean(qualities)) if qualities else float("nan")

        # Employees, then turnover and hiring.
        staff.shuffle_do("step")
        self.quit_history = (self.quit_history + [self.quits_today])[-30:]
        self.recent_quits = [float(sum(day[u] for day in self.quit_history)) for u in range(self.n_teams + 1)]
        due = [unit for unit, day in self.vacancies if day <= self.day]
        self.vacancies = [(unit, day) for unit, day in self.vacancies if day > self.day]
        for unit in due:
            BaselineEmployee(self, unit, initial=False)

        # Word of mouth and marketing bring customers.
        customers = self.agents_by_type[BaselineCustomer]
        count, promoters, detractors = [0] * self.n_teams, [0] * self.n_teams, [0] * self.n_teams
        for customer in customers:
            count[customer.team] += 1
            promoters[customer.team] += customer.satisfaction >= rules.PROMOTER_THRESHOLD
            detractors[customer.team] += customer.satisfaction < rules.DETRACTOR_THRESHOLD
        potential = market.customers_per_team * market.market_potential_ratio
        for team in range(self.n_teams):
            prospects = float(rules.clip(1.0 - count[team] / potential, 0.0, 1.0))
            share_p = promoters[team] / count[team] if count[team] else 0.0
            share_d = detractors[team] / count[team] if count[team] else 0.0
            word_of_mouth = float(rules.clip(1.0 + share_p - b.detractor_talk_ratio * share_d, 0.0, 2.0))
            rate = (market.acquisition_per_year / 365.0 * potential * prospects * (1.0 + policy.brand_promise)
                    * word_of_mouth + promoters[team] * b.promoter_referrals_per_year / 365.0
                    * b.referral_conversion * prospects)
            for _ in range(int(self.rng.poisson(rate))):
                BaselineCustomer(self, team, initial=False)
                self.new_today += 1

        # Money and observation.
        econ = cfg.economics
        revenue = market.spend_per_customer_per_year / 365.0 * len(customers)
        wages = sum((econ.front_wage_per_year if e.is_front else econ.back_wage_per_year) / 365.0
                    * (1.0 + econ.overtime_premium * max(self.units[e.unit]["intensity"] - 1.0, 0.0)) for e in staff)
        self.profit = revenue - wages - self.recognitions_today * econ.recognition_cost
        self.datacollector.collect(self)
        satisfaction = self.datacollector.model_vars["satisfaction"][-1]
        self.satisfaction_recent += (satisfaction - self.satisfaction_recent) / 30.0
        self.day += 1


def run_baseline(config: SimConfig, seed: int = 0):
    """Run the per-agent baseline for `config.days` days; return its daily DataFrame."""
    model = BaselineModel(config, seed)
    for _ in range(config.days):
        model.step()
    return model.datacollector.get_model_vars_dataframe()
