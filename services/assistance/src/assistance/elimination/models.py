"""Risk eliminations (风险消除) and the objections filed during their notice."""

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from assistance.schema import Base, ObjectionColumns
from common.db import stamped


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
    created_at: Mapped[dt.datetime] = stamped()
    updated_at: Mapped[dt.datetime] = stamped()


class EliminationObjection(ObjectionColumns, Base):
    __tablename__ = "elimination_objections"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    elimination_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("eliminations.id"), index=True)
