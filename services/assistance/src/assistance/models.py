"""Assistance's tables: what it knows from other services (cases, households, income, policy lines), the
plans and their measures, the township's records (monthly income, guarantees), and risk elimination."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from assistance.base import Base, idempotency, inbox, outbox


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
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class KnownHousehold(Base):
    """Members' facts (labour capacity) from intake's household events: no identifiers."""

    __tablename__ = "known_households"

    household_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    region_code: Mapped[str] = mapped_column(String(12))
    version: Mapped[int] = mapped_column(Integer)
    members: Mapped[list[dict]] = mapped_column(JSONB)


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
    """Monitoring lines from screening's policy versions (screening.policy.v1)."""

    __tablename__ = "policy_lines"

    region_prefix: Mapped[str] = mapped_column(String(12), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    effective_from: Mapped[dt.date] = mapped_column(Date)
    monitoring_line: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    rigid_expense_ratio: Mapped[Decimal] = mapped_column(Numeric(8, 4))


class IncomeMonth(Base):
    """Per-capita disposable income of one month, as the township's follow-up records it (帮扶台账)."""

    __tablename__ = "income_months"

    household_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)  # the first day of the month
    per_capita: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ConfirmedAlert(Base):
    """Screening's confirmed alerts (screening.alert.v1): a guarantee-related one after the township's
    check says the guarantee is not secured."""

    __tablename__ = "confirmed_alerts"

    alert_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    household_id: Mapped[uuid.UUID] = mapped_column(index=True)
    rule: Mapped[str] = mapped_column(String(60))
    explanation: Mapped[str] = mapped_column(Text)
    confirmed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


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
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class MeasureExtension(Base):
    """A jurisdiction's own measure, beside the shipped catalogue."""

    __tablename__ = "measure_extensions"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    region_prefix: Mapped[str] = mapped_column(String(12), index=True)
    measure_class: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    zh: Mapped[str] = mapped_column(String(200))
    en: Mapped[str] = mapped_column(String(200))
    department: Mapped[str] = mapped_column(String(200))
    addresses: Mapped[list[str]] = mapped_column(JSONB)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Plan(Base):
    """One household's plan for one monitoring case (一户一策)."""

    __tablename__ = "plans"
    __table_args__ = (Index("ix_plans_queue", "state", "region_code"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    household_id: Mapped[uuid.UUID] = mapped_column(index=True)
    region_code: Mapped[str] = mapped_column(String(12))
    state: Mapped[str] = mapped_column(String(20))  # draft | approved | excluded | closed
    risks: Mapped[list[str]] = mapped_column(JSONB)
    labour: Mapped[str] = mapped_column(String(10))
    weak_motivation: Mapped[bool] = mapped_column(Boolean)
    excluded_reason: Mapped[str | None] = mapped_column(String(40))
    excluded_note: Mapped[str | None] = mapped_column(Text)
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class PlanMeasure(Base):
    __tablename__ = "plan_measures"
    __table_args__ = (Index("ix_plan_measures_due", "status", "due_date"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plans.id"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(Text)
    risks: Mapped[list[str]] = mapped_column(JSONB)
    recommended: Mapped[bool] = mapped_column(Boolean)
    responsible_unit: Mapped[str | None] = mapped_column(String(200))
    responsible_cadre: Mapped[str | None] = mapped_column(String(200))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), server_default=text("'planned'"))
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    implemented_on: Mapped[dt.date | None] = mapped_column(Date)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # A measure is never deleted: taken out of a draft, it is withdrawn with who and why.
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_by: Mapped[str | None] = mapped_column(String(200))
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)


IN_FORCE = PlanMeasure.withdrawn_at.is_(None)  # every query of a plan's measures filters by it


class Elimination(Base):
    """The risk-elimination procedure for a plan: village review, notice, township acceptance, county."""

    __tablename__ = "eliminations"
    __table_args__ = (
        Index(
            "uq_eliminations_open_per_plan",
            "plan_id",
            unique=True,
            postgresql_where=text("state NOT IN ('approved', 'rejected')"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plans.id"))
    household_id: Mapped[uuid.UUID] = mapped_column(index=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    state: Mapped[str] = mapped_column(String(30))
    evaluation: Mapped[dict[str, Any]] = mapped_column(JSONB)
    review: Mapped[dict[str, Any]] = mapped_column(JSONB)
    notice_published_on: Mapped[dt.date | None] = mapped_column(Date)
    notice_until: Mapped[dt.date | None] = mapped_column(Date)
    notice_until_assumed: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    acceptance: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    accepted_by: Mapped[str | None] = mapped_column(String(200))
    approval_no: Mapped[str | None] = mapped_column(String(100))
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approved_on: Mapped[dt.date | None] = mapped_column(Date)
    rejected_reason: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class EliminationObjection(Base):
    __tablename__ = "elimination_objections"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    elimination_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("eliminations.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    filed_by: Mapped[str] = mapped_column(String(200))
    filed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    resolution: Mapped[str | None] = mapped_column(String(20))  # upheld | dismissed
    resolution_note: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[str | None] = mapped_column(String(200))


__all__ = [
    "Base",
    "ConfirmedAlert",
    "Elimination",
    "EliminationObjection",
    "GuaranteeCheck",
    "IncomeMonth",
    "KnownHousehold",
    "KnownIncome",
    "MeasureExtension",
    "MonitoredCase",
    "Plan",
    "PlanMeasure",
    "PolicyLine",
    "idempotency",
    "inbox",
    "outbox",
]
