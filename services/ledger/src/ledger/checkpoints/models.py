"""Signed checkpoints of the log (append-only, like the entries)."""

import datetime as dt

from sqlalchemy import BigInteger, DateTime, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ledger.schema import Base


class Checkpoint(Base):
    """A signed statement of the tree: its size and root hash at a time (Ed25519). `note` is the C2SP
    signed checkpoint; rows signed before notes have none and carry the older text statement's signature."""

    __tablename__ = "checkpoints"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    tree_size: Mapped[int] = mapped_column(BigInteger, index=True)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary)
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    key_id: Mapped[str] = mapped_column(String(64))
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    note: Mapped[str | None] = mapped_column(Text)
