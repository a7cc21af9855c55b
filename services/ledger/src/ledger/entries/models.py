"""The log: its entries (the leaves) and the hashes of its perfect subtrees.
Append-only: the database itself refuses UPDATE, DELETE and TRUNCATE on them."""

import datetime as dt

from sqlalchemy import BigInteger, DateTime, Index, Integer, LargeBinary, SmallInteger, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from common.db import stamped
from ledger.schema import Base


class Entry(Base):
    """One consumed event, exactly once, in arrival order: leaf `leaf_index` of the tree, whose hash is
    over `body`, the event's canonical encoding (the authoritative content; `data` is its searchable copy)."""

    __tablename__ = "entries"
    __table_args__ = (
        Index(None, "source", "event_id", unique=True),
        Index(None, "subject", "seq"),
        Index(None, "topic", "seq"),
        Index(None, "leaf_index", unique=True),
        Index(
            "ix_entries_access_actor",
            text("(data->>'actor')"),
            "time",
            postgresql_where=text("type = 'audit.access.recorded'"),
        ),
        Index(
            "ix_entries_access_household",
            text("(data->>'household_id')"),
            "time",
            postgresql_where=text("type = 'audit.access.recorded'"),
        ),
    )

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(200))
    event_id: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(200))
    time: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    partition: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dict] = mapped_column(JSONB)
    recorded_at: Mapped[dt.datetime] = stamped()
    leaf_index: Mapped[int] = mapped_column(BigInteger)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary)
    # The trace the event was written in (its traceparent's trace id): served, so hashed in the body too
    # (entries appended before that carry it only here; verify counts them). `partition` is never written.
    trace_id: Mapped[str | None] = mapped_column(String(32), index=True)


class TreeNode(Base):
    """A perfect subtree's hash (level >= 1; level 0 is the entry's leaf hash), kept so proofs are cheap."""

    __tablename__ = "tree_nodes"

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    hash: Mapped[bytes] = mapped_column(LargeBinary)
