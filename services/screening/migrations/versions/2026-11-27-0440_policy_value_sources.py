"""policies.value_sources: where each threshold of a policy comes from (a document and its words), or that
it is a local default no policy document states.

Revision ID: 5f0a8d3c7e19
Revises: 7c1d4e9b2a57
Create Date: 2026-11-27 04:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "5f0a8d3c7e19"
down_revision: str | None = "7c1d4e9b2a57"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "policies",
        sa.Column("value_sources", JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb")),
        schema="screening",
    )


def downgrade() -> None:
    op.drop_column("policies", "value_sources", schema="screening")
