"""policy_packs: screening's policy packs as published (screening.policy.pack-published), ranked by
common.policy as screening ranks them. The monitoring lines received before packs are copied in as the packs
they amount to (a fixed line and the rigid-expense ratio); policy_lines stays as received.

Revision ID: 6e1f3a8b2c90
Revises: 3b8f6c2d1e47
Create Date: 2026-11-27 06:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "6e1f3a8b2c90"
down_revision: str | None = "3b8f6c2d1e47"
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
        schema="assistance",
    )
    op.execute(
        """
        INSERT INTO assistance.policy_packs
          (policy_id, jurisdiction, level, prefixes, year, version, effective_from, pack)
        SELECT gen_random_uuid(), region_prefix, 'county', ARRAY[region_prefix], year, version, effective_from,
               jsonb_build_object(
                 'line', jsonb_build_object('basis', 'fixed', 'amount', monitoring_line::text),
                 'thresholds', jsonb_build_object('rigid_expense_ratio', rigid_expense_ratio::text))
        FROM assistance.policy_lines
        """
    )


def downgrade() -> None:
    op.drop_table("policy_packs", schema="assistance")
