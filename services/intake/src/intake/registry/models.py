"""Subscriptions of other registries to the households' monitoring status (the DCI social-registry
gateway), and the notifications queued for them."""

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from common.db import stamped
from intake.schema import Base


class RegistrySubscription(Base):
    """A registry's subscription (DCI `subscribe`): which events, within which part of its jurisdiction, to
    which notify URI. Ended, never deleted (`unsubscribe`)."""

    __tablename__ = "registry_subscriptions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)  # the subscription_code
    subscriber: Mapped[str] = mapped_column(String(200))  # the token's subject
    subscriber_role: Mapped[str] = mapped_column(String(30))
    department: Mapped[str | None] = mapped_column(String(40))
    region_prefix: Mapped[str] = mapped_column(String(12))
    event_types: Mapped[list[str]] = mapped_column(ARRAY(String(40)))
    notify_uri: Mapped[str] = mapped_column(String(500))
    reference_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = stamped()
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    ended_by: Mapped[str | None] = mapped_column(String(200))


class RegistryNotice(Base):
    """A notification (DCI `notify`) waiting for, or done with, its delivery to the subscriber."""

    __tablename__ = "registry_notices"
    __table_args__ = (
        Index("ix_registry_notices_due", "next_attempt_at", postgresql_where=text("delivered_at IS NULL")),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    subscription_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("registry_subscriptions.id"), index=True)
    household_id: Mapped[uuid.UUID] = mapped_column(index=True)
    region_code: Mapped[str] = mapped_column(String(12))
    event_type: Mapped[str] = mapped_column(String(40))
    record: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[dt.datetime] = stamped()
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    next_attempt_at: Mapped[dt.datetime] = stamped()
    delivered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # Withheld: the household's consent was revoked or lapsed before delivery (nothing is sent).
    withheld_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
