"""national_exports and national_export_acks: the batches exported for the national monitoring information
system and what it acknowledged, append-only like the log.

Revision ID: 8f3b2d6a9c14
Revises: 5a1c0e7f2b90
Create Date: 2026-11-27 09:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8f3b2d6a9c14"
down_revision: str | None = "5a1c0e7f2b90"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("national_exports", "national_export_acks")


def upgrade() -> None:
    op.create_table(
        "national_exports",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("region_prefix", sa.String(12), nullable=False, index=True),
        sa.Column("after_leaf", sa.BigInteger(), nullable=False),
        sa.Column("through_leaf", sa.BigInteger(), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("exported_by", sa.String(200), nullable=False),
        sa.Column("exported_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        schema="ledger",
    )
    op.create_table(
        "national_export_acks",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("export_id", sa.Uuid(), sa.ForeignKey("ledger.national_exports.id"), nullable=False, index=True),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("acknowledged_by", sa.String(200), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        schema="ledger",
    )
    for table in TABLES:  # kept for good, as the log is
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON ledger.{table} "
            "FOR EACH ROW EXECUTE FUNCTION ledger.refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON ledger.{table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change()"
        )


def downgrade() -> None:
    op.drop_table("national_export_acks", schema="ledger")
    op.drop_table("national_exports", schema="ledger")
