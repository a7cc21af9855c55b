"""known_households.household_no: the household's number (户编号), for the monthly report's lists.

Revision ID: 1f7b9d3e5a26
Revises: 8c3d5e7a9b14
Create Date: 2026-11-27 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "1f7b9d3e5a26"
down_revision: str | None = "8c3d5e7a9b14"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("known_households", sa.Column("household_no", sa.String(40), nullable=True), schema="assistance")


def downgrade() -> None:
    op.drop_column("known_households", "household_no", schema="assistance")
