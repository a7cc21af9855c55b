"""plan review: the village's democratic review and the public notice of a plan's measures, and the
objections filed during that notice.

Revision ID: 6b2f4e8a9c13
Revises: 4d8e2a6c1b57
Create Date: 2026-11-27 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "6b2f4e8a9c13"
down_revision: str | None = "4d8e2a6c1b57"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("plans", sa.Column("review", JSONB(), nullable=True), schema="assistance")
    op.add_column("plans", sa.Column("reviewed_by", sa.String(200), nullable=True), schema="assistance")
    op.add_column("plans", sa.Column("notice_published_on", sa.Date(), nullable=True), schema="assistance")
    op.add_column("plans", sa.Column("notice_until", sa.Date(), nullable=True), schema="assistance")
    op.add_column(
        "plans",
        sa.Column("notice_until_assumed", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        schema="assistance",
    )
    op.create_table(
        "plan_objections",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("plan_id", sa.Uuid(), sa.ForeignKey("assistance.plans.id"), nullable=False, index=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("filed_by", sa.String(200), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("resolution", sa.String(20), nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=True),
        sa.Column("resolved_by", sa.String(200), nullable=True),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        schema="assistance",
    )


def downgrade() -> None:
    op.drop_table("plan_objections", schema="assistance")
    for column in ("notice_until_assumed", "notice_until", "notice_published_on", "reviewed_by", "review"):
        op.drop_column("plans", column, schema="assistance")
