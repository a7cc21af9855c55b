"""policies.shipped: the shipped pack file a version was published from (its name and its content as read),
so that a file changed since is found at start and published as a new version (ADR 0013).

Revision ID: b25p7a1c3e90
Revises: 7d1e3a5c9b21
Create Date: 2026-12-07 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "b25p7a1c3e90"
down_revision: str | None = "7d1e3a5c9b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("policies", sa.Column("shipped", JSONB(), nullable=True), schema="screening")


def downgrade() -> None:
    op.drop_column("policies", "shipped", schema="screening")
