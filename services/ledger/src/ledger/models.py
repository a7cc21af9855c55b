"""Ledger's tables. `entries` is append-only: the database itself refuses UPDATE and DELETE on it."""

import datetime as dt

from sqlalchemy import BigInteger, DateTime, Index, Integer, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from ledger.base import Base, idempotency, inbox, outbox


class Entry(Base):
    """One consumed event, exactly once, in arrival order."""

    __tablename__ = "entries"
    __table_args__ = (
        Index(None, "source", "event_id", unique=True),
        Index(None, "subject", "seq"),
        Index(None, "topic", "seq"),
    )

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(200))
    event_id: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(200))
    time: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    partition: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dict] = mapped_column(JSONB)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


__all__ = ["Base", "Entry", "idempotency", "inbox", "outbox"]
