"""measure_withdrawal: measures are withdrawn, never deleted.

Revision ID: 3b8f6c2d1e47
Revises: 7d2e4f1a9c33
Create Date: 2026-11-27 01:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3b8f6c2d1e47"
down_revision: str | None = "7d2e4f1a9c33"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("plan_measures", sa.Column("withdrawn_at", sa.DateTime(timezone=True)), schema="assistance")
    op.add_column("plan_measures", sa.Column("withdrawn_by", sa.String(200)), schema="assistance")
    op.add_column("plan_measures", sa.Column("withdrawn_reason", sa.Text()), schema="assistance")


def downgrade() -> None:
    for column in ("withdrawn_reason", "withdrawn_by", "withdrawn_at"):
        op.drop_column("plan_measures", column, schema="assistance")
