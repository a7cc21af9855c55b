"""Subscriptions of other registries to the households' monitoring status (the DCI social-registry
gateway), and the notifications queued for them."""

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, text
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
    reference_id: Mapped[str] = mapped_column(String(99))
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


class RegistryReference(Base):
    """A request's `reference_id`, once per sender and action: the same one again is answered
    `rjct.reference_id.duplicate`, never applied twice. An empty reference_id (the standard's samples send
    one) is not kept."""

    __tablename__ = "registry_references"

    sender_id: Mapped[str] = mapped_column(String(99), primary_key=True)
    action: Mapped[str] = mapped_column(String(30), primary_key=True)
    reference_id: Mapped[str] = mapped_column(String(99), primary_key=True)
    correlation_id: Mapped[uuid.UUID] = mapped_column()
    created_at: Mapped[dt.datetime] = stamped()


DUE = "callback_uri IS NOT NULL AND delivered_at IS NULL AND withheld_at IS NULL"


class RegistryTransaction(Base):
    """A DCI request received (search, subscribe, unsubscribe, txn-status), its `correlation_id` the row's id:
    read by a transaction-status request, and, for an asynchronous one, the answer waiting for its delivery
    to `callback_uri` (the sender's `sender_uri`). A search keeps its request, never its records: its answer
    is made when it is sent (under the consents then in force, an audited read) and made anew for a status."""

    __tablename__ = "registry_transactions"
    __table_args__ = (
        UniqueConstraint("sender_id", "message_id", name="uq_registry_transactions_message"),
        Index("ix_registry_transactions_txn", "sender_id", "transaction_id"),
        Index("ix_registry_transactions_due", "next_attempt_at", postgresql_where=text(DUE)),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)  # the correlation_id
    sender_id: Mapped[str] = mapped_column(String(99))
    message_id: Mapped[str] = mapped_column(String(99))
    transaction_id: Mapped[str] = mapped_column(String(99))
    action: Mapped[str] = mapped_column(String(30))
    principal: Mapped[dict[str, Any]] = mapped_column(JSONB)  # the caller, whose jurisdiction the answer keeps to
    # The message as validated, encrypted: a search's query may hold a resident ID (never kept in clear).
    request_cipher: Mapped[bytes] = mapped_column(LargeBinary)
    answer: Mapped[dict[str, Any] | None] = mapped_column(JSONB)  # subscribe, unsubscribe: their result
    callback_uri: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = stamped()
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    next_attempt_at: Mapped[dt.datetime] = stamped()
    delivered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    withheld_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
