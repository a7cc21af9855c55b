import datetime as dt
import uuid

from sqlalchemy import Date, DateTime, Index, String, Text, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from common.db import stamped
from screening.schema import Base


class ConsentView(Base):
    """What screening knows of a household's commitment and authorization (from intake's consent events)."""

    __tablename__ = "consents"

    consent_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    household_id: Mapped[uuid.UUID] = mapped_column(index=True)
    scopes: Mapped[list[str]] = mapped_column(ARRAY(String(40)))
    expires_on: Mapped[dt.date] = mapped_column(Date)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class AssetCheck(Base):
    """A family economic-status check asked of civil affairs: requested -> completed, or cancelled."""

    __tablename__ = "asset_checks"
    __table_args__ = (
        Index("uq_asset_checks_pending", "household_id", unique=True, postgresql_where=text("state = 'requested'")),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    household_id: Mapped[uuid.UUID] = mapped_column(index=True)
    region_code: Mapped[str] = mapped_column(String(12))
    consent_id: Mapped[uuid.UUID] = mapped_column()
    state: Mapped[str] = mapped_column(String(20))
    result: Mapped[dict | None] = mapped_column(JSONB)
    record_ref: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    requested_at: Mapped[dt.datetime] = stamped()
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
