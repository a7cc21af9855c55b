import datetime as dt
import uuid

from sqlalchemy import Boolean, Date, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from common.db import stamped
from screening.schema import Base


class RegionalRisk(Base):
    """A raised scale-level risk; one per region, kind and window, so a repeated scan raises nothing new."""

    __tablename__ = "regional_risks"
    __table_args__ = (Index(None, "region_code", "kind", "window_end", unique=True),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    region_code: Mapped[str] = mapped_column(String(9))
    kind: Mapped[str] = mapped_column(String(30))
    window_start: Mapped[dt.date] = mapped_column(Date)
    window_end: Mapped[dt.date] = mapped_column(Date)
    figures: Mapped[dict] = mapped_column(JSONB)
    explanation: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[dt.datetime] = stamped()


class RegionalRecord(Base):
    """A record about a region rather than a household (防止规模性返贫: 大宗农副产品价格持续大幅下跌、乡村产业项目
    失败、扶贫资产流失): a farm product's price observed in a county or township, a village industry project's
    status. (source, record_id) identifies it; a higher revision supersedes, the same one again is a duplicate.
    Kept, never deleted."""

    __tablename__ = "regional_records"
    __table_args__ = (
        UniqueConstraint("source", "record_id", "revision"),
        Index("ix_regional_records_scan", "kind", "observed_on", "region_code"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    source: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(100))
    revision: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))  # price | project
    region_code: Mapped[str] = mapped_column(String(12))
    observed_on: Mapped[dt.date] = mapped_column(Date)
    facts: Mapped[dict] = mapped_column(JSONB)
    superseded: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    received_by: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[dt.datetime] = stamped()
