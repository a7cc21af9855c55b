"""monitored_households.eliminated_at: a household whose risk was eliminated leaves the monitored share
(marked, never deleted; a new approved case makes it monitored again).

Revision ID: 7c1d4e9b2a57
Revises: 3b8e2f6a9c41
Create Date: 2026-11-27 04:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c1d4e9b2a57"
down_revision: str | None = "3b8e2f6a9c41"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("monitored_households", sa.Column("eliminated_at", sa.DateTime(timezone=True)), schema="screening")


def downgrade() -> None:
    op.drop_column("monitored_households", "eliminated_at", schema="screening")
