"""checkpoint_notes: checkpoints are C2SP signed notes, kept as signed.

Revision ID: 5a1c0e7f2b90
Revises: c8b1ddae462b
Create Date: 2026-11-27 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5a1c0e7f2b90"
down_revision: str | None = "c8b1ddae462b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("checkpoints", sa.Column("note", sa.Text(), nullable=True), schema="ledger")


def downgrade() -> None:
    op.drop_column("checkpoints", "note", schema="ledger")
