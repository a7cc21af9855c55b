"""Screening sweeps (排查) and the visits recorded in them."""

import datetime as dt
import uuid

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from common.db import stamped
from screening.schema import Base


class Sweep(Base):
    """A sweep planned for every registered household of a county, township or village, over a period."""

    __tablename__ = "sweeps"
    __table_args__ = (Index("ix_sweeps_region", "region_code", "period_start"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    region_code: Mapped[str] = mapped_column(String(12))
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    planned_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = stamped()


class SweepVisit(Base):
    """One look at one household in a sweep. A household visited again keeps both: the latest one counts."""

    __tablename__ = "sweep_visits"
    __table_args__ = (Index("ix_sweep_visits_household", "sweep_id", "household_id", "recorded_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    sweep_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sweeps.id"))
    household_id: Mapped[uuid.UUID] = mapped_column()
    region_code: Mapped[str] = mapped_column(String(12))
    visited_on: Mapped[dt.date] = mapped_column(Date)
    result: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    visited_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime] = stamped()
