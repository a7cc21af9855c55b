"""alerts.policy_basis: whether an alert was judged by its year's own policy, by an earlier year's line
(assumed), or with no policy at all (only the rules that do not judge by the income line).

Revision ID: 3b8e2f6a9c41
Revises: 9e4a7b1c5d22
Create Date: 2026-11-27 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3b8e2f6a9c41"
down_revision: str | None = "9e4a7b1c5d22"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "alerts",
        sa.Column("policy_basis", sa.String(20), nullable=False, server_default="published"),
        schema="screening",
    )
    op.alter_column("alerts", "policy_id", nullable=True, schema="screening")


def downgrade() -> None:
    op.alter_column("alerts", "policy_id", nullable=False, schema="screening")
    op.drop_column("alerts", "policy_basis", schema="screening")
