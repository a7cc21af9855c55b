"""Assistance's tables. For now: the monitored households awaiting a plan (from intake's case events)."""

import datetime as dt
import uuid

from sqlalchemy import DateTime, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from assistance.base import Base, idempotency, inbox, outbox


class MonitoredCase(Base):
    __tablename__ = "monitored_cases"

    case_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    household_id: Mapped[uuid.UUID] = mapped_column(index=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    object_type: Mapped[str | None] = mapped_column(String(30))
    risks: Mapped[list[dict]] = mapped_column(JSONB)
    approved_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


__all__ = ["Base", "MonitoredCase", "idempotency", "inbox", "outbox"]
