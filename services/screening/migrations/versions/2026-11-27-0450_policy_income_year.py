"""policies.income_year_offset: which year's income a screening year judges (0: the same year; -1: the
previous year's, as Ningxia's document screens on 上一年度家庭人均纯收入).

Revision ID: 8d2b6f1e4a03
Revises: 5f0a8d3c7e19
Create Date: 2026-11-27 04:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8d2b6f1e4a03"
down_revision: str | None = "5f0a8d3c7e19"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "policies",
        sa.Column("income_year_offset", sa.SmallInteger(), nullable=False, server_default="0"),
        schema="screening",
    )


def downgrade() -> None:
    op.drop_column("policies", "income_year_offset", schema="screening")
