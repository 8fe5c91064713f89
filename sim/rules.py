"""The model's rules: pure functions over NumPy arrays.

Each rule is one mechanism of docs/ODD.md ("Submodels"). Rules take arrays (or
scalars: the same function serves one agent or the whole population), return new
arrays, and never draw random numbers: randomness is passed in as uniform draws,
so that the model owns the one generator of a run.

States are in [0, 1] unless a name says otherwise; times are in days or hours as
the name says.
"""

from __future__ import annotations

import numpy as np

# ---------------------------------------------------------------------------------------------
# Reference points: the rules are written as deviations from a typical employee, so that
# the `*_base` coefficients read as "the target for a typical employee in a typical firm".
REFERENCE_RESOURCES = 0.5
REFERENCE_DEMANDS = 0.3
REFERENCE_EXHAUSTION = 0.3
REFERENCE_ENGAGEMENT = 0.6
REFERENCE_EXHAUSTION_SD = 0.15
REFERENCE_ENGAGEMENT_SD = 0.15
ENGAGED_THRESHOLD = 2.0 / 3.0  # UWES >= 4 on the 0-6 scale
BURNOUT_THRESHOLD = 0.5  # exhaustion at or above half the scale counts as burnout
PROMOTER_THRESHOLD = 0.85  # satisfaction that rounds to 9-10 on a 0-10 recommend scale
DETRACTOR_THRESHOLD = 0.65  # satisfaction that rounds to 0-6
QUEUE_ONSET_PRESSURE = 0.4  # customers start to notice queues (waiting in line, callbacks) above this

# Weights of the job resources (each row sums to 1). Front line: customers' feedback (meaning)
# and back-office support are resources; the back office has neither.
FRONT_RESOURCE_WEIGHTS = dict(autonomy=0.22, appreciation=0.24, skill=0.10, listening=0.08, vision=0.10,
                              training=0.04, isq=0.10, meaning=0.12)
BACK_RESOURCE_WEIGHTS = dict(autonomy=0.18, appreciation=0.30, skill=0.14, listening=0.14, vision=0.14,
                             training=0.10, isq=0.0, meaning=0.0)


def clip(x, low, high):
    """np.clip without its Python-level overhead (the same result for numbers and arrays)."""
    return np.minimum(np.maximum(x, low), high)


def logistic(x):
    """The standard logistic function 1 / (1 + e^-x)."""
    return 1.0 / (1.0 + np.exp(-x))


def smooth(current, target, time_constant_days):
    """One day of first-order exponential smoothing towards `target`."""
    return current + (target - current) / time_constant_days


def branch_settings(draws, spread):
    """Each branch's offset to the part of service quality staff do not make, from standard normal `draws`:
    relative to the firm's average branch, so a run's mean setting is zero whatever the draw."""
    return spread * (draws - draws.mean())


# ---------------------------------------------------------------------------------------------
# Appreciation, alignment, skill
def leader_quality(quantile, appreciation, concentration):
    """A team leader's recognition quality: the leader's fixed quantile of Beta(k a, k (1-a)).

    Keeping each leader's quantile fixed means a policy change moves all leaders while
    their ranking (the between-team variation) stays.
    """
    from scipy.special import betaincinv

    a = clip(appreciation, 1e-3, 1 - 1e-3)
    return betaincinv(concentration * a, concentration * (1 - a), quantile)


def recognition_probability(leader_quality_of_team, recognitions_per_month):
    """Daily chance that an employee receives a recognition from their leader."""
    return clip(leader_quality_of_team * recognitions_per_month / 30.0, 0.0, 1.0)


def felt_appreciation(appreciation, recognised, boost, decay_days):
    """Felt appreciation fades each day; a recognition closes `boost` of the gap to 1."""
    faded = appreciation * np.exp(-1.0 / decay_days)
    return np.where(recognised, faded + boost * (1.0 - faded), faded)


def vision_alignment_target(cocreation, pressure, engagement):
    """Belief in the customer vision: co-creation builds it; a top-down vision under pressure erodes it."""
    target = (0.35 + 0.5 * cocreation - 0.3 * pressure * (1.0 - cocreation)
              + 0.2 * (engagement - REFERENCE_ENGAGEMENT))
    return clip(target, 0.0, 1.0)


def skill_step(skill, training, skill_days):
    """Learning on the job: skill approaches a ceiling that training raises, faster with training."""
    ceiling = 0.8 + 0.2 * training
    # A time constant below one day would overshoot the ceiling (skill above 1).
    return skill + (ceiling - skill) / np.maximum(skill_days / (1.0 + training), 1.0)


# ---------------------------------------------------------------------------------------------
# Work pressure (Oliva & Sterman 2001)
def productivity(skill, fatigue, engagement):
    """Share of contracted service hours that turns into work at the standard pace."""
    return (0.6 + 0.4 * skill) * (1.0 - 0.3 * fatigue) * (0.85 + 0.25 * engagement)


def work_pressure(pending_contacts, time_standard_hours, available_hours):
    """p = hours needed at the standard / hours available (capped at 10 when nobody is there)."""
    needed = pending_contacts * time_standard_hours
    return np.where(available_hours > 0, needed / np.maximum(available_hours, 1e-9),
                    np.where(needed > 0, 10.0, 0.0))


def time_per_contact(time_standard_hours, pressure, elasticity, time_norm_hours):
    """Corner cutting: T = T* p^-e, at most 25% above the standard and at least a quarter of the norm."""
    raw = time_standard_hours * np.power(np.maximum(pressure, 1e-6), -elasticity)
    return clip(raw, 0.25 * time_norm_hours, 1.25 * time_standard_hours)


def work_intensity(pressure, max_overtime):
    """Hours worked per contracted hour: sqrt(p), saturating at `max_overtime`."""
    return np.minimum(max_overtime, np.sqrt(np.maximum(pressure, 0.0)))


def fatigue_target(intensity, max_overtime):
    """Fatigue a given work intensity leads to: 0 at light work (<= 0.7), 1 at maximum overtime."""
    return clip((intensity - 0.7) / (max_overtime - 0.7), 0.0, 1.0)


def capacity_contacts(available_hours, intensity, time_hours):
    """Contacts a unit can serve today at the actual time per contact and with overtime."""
    return available_hours * np.maximum(intensity, 1.0) / np.maximum(time_hours, 1e-9)


def management_target_standard(time_norm_hours, pressure, tightening):
    """The handling-time standard management aims for: the norm, tightened by pressure."""
    return time_norm_hours * (1.0 - tightening * pressure)


def time_standard_step(standard, actual, target, pull_days, erosion_days, reset_standards):
    """One day of the time standard T*.

    Management pulls it down to its target; it erodes towards the actual time when staff
    cut corners (T < T*); it never recovers by itself, only when management deliberately
    resets it (`reset_standards` > 0, at most back to the target, over about a month).
    """
    standard = np.where(standard > target, smooth(standard, target, pull_days), standard)
    standard = np.where(actual < standard, smooth(standard, actual, erosion_days), standard)
    if np.ndim(reset_standards) == 0 and reset_standards <= 0:  # no reset lever: the last step changes nothing
        return standard
    reset_days = 30.0 / np.maximum(reset_standards, 1e-9)
    return np.where((reset_standards > 0) & (standard < target), smooth(standard, target, reset_days), standard)


def effective_management_pressure(pressure, reactive, satisfaction_reference, satisfaction_recent):
    """The 'strong customer focus' reflex: management pushes harder when scores fall."""
    shortfall = np.maximum(0.0, satisfaction_reference - satisfaction_recent)
    return clip(pressure + reactive * 5.0 * shortfall, 0.0, 1.0)


def queueing(pressure):
    """How much customers notice queues: 0 up to p = 0.4, rising linearly to 1 at p = 1.4.

    Waiting grows with utilisation well before a unit is overloaded (queueing theory),
    so faster handling shortens queues even when there is slack."""
    return clip(pressure - QUEUE_ONSET_PRESSURE, 0.0, 1.0)


# ---------------------------------------------------------------------------------------------
# Encounters
def surface_acting(display_rules, engagement):
    """Faking the required display: the gap between what is required and what is felt."""
    return np.maximum(0.0, display_rules - engagement)


def authenticity(engagement, vision_alignment):
    """Sincere engagement; belief in the vision (rather than a 'moetje') makes it ring true."""
    return engagement * (0.5 + 0.5 * vision_alignment)


def effort(pressure, fairness, curvature):
    """Janssen 2001: performance is an inverted U in demands, higher and shifted right when the
    effort-reward balance is fair (felt appreciation)."""
    optimum = 0.35 + 0.6 * fairness
    return clip(0.85 + 0.15 * fairness - curvature * (pressure - optimum) ** 2, 0.0, 1.0)


REFERENCE_EFFORT = 0.925 - 0.0625  # effort at pressure 0.4 and fairness 0.5 with curvature 1


def resolution_probability(skill, engagement, exhaustion, autonomy, time_ratio, isq, effort_level, b):
    """Chance that the customer's real need is found and solved ("faster horses" takes probing).

    `time_ratio` is actual time over the norm; its effect is logarithmic (cutting a
    generous time costs little, cutting a short one costs much). `b` is the BehaviourConfig.
    """
    log_odds = (b.resolution_base
                + b.resolution_effort * (effort_level - REFERENCE_EFFORT)
                + b.resolution_skill * (skill - 0.75)
                + b.resolution_engagement * (engagement - REFERENCE_ENGAGEMENT)
                - b.resolution_exhaustion * (exhaustion - REFERENCE_EXHAUSTION)
                + b.resolution_autonomy * (autonomy - 0.4)
                + b.resolution_time * np.log(np.maximum(time_ratio, 1e-3) / 0.85)
                + b.resolution_isq * (isq - 0.7))
    return logistic(log_odds)


def encounter_quality(resolved, skill, exhaustion, time_ratio, authenticity_level, surface_acting_level,
                      detected, display_rules, queue, days_waited, b, setting=0.0):
    """Quality of one encounter as the customer perceives it, in [0, 1].

    Resolution dominates; the employee's competence and the time taken add to it; sincere
    engagement adds a bonus only when the task was done well; surface acting, when
    detected, costs; an undetected smile helps a little; queues and waiting cost. `setting`
    is the branch's offset to the part staff do not make (premises, systems, product range).
    """
    quality = (0.40 * resolved
               + 0.15 * skill * (1.0 - 0.5 * exhaustion)
               + 0.10 * np.minimum(1.0, time_ratio)
               + 0.15 + setting
               + b.authenticity_bonus * resolved * authenticity_level
               + b.display_bonus * display_rules * (1.0 - detected)
               - b.detected_acting_penalty * detected * surface_acting_level
               - b.waiting_penalty * queue
               - 0.05 * days_waited)
    return clip(quality, 0.0, 1.0)


def centricity_rating(quality, noise):
    """A customer-centricity rating on the 1-10 scale drawn from encounter quality."""
    return 1.0 + 9.0 * clip(quality + noise, 0.0, 1.0)


# ---------------------------------------------------------------------------------------------
# Customers
def encounter_satisfaction(quality, expectation, loss_aversion):
    """Expectation-disconfirmation: shortfalls weigh `loss_aversion` times as much as surpluses."""
    disconfirmation = quality - expectation
    weight = np.where(disconfirmation < 0, loss_aversion, 1.0)
    return clip(expectation + weight * disconfirmation, 0.0, 1.0)


def expectation_step(expectation, quality, promise, adaptation):
    """Expectations move towards experienced quality plus what the brand promises."""
    return clip(expectation + adaptation * (quality + promise - expectation), 0.0, 1.0)


def churn_hazard_per_year(satisfaction, maximum, steepness, midpoint):
    """Convex churn: a steep logistic in cumulative satisfaction (annual hazard rate)."""
    return maximum * logistic(-steepness * (satisfaction - midpoint))


def loyalty(hazard_per_year):
    """Chance the customer is still a customer in a year at the current hazard."""
    return np.exp(-hazard_per_year)


# ---------------------------------------------------------------------------------------------
# Employees: Job Demands-Resources
def job_resources(autonomy, appreciation, skill, listening, vision, training, isq, meaning, is_front):
    """Job resources in [0, 1]: a weighted mean of what helps people do and enjoy their work."""
    f, k = FRONT_RESOURCE_WEIGHTS, BACK_RESOURCE_WEIGHTS
    front = (f["autonomy"] * autonomy + f["appreciation"] * appreciation + f["skill"] * skill
             + f["listening"] * listening + f["vision"] * vision + f["training"] * training
             + f["isq"] * isq + f["meaning"] * meaning)
    back = (k["autonomy"] * autonomy + k["appreciation"] * appreciation + k["skill"] * skill
            + k["listening"] * listening + k["vision"] * vision + k["training"] * training)
    return np.where(is_front, front, back)


def challenge_and_hindrance(pressure, fairness, overload):
    """Pressure is a challenge where effort is fairly rewarded and a hindrance where not."""
    challenge = pressure * fairness
    hindrance = pressure * (1.0 - fairness) + overload
    return challenge, hindrance


def job_demands(challenge, hindrance, listening, isq, fatigue, emotional_labour, caseload):
    """Job demands in [0, 1]: challenge and hindrance stress (both strain, LePine 2005), process barriers,
    fatigue, emotional labour and the individual's caseload."""
    process_barriers = 0.5 * (1.0 - listening) + 0.3 * (1.0 - isq)
    demands = (0.10 * challenge + 0.30 * hindrance + 0.20 * process_barriers + 0.10 * fatigue
               + emotional_labour + caseload)
    return clip(demands, 0.0, 1.0)


def emotional_labour(is_front, base, surface_acting_level, complaints, acting_strain):
    """Serving external customers is emotional work: faking a display and hearing complaints."""
    return np.where(is_front, base + acting_strain * surface_acting_level + 0.15 * complaints, 0.0)


def engagement_target(resources, challenge, hindrance, exhaustion, trait, b):
    """JD-R: resources and challenge raise engagement; hindrance and exhaustion lower it."""
    target = (b.engagement_base + trait
              + b.resources_to_engagement * (resources - REFERENCE_RESOURCES)
              + b.challenge_to_engagement * challenge
              - b.hindrance_to_engagement * hindrance
              - b.exhaustion_to_engagement * (exhaustion - REFERENCE_EXHAUSTION))
    return clip(target, 0.0, 1.0)


def exhaustion_target(demands, resources, trait, b):
    """JD-R: demands drive exhaustion; resources buffer it a little."""
    target = (b.exhaustion_base + trait
              + b.demands_to_exhaustion * (demands - REFERENCE_DEMANDS)
              - b.resources_to_exhaustion * (resources - REFERENCE_RESOURCES))
    return clip(target, 0.0, 1.0)


def exhaustion_step(exhaustion, target, rise_days, recovery_days):
    """Exhaustion builds up faster than it recovers."""
    return smooth(exhaustion, target, np.where(target > exhaustion, rise_days, recovery_days))


# ---------------------------------------------------------------------------------------------
# Turnover
def quit_probability(exhaustion, engagement, coworker_quits_30d, referred, b):
    """Daily quit chance: burnout pushes, engagement holds, quits are contagious, referred hires stay."""
    base_per_day = -np.log(1.0 - min(b.base_quit_rate_per_year, 0.999)) / 365.0
    z_exhaustion = (exhaustion - REFERENCE_EXHAUSTION) / REFERENCE_EXHAUSTION_SD
    z_engagement = (engagement - REFERENCE_ENGAGEMENT) / REFERENCE_ENGAGEMENT_SD
    log_factor = (b.quit_exhaustion * z_exhaustion - b.quit_engagement * z_engagement
                  + b.quit_contagion * coworker_quits_30d - b.quit_referred * referred)
    return 1.0 - np.exp(-base_per_day * np.exp(np.minimum(log_factor, 700.0)))  # exp(700): certain, no overflow
