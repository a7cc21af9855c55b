"""entry trace: the trace id an event was written in, beside the entry (outside its hashed body).

Revision ID: 3a7e5c9b1d28
Revises: 8f3b2d6a9c14
Create Date: 2026-11-27 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3a7e5c9b1d28"
down_revision: str | None = "8f3b2d6a9c14"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("entries", sa.Column("trace_id", sa.String(32), nullable=True), schema="ledger")
    op.create_index("ix_ledger_entries_trace_id", "entries", ["trace_id"], schema="ledger")


def downgrade() -> None:
    op.drop_index("ix_ledger_entries_trace_id", "entries", schema="ledger")
    op.drop_column("entries", "trace_id", schema="ledger")
