"""plans.not_assisted: the not-assisted findings of a plan (the jurisdiction's pack), each taking a measure or
an expense out of the plan and keeping who found it, why, and on which pack.

Revision ID: 8c3d5e7a9b14
Revises: 6e1f3a8b2c90
Create Date: 2026-11-27 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "8c3d5e7a9b14"
down_revision: str | None = "6e1f3a8b2c90"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "plans",
        sa.Column("not_assisted", postgresql.JSONB(), nullable=False, server_default=sa.text("'[]'::jsonb")),
        schema="assistance",
    )


def downgrade() -> None:
    op.drop_column("plans", "not_assisted", schema="assistance")
