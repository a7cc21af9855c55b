"""dead letters: what a consumer could neither apply nor publish to its dead-letter topic, kept with its reason.

Revision ID: 7d1e3a5c9b21
Revises: 8c3f1a9e4d72
Create Date: 2026-12-07 22:00:00
"""

from collections.abc import Sequence

from alembic import op

from common.messaging.tables import create_dead_letter_table

revision: str = "7d1e3a5c9b21"
down_revision: str | None = "8c3f1a9e4d72"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_dead_letter_table(op.get_bind(), "screening")


def downgrade() -> None:
    op.drop_table("dead_letters", schema="screening")
