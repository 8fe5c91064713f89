"""The model's state: one struct-of-arrays table per kind of agent.

A row is one person for their whole life in the model: customers who churn and
employees who leave keep their row (with `active` False), so a Mesa handle always
points at the same person. New people are appended; capacity grows geometrically,
so appending is amortised O(1) and memory stays linear in the number of people.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

NEVER = np.iinfo(np.int32).max  # a day that never comes (next contact of a churned customer)


def nonzero(mask: np.ndarray) -> np.ndarray:
    """Indices where `mask` is true (np.flatnonzero without its wrapper overhead)."""
    return mask.nonzero()[0]


def stable_order_of_units(units: np.ndarray) -> np.ndarray:
    """np.argsort(units, kind="stable") for team or unit numbers, in linear time.

    A stable sort has only one answer; NumPy sorts 16-bit integers by radix (O(n)) and
    32-bit ones by merging (O(n log n)). Units are below 10,001 (the config's range of
    `teams`), so they fit in int16.
    """
    return np.argsort(units.astype(np.int16), kind="stable")


class Table:
    """Columns of equal length; `n` rows are in use, the rest is spare capacity."""

    COLUMNS: dict[str, tuple[type, object]] = {}

    def __init__(self, capacity: int = 16) -> None:
        self.n = 0
        self.capacity = max(16, int(capacity))
        for name, (dtype, fill) in self.COLUMNS.items():
            setattr(self, name, np.full(self.capacity, fill, dtype=dtype))

    def append(self, count: int, **values) -> np.ndarray:
        """Append `count` rows (columns not given take their fill value); return their indices."""
        unknown = values.keys() - self.COLUMNS.keys()
        if unknown:
            raise KeyError(f"unknown columns: {sorted(unknown)}")
        if self.n + count > self.capacity:
            self._grow(max(self.n + count, int(self.capacity * 1.5)))
        start, stop = self.n, self.n + count
        for name, value in values.items():
            getattr(self, name)[start:stop] = value  # a slice: the same values as rows, without fancy indexing
        self.n = stop
        return np.arange(start, stop)

    def _grow(self, capacity: int) -> None:
        for name, (dtype, fill) in self.COLUMNS.items():
            new = np.full(capacity, fill, dtype=dtype)
            new[: self.n] = getattr(self, name)[: self.n]
            setattr(self, name, new)
        self.capacity = capacity

    def column(self, name: str) -> np.ndarray:
        """The used part of a column (a view: writes go to the table)."""
        return getattr(self, name)[: self.n]

    def nbytes(self) -> int:
        return sum(getattr(self, name).nbytes for name in self.COLUMNS)


class EmployeeTable(Table):
    """Employees: front line (`unit` = team) or back office (`unit` = number of teams)."""

    COLUMNS = {
        "unit": (np.int32, 0),
        "is_front": (np.bool_, True),
        "active": (np.bool_, False),
        "skill": (np.float64, 0.5),
        "engagement": (np.float64, 0.6),
        "exhaustion": (np.float64, 0.3),
        "appreciation": (np.float64, 0.5),  # felt appreciation
        "vision_alignment": (np.float64, 0.4),
        "fatigue": (np.float64, 0.4),
        "surface_acting": (np.float64, 0.0),
        "meaning": (np.float64, 0.6),  # smoothed satisfaction of the customers served
        "complaints": (np.float64, 0.1),  # smoothed share of dissatisfied encounters
        "engagement_trait": (np.float64, 0.0),
        "resilience_trait": (np.float64, 0.0),
        "caseload": (np.float64, 0.0),  # individual offset of job demands
        "hired_day": (np.int32, 0),
        "left_day": (np.int32, -1),
        "laid_off": (np.bool_, False),
        "referred": (np.bool_, False),
        "resources": (np.float64, 0.5),  # last computed job resources (observed, not state)
        "demands": (np.float64, 0.3),  # last computed job demands (observed, not state)
    }


class CustomerTable(Table):
    """Customers of each team."""

    COLUMNS = {
        "team": (np.int32, 0),
        "active": (np.bool_, False),
        "expectation": (np.float64, 0.66),
        "standard": (np.float64, 0.0),  # personal offset of expectations (hard or easy to please)
        "satisfaction": (np.float64, 0.72),  # cumulative satisfaction CS
        "hazard_per_year": (np.float64, 0.2),
        "loyalty": (np.float64, 0.8),  # one-year retention chance at the current hazard
        "contact_rate_per_day": (np.float64, 0.03),  # propensity at demand multiplier 1
        "contact_chance": (np.float64, 0.0),  # today's contact chance: the rate x demand multiplier, in [0, 1]
        "contact_hazard": (np.float64, 1.0),  # -log1p(-max(contact_chance, 1e-12)), for drawing contact clocks
        "next_contact_day": (np.int32, NEVER),
        "churn_time": (np.float64, np.inf),  # day (fractional) at which the customer leaves
        "pending_need": (np.bool_, False),  # an unresolved need that will come back
        "waiting_since": (np.int32, -1),  # day the customer joined the backlog, -1 if not waiting
        "joined_day": (np.int32, 0),
        "left_day": (np.int32, -1),
        "referrer": (np.int64, -1),  # customer who recommended them, -1 if none
        "referred": (np.bool_, False),
        "card_member": (np.bool_, False),
        # Drawn for every customer, card or not: joins a card when below the uptake share. Drawing it always
        # keeps runs with and without a card on the same random numbers (a clean comparison of the two).
        "card_propensity": (np.float64, 1.0),
    }


class StaffView:
    """The employees in post and what follows from who they are: unit, front line or back office.

    The model makes a new view whenever someone joins or leaves, so that the day's phases share
    one copy of each derived array instead of gathering it again (callers must not modify them).
    """

    def __init__(self, employees: EmployeeTable, rows: np.ndarray, n_units: int) -> None:
        self.employees = employees
        self.rows = rows
        self.n_units = n_units

    @cached_property
    def unit(self) -> np.ndarray:
        """Unit of each employee in post, as intp: NumPy gathers by an int32 index several times slower."""
        return self.employees.unit[self.rows].astype(np.intp)

    @cached_property
    def front(self) -> np.ndarray:
        """True for front-line staff, aligned with `rows`."""
        return self.employees.is_front[self.rows]

    @cached_property
    def back(self) -> np.ndarray:
        """Rows of the back-office staff."""
        return self.rows[~self.front]

    @cached_property
    def front_by_team(self) -> np.ndarray:
        """Rows of the front-line staff, grouped by team (ascending rows within a team)."""
        front = self.rows[self.front]
        return front[stable_order_of_units(self.employees.unit[front])]

    @cached_property
    def headcount(self) -> np.ndarray:
        """Staff per unit."""
        return np.bincount(self.unit, minlength=self.n_units)

    @cached_property
    def unit_bins_of_three(self) -> np.ndarray:
        """Bins that sum three stacked per-person rows per unit in one np.bincount (row i, unit u: i * n_units + u).

        np.bincount adds each bin's weights in input order, so each row sums as in its own call."""
        return (np.arange(3)[:, None] * self.n_units + self.unit).ravel()
