import datetime as dt
import uuid

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from common.db import stamped
from intake.schema import Base

OPEN_CASE = text("state NOT IN ('monitored', 'rejected')")


class Case(Base):
    """An identification case: one household taken through the identification procedure (识别程序) of
    《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021)."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("uq_cases_open_per_household", "household_id", unique=True, postgresql_where=OPEN_CASE),
        Index("ix_cases_queue", "state", "region_code", "created_at"),
        Index("ix_cases_region_prefix", "region_code", postgresql_ops={"region_code": "text_pattern_ops"}),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("households.id"), index=True)
    region_code: Mapped[str] = mapped_column(String(12))
    state: Mapped[str] = mapped_column(String(30))
    channels: Mapped[list[str]] = mapped_column(ARRAY(String(30)))
    object_type: Mapped[str | None] = mapped_column(String(30))
    risks: Mapped[list[dict]] = mapped_column(JSONB)
    weak_motivation: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    consent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("consents.id"))
    alert_ids: Mapped[list[str]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    declared_by: Mapped[str] = mapped_column(String(200))
    verified_by: Mapped[str | None] = mapped_column(String(200))
    notice_published_on: Mapped[dt.date | None] = mapped_column(Date)
    notice_ends_on: Mapped[dt.date | None] = mapped_column(Date)
    notice_calendar_assumed: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = stamped()
    updated_at: Mapped[dt.datetime] = stamped()

    # Optimistic locking: two officers acting on one case at once cannot both win.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it as a class attribute)


class CaseStep(Base):
    """Append-only record of every transition, with the step's own form data."""

    __tablename__ = "case_steps"
    __table_args__ = (Index(None, "case_id", "seq", unique=True),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(30))
    to_state: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(200))
    actor_role: Mapped[str] = mapped_column(String(30))
    data: Mapped[dict] = mapped_column(JSONB)
    at: Mapped[dt.datetime] = stamped()


class Objection(Base):
    __tablename__ = "objections"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    summary: Mapped[str] = mapped_column(Text)
    raised_on: Mapped[dt.date] = mapped_column(Date)
    filed_by: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), server_default="pending")
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[str | None] = mapped_column(String(200))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = stamped()
