"""What screening keeps of intake's events: households (members by blind index), yearly income, and the
households under monitoring."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, Numeric, String, exists, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from common.db import stamped
from screening.schema import Base


class KnownHousehold(Base):
    __tablename__ = "known_households"

    household_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    version: Mapped[int] = mapped_column(Integer)
    # The members' facts (no identifiers but the blind index) as of `version`: what the rules read.
    members: Mapped[list[dict]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    updated_at: Mapped[dt.datetime] = stamped()


class KnownIncome(Base):
    """A household's income for a year, from intake (the newest revision)."""

    __tablename__ = "known_incomes"

    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("known_households.household_id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)
    members_count: Mapped[int] = mapped_column(Integer)
    total_income: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    per_capita_net_income: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    rigid_expense: Mapped[Decimal] = mapped_column(Numeric(14, 2))


class KnownMember(Base):
    __tablename__ = "known_members"

    member_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("known_households.household_id"), index=True)
    id_index: Mapped[str] = mapped_column(String(64), index=True)
    active: Mapped[bool] = mapped_column()


class MonitoredHousehold(Base):
    """Households approved as monitored objects (from intake's case events), `since` the latest approval: the
    numerator of the share unless a later elimination is known (`monitored_now`)."""

    __tablename__ = "monitored_households"

    household_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    case_id: Mapped[uuid.UUID] = mapped_column()
    since: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class KnownElimination(Base):
    """Assistance's approved eliminations (marked there, never deleted): a household eliminated after its
    latest approval is no longer monitored."""

    __tablename__ = "known_eliminations"

    elimination_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    household_id: Mapped[uuid.UUID] = mapped_column(index=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


def monitored_now() -> Any:
    """The condition on MonitoredHousehold rows of households monitored now: no elimination after the latest
    approval. Derived, not stored, so the order the case and elimination topics deliver in does not matter."""
    return ~exists().where(
        KnownElimination.household_id == MonitoredHousehold.household_id,
        KnownElimination.occurred_at > MonitoredHousehold.since,
    )
