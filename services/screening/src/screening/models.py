"""Screening's tables. For now: the registry of households and member blind indexes that department
records are matched against (kept from intake's household events)."""

import datetime as dt
import uuid

from sqlalchemy import DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from screening.base import Base, idempotency, inbox, outbox
from screening.policies.models import Policy


class KnownHousehold(Base):
    __tablename__ = "known_households"

    household_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class KnownMember(Base):
    __tablename__ = "known_members"

    member_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("known_households.household_id"), index=True)
    id_index: Mapped[str] = mapped_column(String(64), index=True)
    active: Mapped[bool] = mapped_column()


__all__ = [
    "Base",
    "DeptRecord",
    "IngestKey",
    "KnownHousehold",
    "KnownMember",
    "Policy",
    "Upload",
    "idempotency",
    "inbox",
    "outbox",
]


from screening.feeds.models import DeptRecord, IngestKey, Upload  # noqa: E402  (after the tables they refer to)
