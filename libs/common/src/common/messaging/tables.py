"""Tables every service keeps in its own schema (and its own Alembic migrations own)."""

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID


def outbox_table(metadata: MetaData) -> Table:
    return Table(
        "outbox",
        metadata,
        Column("seq", BigInteger, primary_key=True, autoincrement=True),
        Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
        Column("topic", String(200), nullable=False),
        Column("key", String(200), nullable=True),
        Column("value", LargeBinary, nullable=False),
        # True: `value` is AES-GCM ciphertext (events that carry a plaintext identifier); the relay decrypts.
        Column("encrypted", Boolean, nullable=False, server_default=text("false")),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("claimed_until", DateTime(timezone=True), nullable=True),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column("last_error", Text, nullable=True),
        Column("sent_at", DateTime(timezone=True), nullable=True),
        Index(None, "seq", postgresql_where=text("sent_at IS NULL")).ddl_if(dialect="postgresql"),
    )


def inbox_table(metadata: MetaData) -> Table:
    # CloudEvents ids are unique per source, so (source, id) identifies an event.
    return Table(
        "inbox",
        metadata,
        Column("source", String(200), nullable=False),
        Column("event_id", String(200), nullable=False),
        Column("topic", String(200), nullable=False),
        Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        PrimaryKeyConstraint("source", "event_id"),
    )


def dead_letter_table(metadata: MetaData) -> Table:
    """What a consumer could neither apply nor publish to its dead-letter topic (a message larger than the
    broker takes, a topic refusing writes): kept here with its reason so the partition moves on and nothing
    is lost. The value is kept encrypted where the service holds the encryption key (it may carry a resident
    ID in clear), else only its digest: the message is still on its topic at that offset."""
    return Table(
        "dead_letters",
        metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("group_id", String(200), nullable=False),
        Column("topic", String(200), nullable=False),
        Column("partition", Integer, nullable=False),
        Column("offset", BigInteger, nullable=False),
        Column("key", String(200), nullable=True),
        Column("size", Integer, nullable=False),
        Column("sha256", String(64), nullable=False),
        Column("value", LargeBinary, nullable=True),
        Column("reason", Text, nullable=False),
        Column("failed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        UniqueConstraint("group_id", "topic", "partition", "offset"),
    )


def create_dead_letter_table(connection: Any, schema: str) -> None:
    """The dead_letters table as each service's migration creates it: from the one definition above."""
    from common.db import schema_metadata

    dead_letter_table(schema_metadata(schema)).create(connection)


def idempotency_table(metadata: MetaData) -> Table:
    return Table(
        "idempotency_keys",
        metadata,
        Column("principal", String(200), nullable=False),
        Column("key", String(200), nullable=False),
        Column("fingerprint", String(64), nullable=False),
        Column("status_code", SmallInteger, nullable=False),
        Column("body", JSONB, nullable=True),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        PrimaryKeyConstraint("principal", "key"),
    )


def outbox_notify_ddl(schema: str) -> list[str]:
    """A statement-level trigger that wakes the relay when outbox rows commit (NOTIFY is transactional, and
    PostgreSQL folds repeats within a transaction), so writers pay no extra round trip for it."""
    return [
        f"""CREATE FUNCTION "{schema}".notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_notify('outbox_{schema}', ''); RETURN NULL; END $$""",
        f"""CREATE TRIGGER outbox_notify AFTER INSERT ON "{schema}".outbox
            FOR EACH STATEMENT EXECUTE FUNCTION "{schema}".notify_outbox()""",
    ]


def outbox_notify_drop_ddl(schema: str) -> list[str]:
    return [f'DROP TRIGGER outbox_notify ON "{schema}".outbox', f'DROP FUNCTION "{schema}".notify_outbox()']
