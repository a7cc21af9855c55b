"""sweeps and sweep_visits: screening sweeps planned per region and period, and each household's visit.

Revision ID: 6e2d4a8c1f35
Revises: 3b9e1c7d5a20
Create Date: 2026-11-27 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "6e2d4a8c1f35"
down_revision: str | None = "3b9e1c7d5a20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sweeps",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("region_code", sa.String(12), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("planned_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        schema="screening",
    )
    op.create_index("ix_sweeps_region", "sweeps", ["region_code", "period_start"], schema="screening")
    op.create_table(
        "sweep_visits",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("sweep_id", sa.Uuid(), sa.ForeignKey("screening.sweeps.id"), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("region_code", sa.String(12), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("result", sa.String(20), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("visited_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        schema="screening",
    )
    op.create_index(
        "ix_sweep_visits_household", "sweep_visits", ["sweep_id", "household_id", "recorded_at"], schema="screening"
    )


def downgrade() -> None:
    op.drop_table("sweep_visits", schema="screening")
    op.drop_table("sweeps", schema="screening")
