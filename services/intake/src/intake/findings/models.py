"""Findings of false information (查实故意隐瞒或提供虚假、伪造材料): recorded, never deleted."""

import datetime as dt
import uuid

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from common.db import stamped
from intake.schema import Base


class FalseInformationFinding(Base):
    """A finding that the household hid or falsified information, and the day until which it may not apply
    to be monitored again (the jurisdiction's pack; None where its documents state no bar)."""

    __tablename__ = "false_information_findings"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("households.id"), index=True)
    region_code: Mapped[str] = mapped_column(String(12))
    case_id: Mapped[uuid.UUID | None] = mapped_column()
    found_on: Mapped[dt.date] = mapped_column(Date)
    what: Mapped[str] = mapped_column(String(500))
    barred_until: Mapped[dt.date | None] = mapped_column(Date)  # the last day a declaration is refused
    policy: Mapped[str] = mapped_column(String(120))
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime] = stamped()
