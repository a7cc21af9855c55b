"""All ledger tables, imported together so Alembic and the mappers see the whole schema."""

from ledger.base import Base, idempotency, inbox, outbox
from ledger.checkpoints.models import Checkpoint
from ledger.entries.models import Entry, TreeNode

__all__ = ["Base", "Checkpoint", "Entry", "TreeNode", "idempotency", "inbox", "outbox"]
