"""What the township records while following a household: monthly income and the guarantees check."""

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import Boolean, Date, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from assistance.schema import Base
from common.db import stamped


class IncomeMonth(Base):
    """Per-capita disposable income of one month, as the township's follow-up records it (帮扶台账)."""

    __tablename__ = "income_months"

    household_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)  # the first day of the month
    per_capita: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime] = stamped()


class GuaranteeCheck(Base):
    """The township's record of 两不愁三保障 and drinking water for a household, on a date."""

    __tablename__ = "guarantee_checks"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    household_id: Mapped[uuid.UUID] = mapped_column(index=True)
    checked_on: Mapped[dt.date] = mapped_column(Date)
    food: Mapped[bool] = mapped_column(Boolean)
    clothing: Mapped[bool] = mapped_column(Boolean)
    compulsory_education: Mapped[bool] = mapped_column(Boolean)
    basic_medical: Mapped[bool] = mapped_column(Boolean)
    housing: Mapped[bool] = mapped_column(Boolean)
    drinking_water: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime] = stamped()
