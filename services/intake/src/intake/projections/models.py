"""What intake keeps of other services' events: the departments' lists (assistance.department-list.v1), so
that the resident IDs behind a list are answered for the households on it and for no other."""

import datetime as dt
import uuid

from sqlalchemy import Boolean, DateTime, String
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
