import datetime as dt
import uuid

from sqlalchemy import Boolean, Date, Index, Integer, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from common.db import stamped
from screening.schema import Base

OPEN_STATES = ("open", "verifying")


class Alert(Base):
    """A rule's finding about a household, routed to its village and township for verification.
    At most one open alert per household and rule: new evidence updates it, and may escalate its grade."""

    __tablename__ = "alerts"
    __table_args__ = (
        Index(
            "uq_alerts_open_per_rule",
            "household_id",
            "rule",
            unique=True,
            postgresql_where=text("state IN ('open', 'verifying')"),
        ),
        Index("ix_alerts_queue", "state", "region_code", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    household_id: Mapped[uuid.UUID] = mapped_column()
    region_code: Mapped[str] = mapped_column(String(12))
    rule: Mapped[str] = mapped_column(String(60))
    category: Mapped[str] = mapped_column(String(30))
    grade: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20))
    explanation: Mapped[str] = mapped_column(Text)
    explanation_zh: Mapped[str] = mapped_column(Text, server_default="")  # '' for alerts raised before it
    evidence: Mapped[list[str]] = mapped_column(JSONB)
    policy_id: Mapped[uuid.UUID | None] = mapped_column()  # None: no policy of the region at all
    # "published": the year's own policy; "assumed": the latest earlier year's line, none being published for
    # the year; "none": no policy at all, so only the rules that do not judge by the income line ran.
    policy_basis: Mapped[str] = mapped_column(String(20), server_default=text("'published'"))
    verify_by: Mapped[dt.date] = mapped_column(Date)
    verify_by_assumed: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = stamped()
    updated_at: Mapped[dt.datetime] = stamped()
