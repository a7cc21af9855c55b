import datetime as dt

from sqlalchemy import Boolean, Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from common.db import stamped
from intake.schema import Base


class CalendarYear(Base):
    """A year whose official holiday arrangement is loaded (from chinese-calendar or by ops)."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(100))
    loaded_by: Mapped[str] = mapped_column(String(200))
    loaded_at: Mapped[dt.datetime] = stamped()


class CalendarDay(Base):
    """A day that differs from Monday-Friday: a weekday holiday or an adjusted working weekend (调休)."""

    __tablename__ = "calendar_days"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String(100))
