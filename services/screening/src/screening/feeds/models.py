import datetime as dt
import uuid

from sqlalchemy import Date, ForeignKey, Index, Integer, LargeBinary, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from common.db import stamped
from screening.schema import Base


class DeptRecord(Base):
    """A department record as received: every revision kept, the latest current, matched to a household when
    its resident ID belongs to a registered member (until then it waits in the unmatched queue)."""

    __tablename__ = "dept_records"
    __table_args__ = (
        Index(None, "department", "record_id", "revision", unique=True),
        Index("ix_dept_records_unmatched", "id_index", postgresql_where=text("household_id IS NULL")),
        Index(None, "household_id", "event_date"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    department: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(100))
    revision: Mapped[int] = mapped_column(Integer)
    event_date: Mapped[dt.date] = mapped_column(Date)
    id_index: Mapped[str] = mapped_column(String(64))
    id_cipher: Mapped[bytes] = mapped_column(LargeBinary)
    id_masked: Mapped[str] = mapped_column(String(18))
    facts: Mapped[dict] = mapped_column(JSONB)
    household_id: Mapped[uuid.UUID | None] = mapped_column()
    superseded: Mapped[bool] = mapped_column(server_default=text("false"))
    event_id: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[dt.datetime] = stamped()


class IngestKey(Base):
    """Records accepted over REST, so a re-sent record is answered "duplicate" at once."""

    __tablename__ = "ingest_keys"

    department: Mapped[str] = mapped_column(String(40), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, primary_key=True)
    accepted_at: Mapped[dt.datetime] = stamped()


class Upload(Base):
    """A bulk upload's progress, committed as it goes, readable while the upload runs."""

    __tablename__ = "uploads"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    department: Mapped[str] = mapped_column(String(40))
    uploaded_by: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    rows: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    accepted: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    duplicate: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    rejected: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    started_at: Mapped[dt.datetime] = stamped()
    updated_at: Mapped[dt.datetime] = stamped()
    kind: Mapped[str | None] = mapped_column(String(80))
    encoding: Mapped[str | None] = mapped_column(String(20))
    failure: Mapped[str | None] = mapped_column(Text)
    failure_zh: Mapped[str | None] = mapped_column(Text)  # the same, for the department's staff


class UploadRow(Base):
    """Each row's outcome, kept for paging (`GET /feeds/uploads/{id}/rows`): an upload's answer is capped."""

    __tablename__ = "upload_rows"

    upload_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("uploads.id"), primary_key=True)
    row: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    reason_zh: Mapped[str | None] = mapped_column(Text)  # the same, for the department's staff
