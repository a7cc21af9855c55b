"""Assistance's database schema: the declarative base of its tables, and of the shared mechanisms' tables
that live beside them (mechanisms.py); and the columns every objection to a public notice has."""

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import String, Text, func, select
from sqlalchemy.ext.asyncio import AsyncSession
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


async def unresolved_objections(session: AsyncSession, link: Any, noticed: uuid.UUID) -> int:
    """How many objections to a notice are not resolved yet; `link` is the objection table's column naming
    what was noticed (a step after the notice waits for none)."""
    model = link.class_
    q = select(func.count()).select_from(model).where(link == noticed, model.resolution.is_(None))
    return int((await session.execute(q)).scalar_one())
