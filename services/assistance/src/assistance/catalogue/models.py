"""A jurisdiction's own measures, beside the shipped catalogue."""

import datetime as dt

from sqlalchemy import String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from assistance.schema import Base
from common.db import stamped


class MeasureExtension(Base):
    """A jurisdiction's own measure, beside the shipped catalogue."""

    __tablename__ = "measure_extensions"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    region_prefix: Mapped[str] = mapped_column(String(12), index=True)
    measure_class: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    zh: Mapped[str] = mapped_column(String(200))
    en: Mapped[str] = mapped_column(String(200))
    department: Mapped[str] = mapped_column(String(200))
    addresses: Mapped[list[str]] = mapped_column(JSONB)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = stamped()
