"""Per-team running sums over active customers, kept up to date by the rows that change.

Each day only a few hundred customers change (those served, leaving or joining), so
the model books them out before a change and back in after it instead of
re-aggregating every customer every day. `rebuild` recounts from scratch; a test
checks the running sums against it.
"""

from __future__ import annotations

import numpy as np

from . import rules
from .population import CustomerTable, nonzero

FIELDS = ("customers", "satisfaction", "loyalty", "expectation", "promoters", "detractors", "card_members")


class CustomerLedger:
    """Running per-team totals of the active customers of a CustomerTable."""

    def __init__(self, customers: CustomerTable, n_teams: int) -> None:
        self.customers = customers
        self.n_teams = n_teams
        self.table = np.zeros((len(FIELDS), n_teams))
        self.sums = {name: self.table[i] for i, name in enumerate(FIELDS)}  # views into the table
        self._field_offsets = np.arange(len(FIELDS)) * n_teams  # bin = field * n_teams + team
        self.rebuild()

    def _select(self, rows: np.ndarray, teams: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The active ones among `rows` and their bins in the flat table (bin = field * n_teams + team),
        one customer after the other (see `_book`).

        `teams`: the rows' teams, when the caller knows that every row is active (nothing to select)."""
        c = self.customers
        if teams is None:
            rows = rows[c.active[rows]]
            teams = c.team[rows]
        return rows, (teams[:, None] + self._field_offsets).ravel()

    def _book(self, selection: tuple[np.ndarray, np.ndarray], add: bool) -> None:
        c = self.customers
        rows, bins = selection
        if len(rows) == 0:
            return
        # One row of weights per customer: consecutive weights go to different bins, so np.bincount does
        # not wait on the previous add to the same bin (rows often come sorted by team); each bin still
        # adds its weights in row order, so the sums are the same to the bit as field after field.
        weights = np.empty((len(rows), len(FIELDS)))
        weights[:, 0] = 1.0
        satisfaction = c.satisfaction.take(rows, out=weights[:, 1])
        c.loyalty.take(rows, out=weights[:, 2])
        c.expectation.take(rows, out=weights[:, 3])
        np.greater_equal(satisfaction, rules.PROMOTER_THRESHOLD, out=weights[:, 4])
        np.less(satisfaction, rules.DETRACTOR_THRESHOLD, out=weights[:, 5])
        weights[:, 6] = c.card_member[rows]
        # One bincount for all fields; then in place (subtracting t is exactly adding -1.0 * t).
        totals = np.bincount(bins, weights=weights.ravel(), minlength=self.table.size)
        (np.add if add else np.subtract)(self.table, totals.reshape(self.table.shape), out=self.table)

    def remove(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Book active `rows` out (call before changing them or before they leave).

        Returns the selection, which `add` takes back when the same rows return with their team
        and activity unchanged (it saves selecting them again)."""
        selection = self._select(rows)
        self._book(selection, add=False)
        return selection

    def add(self, rows: np.ndarray | None = None, selection: tuple[np.ndarray, np.ndarray] | None = None,
            teams: np.ndarray | None = None) -> None:
        """Book active `rows` in (call after changing them or after they join), or a selection from `remove`.

        `teams`: the teams of `rows` when all of them are active (newcomers), which saves selecting them."""
        self._book(self._select(rows, teams) if selection is None else selection, add=True)

    def rebuild(self) -> None:
        """Recount every active customer (after bulk changes; also the reference in tests)."""
        self.table[:] = 0.0
        self.add(nonzero(self.customers.active[: self.customers.n]))

    def field_totals(self) -> dict[str, np.float64]:
        """Each field summed over the teams, in one reduction (each C-contiguous row sums as `.sum()` would)."""
        return dict(zip(FIELDS, np.add.reduce(self.table, axis=1)))

    def totals(self) -> dict[str, float]:
        return {name: float(values.sum()) for name, values in self.sums.items()}
