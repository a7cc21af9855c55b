"""department listings: the departments' lists as assistance sends them, so resident IDs are answered only
for the households on a department's list.

Revision ID: 7c3e9a1d5b20
Revises: 5f1b8d2c7e94
Create Date: 2026-12-07 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c3e9a1d5b20"
down_revision: str | None = "5f1b8d2c7e94"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "department_listings",
        sa.Column("department", sa.String(40), primary_key=True),
        sa.Column("household_id", sa.Uuid(), primary_key=True),
        sa.Column("plan_id", sa.Uuid(), primary_key=True),
        sa.Column("region_code", sa.String(12), nullable=False),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        schema="intake",
    )


def downgrade() -> None:
    op.drop_table("department_listings", schema="intake")
