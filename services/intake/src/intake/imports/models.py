"""An import job and its per-row report. The job is the file (kept by its SHA-256 in the attachment store)
and how far it got: `next_row` moves with each batch's commit, so a run stopped half-way continues from
there and a household is never applied twice."""

import datetime as dt
import uuid

from sqlalchemy import ARRAY, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from common.db import stamped
from intake.schema import Base


class ImportJob(Base):
    __tablename__ = "import_jobs"
    # The same file from the same jurisdiction is one job: sent again, it answers the job (and continues it
    # if it was stopped). Another jurisdiction's job of the same file is its own, and never named to it.
    __table_args__ = (Index(None, "file_sha256", "regions", unique=True),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    file_sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    # The uploader's jurisdiction: a row outside it is refused, and only those covering it see the job.
    regions: Mapped[list[str]] = mapped_column(ARRAY(String(12)))
    created_by: Mapped[str] = mapped_column(String(200))
    actor_role: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(20), server_default="queued")  # queued | running | done | failed
    total_rows: Mapped[int | None] = mapped_column(Integer)
    next_row: Mapped[int] = mapped_column(Integer, server_default="2")  # the first row not yet applied
    households_imported: Mapped[int] = mapped_column(Integer, server_default="0")
    households_unchanged: Mapped[int] = mapped_column(Integer, server_default="0")
    rows_refused: Mapped[int] = mapped_column(Integer, server_default="0")
    failure_zh: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = stamped()
    updated_at: Mapped[dt.datetime] = stamped()
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ImportRow(Base):
    """What became of a row: `imported` (its household was registered with its history), `unchanged` (the
    household is here already, from this file or an earlier one) or `refused`, with the reason in Chinese."""

    __tablename__ = "import_rows"
    __table_args__ = (Index(None, "job_id", "row", unique=True), Index(None, "job_id", "outcome", "row"))

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("import_jobs.id"))
    row: Mapped[int] = mapped_column(Integer)
    household_no: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(10))
    reason_zh: Mapped[str | None] = mapped_column(Text)
    household_id: Mapped[uuid.UUID | None] = mapped_column()
