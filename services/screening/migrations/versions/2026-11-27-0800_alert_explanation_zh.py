"""alerts.explanation_zh: an alert's explanation in Chinese, which the cadre who verifies it reads. Alerts
raised before it have none (''), and the API then shows the English one.

Revision ID: 3b9e1c7d5a20
Revises: 2c7a9e4f1b68
Create Date: 2026-11-27 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3b9e1c7d5a20"
down_revision: str | None = "2c7a9e4f1b68"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "alerts", sa.Column("explanation_zh", sa.Text(), nullable=False, server_default=""), schema="screening"
    )


def downgrade() -> None:
    op.drop_column("alerts", "explanation_zh", schema="screening")
