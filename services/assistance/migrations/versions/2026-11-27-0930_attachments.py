"""attachments: files that prove a measure's progress, kept by their SHA-256.

Revision ID: 4d8e2a6c1b57
Revises: 1f7b9d3e5a26
Create Date: 2026-11-27 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4d8e2a6c1b57"
down_revision: str | None = "1f7b9d3e5a26"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "attachments",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("plan_id", sa.Uuid(), sa.ForeignKey("assistance.plans.id"), nullable=False, index=True),
        sa.Column("measure_id", sa.Uuid(), sa.ForeignKey("assistance.plan_measures.id"), nullable=False, index=True),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("region_code", sa.String(12), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("media_type", sa.String(40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("uploaded_by", sa.String(200), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        schema="assistance",
    )


def downgrade() -> None:
    op.drop_table("attachments", schema="assistance")
