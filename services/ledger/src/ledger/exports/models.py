"""What was exported to the national monitoring information system, and what it acknowledged: both kept
for good (append-only, like the log), so an inspection sees every batch that left and its answer."""

import datetime as dt
import uuid

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from common.db import stamped
from ledger.schema import Base


class NationalExport(Base):
    """A batch: the households of a region whose record changed in the log between two leaves."""

    __tablename__ = "national_exports"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    region_prefix: Mapped[str] = mapped_column(String(12), index=True)
    after_leaf: Mapped[int] = mapped_column(BigInteger)  # exclusive
    through_leaf: Mapped[int] = mapped_column(BigInteger)  # inclusive
    records: Mapped[int] = mapped_column(Integer)
    exported_by: Mapped[str] = mapped_column(String(200))
    exported_at: Mapped[dt.datetime] = stamped()


class NationalExportAck(Base):
    """The national system's answer to a batch, as the officer who entered it records it."""

    __tablename__ = "national_export_acks"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    export_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("national_exports.id"), index=True)
    accepted: Mapped[int] = mapped_column(Integer)
    rejected: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    acknowledged_by: Mapped[str] = mapped_column(String(200))
    acknowledged_at: Mapped[dt.datetime] = stamped()
