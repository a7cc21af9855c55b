"""social floor enrolments: civil affairs' 低保/特困 enrolments by blind index, against which a cadre's word that
a household is enrolled (and so not asked to authorise the asset query, 仲恺) is checked.

Revision ID: e27p1a2b3c4d
Revises: b26d0a1c3e57
Create Date: 2026-12-08 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e27p1a2b3c4d"
down_revision: str | None = "b26d0a1c3e57"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "social_floor_enrolments",
        sa.Column("id_index", sa.String(64), primary_key=True),
        sa.Column("programme", sa.String(10), primary_key=True),
        sa.Column("enrolled", sa.Boolean(), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        schema="intake",
    )


def downgrade() -> None:
    op.drop_table("social_floor_enrolments", schema="intake")
