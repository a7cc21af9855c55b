"""What intake keeps of other services' events: the departments' lists (assistance.department-list.v1), so
that the resident IDs behind a list are answered for the households on it and for no other; and civil
affairs' 低保/特困 enrolments (dept.civil-affairs.v1), so that a cadre's word on them is checked."""

import datetime as dt
import uuid

from sqlalchemy import Boolean, Date, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from common.db import stamped
from intake.schema import Base


class DepartmentListing(Base):
    """A household's entry on a department's list, per plan, as assistance last sent it (`listed: false` once
    nothing concerns the department any longer). Kept, never deleted."""

    __tablename__ = "department_listings"

    department: Mapped[str] = mapped_column(String(40), primary_key=True)
    household_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    plan_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    region_code: Mapped[str] = mapped_column(String(12))
    listed: Mapped[bool] = mapped_column(Boolean)
    # The entry's own instant: an older entry delivered late does not undo a newer one.
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[dt.datetime] = stamped()


class SocialFloorEnrolment(Base):
    """A person's 低保 or 特困 enrolment as civil affairs last reported it (dept.civil-affairs.v1), by the blind
    index of their resident ID: the feed against which a cadre's word that a household is enrolled is checked
    (仲恺 limits the asset query to households that are not). Updated in place by newer records, never deleted."""

    __tablename__ = "social_floor_enrolments"

    id_index: Mapped[str] = mapped_column(String(64), primary_key=True)
    programme: Mapped[str] = mapped_column(String(10), primary_key=True)  # dibao, tekun
    enrolled: Mapped[bool] = mapped_column(Boolean)
    event_date: Mapped[dt.date] = mapped_column(Date)
    received_at: Mapped[dt.datetime] = stamped()
