"""household numbers: each village's last 户编号 sequence, so intake gives a household without one the
village's code and the next sequence number (5325041020010001).

Existing households keep the numbers they were registered with (a registrant's number may be the national
system's, which paper already quotes); each village's counter starts past the highest sequence already taken
in the code-and-sequence form, and a number taken by hand is stepped over when drawn.

Revision ID: b26d0a1c3e57
Revises: d27i1a2b3c4d
Create Date: 2026-12-08 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b26d0a1c3e57"
down_revision: str | None = "d27i1a2b3c4d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "household_numbers",
        sa.Column("region_code", sa.String(12), primary_key=True),
        sa.Column("last", sa.Integer(), nullable=False),
        schema="intake",
    )
    op.execute(
        """
        INSERT INTO intake.household_numbers (region_code, last)
        SELECT region_code, max(substr(household_no, 13)::bigint)::int
        FROM intake.households
        WHERE household_no ~ ('^' || region_code || '[0-9]{4,9}$')
        GROUP BY region_code
        """
    )


def downgrade() -> None:
    op.drop_table("household_numbers", schema="intake")
