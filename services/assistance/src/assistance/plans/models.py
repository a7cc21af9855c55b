"""Plans (一户一策) and their measures."""

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from assistance.schema import Base, ObjectionColumns
from common.db import stamped


class Plan(Base):
    """One household's plan for one monitoring case (一户一策)."""

    __tablename__ = "plans"
    __table_args__ = (Index("ix_plans_queue", "state", "region_code"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    household_id: Mapped[uuid.UUID] = mapped_column(index=True)
    region_code: Mapped[str] = mapped_column(String(12))
    # draft [-> village_reviewed -> in_public_notice] -> approved -> closed, or excluded
    state: Mapped[str] = mapped_column(String(20))
    risks: Mapped[list[str]] = mapped_column(JSONB)
    labour: Mapped[str] = mapped_column(String(10))
    weak_motivation: Mapped[bool] = mapped_column(Boolean)
    excluded_reason: Mapped[str | None] = mapped_column(String(40))
    excluded_note: Mapped[str | None] = mapped_column(Text)
    # Not-assisted findings (the pack's `not_assisted`): what each excludes, who found it, on which pack.
    not_assisted: Mapped[list[dict]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    # The measures' village review and public notice, where the jurisdiction's pack has them.
    review: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    notice_published_on: Mapped[dt.date | None] = mapped_column(Date)
    notice_until: Mapped[dt.date | None] = mapped_column(Date)
    notice_until_assumed: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = stamped()
    updated_at: Mapped[dt.datetime] = stamped()


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
    updated_at: Mapped[dt.datetime] = stamped()
    # A measure is never deleted: taken out of a draft, it is withdrawn with who and why.
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_by: Mapped[str | None] = mapped_column(String(200))
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)


class PlanObjection(ObjectionColumns, Base):
    """An objection filed during the measures' public notice, and how it was resolved."""

    __tablename__ = "plan_objections"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plans.id"), index=True)
    # The day (China Standard Time) it was resolved: an upheld one's is the earliest a new review may be held.
    resolved_on: Mapped[dt.date | None] = mapped_column(Date)


IN_FORCE = PlanMeasure.withdrawn_at.is_(None)  # every query of a plan's measures filters by it
