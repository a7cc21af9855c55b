"""All ledger tables, imported together so Alembic and the mappers see the whole schema."""

from ledger.checkpoints.models import Checkpoint
from ledger.entries.models import Entry, TreeNode
from ledger.exports.models import NationalExport, NationalExportAck
from ledger.mechanisms import dead_letters, idempotency, inbox, outbox
from ledger.schema import Base

__all__ = [
    "Base",
    "Checkpoint",
    "Entry",
    "NationalExport",
    "NationalExportAck",
    "TreeNode",
    "dead_letters",
    "idempotency",
    "inbox",
    "outbox",
]
