"""upload_rows.reason_zh, uploads.failure_zh: why a row was rejected or an upload failed, in Chinese beside
the English, for the department staff who correct and resend it.

Revision ID: c26l4e8a0b17
Revises: b25p7a1c3e90
Create Date: 2026-12-08 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c26l4e8a0b17"
down_revision: str | None = "b25p7a1c3e90"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("upload_rows", sa.Column("reason_zh", sa.Text(), nullable=True), schema="screening")
    op.add_column("uploads", sa.Column("failure_zh", sa.Text(), nullable=True), schema="screening")


def downgrade() -> None:
    op.drop_column("uploads", "failure_zh", schema="screening")
    op.drop_column("upload_rows", "reason_zh", schema="screening")
