"""case_approved_on: the county approval's own date on the monitored case.

Revision ID: 7d2e4f1a9c33
Revises: dc1305a9446f
Create Date: 2026-11-27 01:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7d2e4f1a9c33"
down_revision: str | None = "dc1305a9446f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("monitored_cases", sa.Column("approved_on", sa.Date(), nullable=True), schema="assistance")


def downgrade() -> None:
    op.drop_column("monitored_cases", "approved_on", schema="assistance")
