"""What assistance keeps of other services' events: approved cases,
household facts, yearly income, the monitoring lines in force and confirmed alerts."""

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from assistance.schema import Base
from common.db import stamped
from common.policy import PackProjection


class MonitoredCase(Base):
    """A county-approved case (intake.case.approved): the household is a monitored object."""

    __tablename__ = "monitored_cases"

    case_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    household_id: Mapped[uuid.UUID] = mapped_column(index=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    object_type: Mapped[str | None] = mapped_column(String(30))
    risks: Mapped[list[dict]] = mapped_column(JSONB)
    weak_motivation: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    approved_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # The county approval's own date (the document's, as the officer entered it): the elimination
    # procedure's village review cannot precede it.
    approved_on: Mapped[dt.date | None] = mapped_column(Date)
    received_at: Mapped[dt.datetime] = stamped()


class KnownHousehold(Base):
    """Members' facts (labour capacity) from intake's household events, and the household's number (户编号,
    for the lists officers file): no personal identifiers."""

    __tablename__ = "known_households"

    household_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    region_code: Mapped[str] = mapped_column(String(12))
    version: Mapped[int] = mapped_column(Integer)
    members: Mapped[list[dict]] = mapped_column(JSONB)
    household_no: Mapped[str | None] = mapped_column(String(40))  # None: known from before it was kept


class KnownIncome(Base):
    """A household's yearly income from intake (newest revision)."""

    __tablename__ = "known_incomes"

    household_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)
    per_capita_net_income: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    total_income: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    rigid_expense: Mapped[Decimal] = mapped_column(Numeric(14, 2))


class PolicyLine(Base):
    """Monitoring lines from screening's policy versions before packs (screening.policy.published); kept as
    received. What applies is read from `policy_packs`, into which these were copied."""

    __tablename__ = "policy_lines"

    region_prefix: Mapped[str] = mapped_column(String(12), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    effective_from: Mapped[dt.date] = mapped_column(Date)
    monitoring_line: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    rigid_expense_ratio: Mapped[Decimal] = mapped_column(Numeric(8, 4))


class PolicyPack(PackProjection, Base):
    """Screening's policy packs (screening.policy.v1), as published: which one governs a region is
    common.policy's rule, the same as screening's."""

    __tablename__ = "policy_packs"


class ConfirmedAlert(Base):
    """Screening's confirmed alerts (screening.alert.v1): a guarantee-related one after the township's
    check says the guarantee is not secured."""

    __tablename__ = "confirmed_alerts"

    alert_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    household_id: Mapped[uuid.UUID] = mapped_column(index=True)
    rule: Mapped[str] = mapped_column(String(60))
    explanation: Mapped[str] = mapped_column(Text)
    confirmed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
