"""registry gateway: other registries' subscriptions (DCI subscribe) and the notifications queued for them.

Revision ID: 2e9d7c4b8a61
Revises: 9a4c2e7f1d35
Create Date: 2026-11-27 11:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision: str = "2e9d7c4b8a61"
down_revision: str | None = "9a4c2e7f1d35"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "registry_subscriptions",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("subscriber", sa.String(200), nullable=False),
        sa.Column("subscriber_role", sa.String(30), nullable=False),
        sa.Column("department", sa.String(40), nullable=True),
        sa.Column("region_prefix", sa.String(12), nullable=False),
        sa.Column("event_types", ARRAY(sa.String(40)), nullable=False),
        sa.Column("notify_uri", sa.String(500), nullable=False),
        sa.Column("reference_id", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_by", sa.String(200), nullable=True),
        schema="intake",
    )
    op.create_table(
        "registry_notices",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "subscription_id",
            sa.Uuid(),
            sa.ForeignKey("intake.registry_subscriptions.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("household_id", sa.Uuid(), nullable=False, index=True),
        sa.Column("region_code", sa.String(12), nullable=False),
        sa.Column("event_type", sa.String(40), nullable=False),
        sa.Column("record", JSONB(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withheld_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        schema="intake",
    )
    op.create_index(
        "ix_registry_notices_due",
        "registry_notices",
        ["next_attempt_at"],
        schema="intake",
        postgresql_where=sa.text("delivered_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_registry_notices_due", "registry_notices", schema="intake")
    op.drop_table("registry_notices", schema="intake")
    op.drop_table("registry_subscriptions", schema="intake")
