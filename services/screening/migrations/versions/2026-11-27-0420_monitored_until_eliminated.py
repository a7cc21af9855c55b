"""known_eliminations: assistance's approved eliminations, so that the monitored share counts the households
monitored now (an approval after the last elimination), whatever order the two topics deliver them in.

Revision ID: 7c1d4e9b2a57
Revises: 3b8e2f6a9c41
Create Date: 2026-11-27 04:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c1d4e9b2a57"
down_revision: str | None = "3b8e2f6a9c41"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "known_eliminations",
        sa.Column("elimination_id", sa.Uuid(), primary_key=True),
        sa.Column("household_id", sa.Uuid(), nullable=False, index=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        schema="screening",
    )


def downgrade() -> None:
    op.drop_table("known_eliminations", schema="screening")
