"""false information findings: a household found to have hidden or falsified information, and the last day
a new declaration of it is refused (the jurisdiction's pack).

Revision ID: e27p5e6f7a8b
Revises: e27p1a2b3c4d
Create Date: 2026-12-08 00:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e27p5e6f7a8b"
down_revision: str | None = "e27p1a2b3c4d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "false_information_findings",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("household_id", sa.Uuid(), sa.ForeignKey("intake.households.id"), nullable=False, index=True),
        sa.Column("region_code", sa.String(12), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("found_on", sa.Date(), nullable=False),
        sa.Column("what", sa.String(500), nullable=False),
        sa.Column("barred_until", sa.Date(), nullable=True),
        sa.Column("policy", sa.String(120), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        schema="intake",
    )


def downgrade() -> None:
    op.drop_table("false_information_findings", schema="intake")
