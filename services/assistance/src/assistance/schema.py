"""Assistance's database schema: the declarative base of its tables, and of the shared mechanisms' tables
that live beside them (mechanisms.py); and the columns every objection to a public notice has (the notice
itself: mechanisms.notice)."""

import datetime as dt

from sqlalchemy import String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from common.db import schema_metadata, stamped


class Base(DeclarativeBase):
    metadata = schema_metadata("assistance")


class ObjectionColumns:
    """An objection filed during a public notice (of the measures, of a risk elimination) and how it was
    resolved; each table adds the link to what was noticed."""

    text: Mapped[str] = mapped_column(Text)
    filed_by: Mapped[str] = mapped_column(String(200))
    filed_at: Mapped[dt.datetime] = stamped()
    resolution: Mapped[str | None] = mapped_column(String(20))  # upheld | dismissed
    resolution_note: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[str | None] = mapped_column(String(200))
