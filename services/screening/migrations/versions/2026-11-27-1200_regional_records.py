"""regional records: farm-product prices and village industry projects (and their assets), the records
that are not about one household but raise scale-level risks.

Revision ID: 8c3f1a9e4d72
Revises: 6e2d4a8c1f35
Create Date: 2026-11-27 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "8c3f1a9e4d72"
down_revision: str | None = "6e2d4a8c1f35"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "regional_records",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("record_id", sa.String(100), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("region_code", sa.String(12), nullable=False),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column("facts", JSONB(), nullable=False),
        sa.Column("superseded", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("received_by", sa.String(200), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("source", "record_id", "revision"),
        schema="screening",
    )
    op.create_index(
        "ix_regional_records_scan", "regional_records", ["kind", "observed_on", "region_code"], schema="screening"
    )


def downgrade() -> None:
    op.drop_index("ix_regional_records_scan", "regional_records", schema="screening")
    op.drop_table("regional_records", schema="screening")
