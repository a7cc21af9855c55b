import datetime as dt
import uuid

from sqlalchemy import Date, DateTime, Index, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

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
    raised_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
