"""Mesa agents as thin handles over the model's arrays.

An `Employee` or `Customer` holds only its row number; every attribute reads and
writes that row of the model's tables, so inspecting or changing one agent sees
exactly what the vectorised day computes. The day itself never loops over handles.
"""

from __future__ import annotations

import mesa

from .rules import BURNOUT_THRESHOLD, ENGAGED_THRESHOLD


class Column:
    """Descriptor: attribute `name` of a handle is row `handle.row` of a model table column."""

    def __init__(self, column: str | None = None, kind: type = float) -> None:
        self.column = column
        self.kind = kind

    def __set_name__(self, owner: type, name: str) -> None:
        self.column = self.column or name

    def __get__(self, handle, owner=None):
        if handle is None:
            return self
        return self.kind(getattr(handle.table, self.column)[handle.row])

    def __set__(self, handle, value) -> None:
        getattr(handle.table, self.column)[handle.row] = value
        handle.model.on_handle_write(handle.TABLE, handle.row)


class Handle(mesa.Agent):
    """A Mesa agent whose state lives in row `row` of a model table."""

    TABLE = ""

    def __init__(self, model: mesa.Model, row: int) -> None:
        super().__init__(model)
        self.row = int(row)

    @property
    def table(self):
        return getattr(self.model, self.TABLE)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(row={self.row}, active={self.active})"


class Employee(Handle):
    """An employee: front line or back office, with JD-R states in [0, 1]."""

    TABLE = "employees"
    active = Column(kind=bool)
    unit = Column(kind=int)
    is_front = Column(kind=bool)
    skill = Column()
    engagement = Column()
    exhaustion = Column()
    appreciation = Column()  # felt appreciation
    vision_alignment = Column()
    fatigue = Column()
    surface_acting = Column()
    referred = Column(kind=bool)
    hired_day = Column(kind=int)

    @property
    def role(self) -> str:
        return "front" if self.is_front else "back"

    @property
    def team(self) -> int:
        """The front-line team, or -1 for the back office."""
        return self.unit if self.is_front else -1

    @property
    def tenure_days(self) -> int:
        return self.model.day - self.hired_day

    @property
    def uwes(self) -> float:
        """Engagement on the UWES 0-6 scale."""
        return 6.0 * self.engagement

    @property
    def engaged(self) -> bool:
        return self.engagement >= ENGAGED_THRESHOLD

    @property
    def burnt_out(self) -> bool:
        return self.exhaustion >= BURNOUT_THRESHOLD


class Customer(Handle):
    """A customer of one team."""

    TABLE = "customers"
    active = Column(kind=bool)
    team = Column(kind=int)
    expectation = Column()
    satisfaction = Column()  # cumulative satisfaction CS
    hazard_per_year = Column()
    pending_need = Column(kind=bool)
    referred = Column(kind=bool)
    card_member = Column(kind=bool)
    joined_day = Column(kind=int)
    contact_rate_per_day = Column()

    @property
    def tenure_days(self) -> int:
        return self.model.day - self.joined_day

    @property
    def referrer(self) -> "Customer | None":
        row = int(self.table.referrer[self.row])
        return self.model.customer(row) if row >= 0 else None
