"""Observation: array aggregates of the day, organisation-wide and per team.

`DAILY_COLUMNS` and `TEAM_COLUMNS` document every output column (meaning and
unit); the docs and the parquet metadata are generated from them. The recorder
writes into preallocated arrays and builds DataFrames only at the end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import rules
from .population import nonzero

if TYPE_CHECKING:  # pragma: no cover
    from .model import Encounters, ServiceModel, UnitDay

# name: (unit, meaning)
DAILY_COLUMNS: dict[str, tuple[str, str]] = {
    "day": ("day", "simulation day, 0 = first day"),
    "customers": ("customers", "active customers at the end of the day"),
    "satisfaction": ("0-1", "mean cumulative satisfaction (CS) of active customers; NaN if no customers"),
    "loyalty": ("0-1", "mean one-year retention chance of active customers at their current churn hazard; "
                       "NaN if no customers"),
    "nps": ("points, -100..100", "net promoter score: % promoters (CS >= 0.85) - % detractors (CS < 0.65); "
                                 "NaN if no customers"),
    "churned": ("customers/day", "customers who left today"),
    "new_customers": ("customers/day", "customers who joined today (marketing, recommendations, staff)"),
    "referrals": ("customers/day", "new customers brought by promoters' recommendations or staff ambassadors"),
    "employees": ("people", "employees in post (front line and back office)"),
    "engagement": ("0-1", "mean engagement E of employees in post (UWES = 6 E); NaN if nobody in post"),
    "exhaustion": ("0-1", "mean exhaustion X of employees in post; NaN if nobody in post"),
    "burnout_share": ("0-1", "share of employees in post with exhaustion >= 0.5; NaN if nobody in post"),
    "quits": ("people/day", "employees who quit today"),
    "layoffs": ("people/day", "employees whose post was cut today (staffing reduced)"),
    "hires": ("people/day", "vacancies filled today"),
    "vacancies": ("posts", "open vacancies at the end of the day"),
    "pressure": ("ratio", "mean front-line work pressure p = hours needed at the standard / hours available"),
    "management_pressure": ("0-1", "pressure lever in force, including the reactive-management reflex"),
    "time_per_customer": ("hours", "mean actual time per served front-line contact (T)"),
    "time_standard": ("hours", "mean front-line handling-time standard (T*)"),
    "service_quality": ("0-1", "mean perceived quality of today's encounters; NaN if no encounters"),
    "resolution_rate": ("0-1", "share of today's encounters in which the customer's need was resolved; "
                               "NaN if no encounters"),
    "backlog": ("contacts", "contacts waiting for service at the end of the day"),
    "contacts": ("contacts/day", "customer contacts arriving today (new and returning needs)"),
    "failure_demand": ("contacts/day", "contacts today caused by needs left unresolved before"),
    "served": ("contacts/day", "contacts served today"),
    "abandoned": ("contacts/day", "waiting customers who gave up today"),
    "customer_centricity_engaged": ("1-10", "mean customer-centricity rating of today's encounters with "
                                            "engaged employees (UWES >= 4); NaN if none"),
    "customer_centricity_other": ("1-10", "mean customer-centricity rating of today's encounters with "
                                          "non-engaged employees; NaN if none"),
    "encounter_satisfaction": ("0-1", "mean satisfaction with today's encounters; NaN if no encounters"),
    "expectation": ("0-1", "mean expectation of active customers; NaN if no customers"),
    "engagement_front": ("0-1", "mean engagement of front-line staff; NaN if no front-line staff"),
    "engagement_back": ("0-1", "mean engagement of back-office staff; NaN if no back-office staff"),
    "exhaustion_front": ("0-1", "mean exhaustion of front-line staff; NaN if no front-line staff"),
    "exhaustion_back": ("0-1", "mean exhaustion of back-office staff; NaN if no back-office staff"),
    "appreciation": ("0-1", "mean felt appreciation of employees in post; NaN if nobody in post"),
    "vision_alignment": ("0-1", "mean belief in the customer vision of employees in post; NaN if nobody in post"),
    "skill": ("0-1", "mean skill of employees in post; NaN if nobody in post"),
    "fatigue": ("0-1", "mean fatigue of employees in post; NaN if nobody in post"),
    "surface_acting": ("0-1", "mean surface acting of front-line staff; NaN if no front-line staff"),
    "internal_service_quality": ("0-1", "back office: chance an internal request is resolved well and in time"),
    "backoffice_pressure": ("ratio", "work pressure in the back office"),
    "overtime": ("ratio", "mean work intensity above contracted hours (0 = none); NaN if nobody in post"),
    "card_members": ("customers", "active loyalty-card members"),
    "revenue": ("EUR/day", "customers' spend (gross margin) less card discounts"),
    "cost": ("EUR/day", "wages incl. overtime, lever costs, recognition and hiring"),
    "profit": ("EUR/day", "revenue - cost"),
    "wages": ("EUR/day", "wages incl. overtime premium"),
    "lever_cost": ("EUR/day", "training, listening, co-creation, display rules, brand, card running costs "
                              "and recognition"),
    "hiring_cost": ("EUR/day", "recruiting and onboarding"),
    "card_discount": ("EUR/day", "revenue given back to card members"),
}

TEAM_COLUMNS: dict[str, tuple[str, str]] = {
    "day": ("day", "simulation day"),
    "team": ("index", "front-line team, 0..teams-1"),
    "headcount": ("people", "front-line employees in post in the team"),
    "engagement": ("0-1", "mean engagement of the team's staff"),
    "exhaustion": ("0-1", "mean exhaustion of the team's staff"),
    "burnout_share": ("0-1", "share of the team's staff with exhaustion >= 0.5"),
    "satisfaction": ("0-1", "mean cumulative satisfaction of the team's active customers"),
    "loyalty": ("0-1", "mean one-year retention chance of the team's active customers"),
    "customers": ("customers", "the team's active customers"),
    "quits": ("people/day", "the team's quits today"),
    "service_quality": ("0-1", "mean perceived quality of the team's encounters today; NaN if none"),
    "pressure": ("ratio", "the team's work pressure"),
    "time_standard": ("hours", "the team's handling-time standard"),
    "leader_quality": ("0-1", "the team leader's recognition quality"),
}

FLOWS = ("contacts", "failure_demand", "abandoned", "churned", "new_customers", "referrals", "recommended", "quits",
         "hires",
         "layoffs", "recognitions", "referred_hires", "vacancy_days_referred", "vacancy_days_other", "revenue", "cost", "profit",
         "wages", "overtime_cost", "lever_cost", "hiring_cost", "card_discount", "card_members")


# Rows of the per-person array in Recorder.observe; surface acting of all staff is not a column
# (only the front line's is), it sits there to be split by role with engagement and exhaustion.
PER_PERSON_ROWS = ("engagement", "exhaustion", "surface_acting_of_all", "appreciation", "vision_alignment", "skill",
                   "fatigue", "overtime", "burnout_share")


def team_customer_counts(model: "ServiceModel") -> dict[str, np.ndarray]:
    """Per-team active customers, promoters, detractors and sums of satisfaction, loyalty and expectation."""
    return model.ledger.sums


def _mean(values: np.ndarray) -> float:
    n = len(values)
    return float(np.add.reduce(values)) / n if n else float("nan")


def _row_means(stacked: np.ndarray, n: int) -> np.ndarray:
    """The mean of each row of a C-contiguous 2-D array with n columns (NaN when n is 0), as `_mean` per row."""
    stacked = np.ascontiguousarray(stacked)  # a strided row would be summed in another order
    if n == 0:
        return np.full(len(stacked), np.nan)
    return np.add.reduce(stacked, axis=1) / n


class Recorder:
    """Collects one row per day and one row per team per day into preallocated arrays."""

    FLOWS = FLOWS

    def __init__(self, model: "ServiceModel") -> None:
        self.model = model
        days, teams = model.config.days, model.n_teams
        self.daily = {name: np.full(days, np.nan) for name in DAILY_COLUMNS}
        self.teams = {name: np.full((days, teams), np.nan) for name in TEAM_COLUMNS}
        self._team_numbers = np.arange(teams)
        # False when nobody will read the per-team rows (batch runs that keep only the summary): saves about
        # a quarter of the observation phase (3-4% of a reference run); `teams_frame` is then empty.
        self.per_team = True
        self.rows = 0
        self.start: dict[str, float] = {}
        self.totals = dict.fromkeys(("referred_hires", "hires", "vacancy_days_referred", "vacancy_days_other", "recommended",
                                     "rating_sum_engaged",
                                     "ratings_engaged", "rating_sum_other", "ratings_other"), 0.0)

    def record_start(self) -> None:
        """Snapshot of the organisation before the first day (for 'start vs end' summaries)."""
        m = self.model
        counts = team_customer_counts(m)
        e = m.employees
        staff = nonzero(e.active[: e.n])
        n = counts["customers"].sum()
        self.start = {
            "customers": float(n),
            "satisfaction": float(counts["satisfaction"].sum() / n),
            "loyalty": float(counts["loyalty"].sum() / n),
            "nps": float(100.0 * (counts["promoters"].sum() - counts["detractors"].sum()) / n),
            "employees": float(len(staff)),
            "engagement": _mean(e.engagement[staff]),
            "exhaustion": _mean(e.exhaustion[staff]),
            "burnout_share": _mean((e.exhaustion[staff] >= rules.BURNOUT_THRESHOLD).astype(float)),
        }

    def observe(self, units: "UnitDay", enc: "Encounters") -> None:
        """Phase 9: aggregate today's arrays into one daily row and one row per team.

        Means are sums over C-contiguous rows of stacked arrays (np.add.reduce along the last
        axis sums each row exactly as it sums a 1-D array), so one call serves many columns.
        """
        m = self.model
        if self.rows >= len(self.daily["day"]):
            self._extend()
        d, today = self.rows, m.today
        e, k = m.employees, m.n_teams
        total = m.ledger.field_totals()
        n_customers = total["customers"]
        view = m.staff_view()
        staff, unit, front = view.rows, view.unit, view.front
        n_staff, n_front = len(staff), int(np.count_nonzero(front))
        # The rows of PER_PERSON_ROWS; the first three are also split into front line and back office.
        # np.array copies the rows as np.stack would, without np.stack's Python-level overhead.
        by_person = np.array([e.engagement[staff], e.exhaustion[staff], e.surface_acting[staff],
                              e.appreciation[staff], e.vision_alignment[staff], e.skill[staff], e.fatigue[staff],
                              units.overtime[unit], np.zeros(n_staff)])
        exhaustion, burnt = by_person[1], by_person[8]
        np.greater_equal(exhaustion, rules.BURNOUT_THRESHOLD, out=burnt)
        served = len(enc.customer)
        row = self.daily
        row["day"][d] = m.day
        row["customers"][d] = n_customers
        with np.errstate(invalid="ignore", divide="ignore"):
            # Means from running sums: clipped, since rounding drift can leave them 1e-17 outside [0, 1].
            row["satisfaction"][d] = rules.clip(total["satisfaction"] / n_customers, 0.0, 1.0)
            row["loyalty"][d] = rules.clip(total["loyalty"] / n_customers, 0.0, 1.0)
            row["nps"][d] = 100.0 * (total["promoters"] - total["detractors"]) / n_customers
            row["expectation"][d] = rules.clip(total["expectation"] / n_customers, 0.0, 1.0)
            staff_means = _row_means(by_person, n_staff)
            front_means = _row_means(by_person[:3].compress(front, axis=1), n_front)
            back_means = _row_means(by_person[:2].compress(~front, axis=1), n_staff - n_front)
            if self.per_team:
                self._observe_teams(d, units, enc, by_person)
        for name in ("churned", "new_customers", "referrals", "quits", "hires", "layoffs", "contacts",
                     "failure_demand", "abandoned", "card_members", "revenue", "cost", "profit", "wages",
                     "lever_cost", "hiring_cost", "card_discount"):
            row[name][d] = today.get(name, 0.0)
        row["employees"][d] = n_staff
        for name, mean in zip(PER_PERSON_ROWS, staff_means):
            if name in row:
                row[name][d] = mean
        row["engagement_front"][d], row["exhaustion_front"][d], row["surface_acting"][d] = front_means
        row["engagement_back"][d], row["exhaustion_back"][d] = back_means
        row["vacancies"][d] = len(m.vacancy_unit)
        row["pressure"][d] = np.add.reduce(units.pressure[:k]) / k  # = .mean(), without its wrapper
        row["management_pressure"][d] = m.management_pressure
        row["time_standard"][d] = np.add.reduce(m.time_standard[:k]) / k
        row["time_per_customer"][d] = (float(np.add.reduce(units.time_hours[:k] * units.served[:k]) / served)
                                       if served else float(units.time_hours[:k].mean()))
        row["served"][d] = served
        row["service_quality"][d], row["resolution_rate"][d], row["encounter_satisfaction"][d] = _row_means(
            np.array([enc.quality, enc.resolved, enc.satisfaction]), served)
        rating_engaged, rating_other = enc.rating[enc.engaged], enc.rating[~enc.engaged]
        sum_engaged, sum_other = float(np.add.reduce(rating_engaged)), float(np.add.reduce(rating_other))
        n_engaged, n_other = len(rating_engaged), len(rating_other)
        row["customer_centricity_engaged"][d] = sum_engaged / n_engaged if n_engaged else float("nan")
        row["customer_centricity_other"][d] = sum_other / n_other if n_other else float("nan")
        row["backlog"][d] = len(m.waiting)
        row["internal_service_quality"][d] = m.isq
        row["backoffice_pressure"][d] = units.pressure[m.backoffice]
        totals = self.totals
        for name in ("referred_hires", "hires", "vacancy_days_referred", "vacancy_days_other", "recommended"):
            totals[name] += today.get(name, 0.0)
        totals["rating_sum_engaged"] += sum_engaged
        totals["ratings_engaged"] += n_engaged
        totals["rating_sum_other"] += sum_other
        totals["ratings_other"] += n_other
        if n_customers > 0:  # with no customers left there is no score to react to (and no NaN to spread)
            m.satisfaction_recent += (row["satisfaction"][d] - m.satisfaction_recent) / 30.0
        self.rows += 1

    def _observe_teams(self, d: int, units: "UnitDay", enc: "Encounters", by_person: np.ndarray) -> None:
        """Today's row of every team (`observe` calls it with division warnings silenced: a team without
        encounters or staff gets NaN)."""
        m, t, k = self.model, self.teams, self.model.n_teams
        counts, view = team_customer_counts(m), m.staff_view()
        headcount = view.headcount[:k]
        t["day"][d] = m.day
        t["team"][d] = self._team_numbers
        t["headcount"][d] = headcount
        per_unit = np.bincount(view.unit_bins_of_three, weights=by_person[[0, 1, 8]].ravel(),
                               minlength=3 * m.n_units).reshape(3, m.n_units)[:, :k] / headcount
        t["engagement"][d], t["exhaustion"][d], t["burnout_share"][d] = per_unit
        t["satisfaction"][d] = rules.clip(counts["satisfaction"] / counts["customers"], 0.0, 1.0)
        t["loyalty"][d] = rules.clip(counts["loyalty"] / counts["customers"], 0.0, 1.0)
        t["customers"][d] = counts["customers"]
        t["quits"][d] = m.today["quits_by_unit"][:k] if "quits_by_unit" in m.today else 0
        n_enc = np.bincount(enc.team, minlength=k)
        t["service_quality"][d] = np.bincount(enc.team, weights=enc.quality, minlength=k) / n_enc
        t["pressure"][d] = units.pressure[:k]
        t["time_standard"][d] = m.time_standard[:k]
        t["leader_quality"][d] = m.leader_quality

    def _extend(self) -> None:
        """Grow the arrays when a model is stepped past its configured horizon (the dashboard does)."""
        for store in (self.daily, self.teams):
            for name, values in store.items():
                store[name] = np.concatenate([values, np.full_like(values, np.nan)])

    def daily_frame(self) -> pd.DataFrame:
        frame = pd.DataFrame({name: values[: self.rows] for name, values in self.daily.items()})
        for name in ("day", "customers", "churned", "new_customers", "referrals", "employees", "quits", "hires",
                     "layoffs", "vacancies", "backlog", "contacts", "failure_demand", "served", "abandoned",
                     "card_members"):
            frame[name] = frame[name].astype(np.int64)
        return frame

    def teams_frame(self) -> pd.DataFrame:
        k = self.model.n_teams
        rows = self.rows if self.per_team else 0
        frame = pd.DataFrame({name: values[:rows].reshape(-1) for name, values in self.teams.items()})
        for name in ("day", "team", "headcount", "customers", "quits"):
            frame[name] = frame[name].astype(np.int64)
        assert len(frame) == rows * k
        return frame
