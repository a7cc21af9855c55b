"""policy_packs: screening's policy packs as published (screening.policy.pack-published): the
identification variant and the consent rules a household's procedure follows.

Revision ID: 9a4c2e7f1d35
Revises: 4c6d8e0f2a13
Create Date: 2026-11-27 06:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "9a4c2e7f1d35"
down_revision: str | None = "4c6d8e0f2a13"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "policy_packs",
        sa.Column("policy_id", sa.Uuid(), primary_key=True),
        sa.Column("jurisdiction", sa.String(40), nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("prefixes", postgresql.ARRAY(sa.String(12)), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("pack", postgresql.JSONB(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        schema="intake",
    )


def downgrade() -> None:
    op.drop_table("policy_packs", schema="intake")
