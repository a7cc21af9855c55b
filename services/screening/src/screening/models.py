"""Screening's tables: what it knows of households from intake's events (members by blind index, yearly
income), and, imported at the end, department records, policies and alerts."""

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import DateTime, ForeignKey, Integer, Numeric, String, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from screening.base import Base, idempotency, inbox, outbox
from screening.policies.models import Policy, RescreenJob


class KnownHousehold(Base):
    __tablename__ = "known_households"

    household_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    version: Mapped[int] = mapped_column(Integer)
    # The members' facts (no identifiers but the blind index) as of `version`: what the rules read.
    members: Mapped[list[dict]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


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


__all__ = [
    "Alert",
    "AssetCheck",
    "Base",
    "ConsentView",
    "DeptRecord",
    "IngestKey",
    "KnownHousehold",
    "KnownMember",
    "MonitoredHousehold",
    "Policy",
    "RegionalRisk",
    "RescreenJob",
    "Upload",
    "idempotency",
    "inbox",
    "outbox",
]


from screening.alerts.models import Alert  # noqa: E402  (after the tables they refer to)
from screening.checks.models import AssetCheck, ConsentView  # noqa: E402
from screening.feeds.models import DeptRecord, IngestKey, Upload  # noqa: E402
from screening.regional.models import MonitoredHousehold, RegionalRisk  # noqa: E402
