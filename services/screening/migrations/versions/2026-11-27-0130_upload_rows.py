"""upload_rows: every row's outcome of a bulk upload, kept for paging; the upload's kind, encoding and failure.

Revision ID: 9e4a7b1c5d22
Revises: fc3928ea8c3e
Create Date: 2026-11-27 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9e4a7b1c5d22"
down_revision: str | None = "fc3928ea8c3e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("uploads", sa.Column("kind", sa.String(80)), schema="screening")
    op.add_column("uploads", sa.Column("encoding", sa.String(20)), schema="screening")
    op.add_column("uploads", sa.Column("failure", sa.Text()), schema="screening")
    # An upload left running by a process that died is failed: nothing will finish it.
    op.execute("UPDATE screening.uploads SET status = 'failed', failure = 'interrupted' WHERE status = 'running'")
    op.create_table(
        "upload_rows",
        sa.Column("upload_id", sa.Uuid(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(100)),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.ForeignKeyConstraint(["upload_id"], ["screening.uploads.id"], name=op.f("fk_upload_rows_upload_id_uploads")),
        sa.PrimaryKeyConstraint("upload_id", "row", name=op.f("pk_upload_rows")),
        schema="screening",
    )


def downgrade() -> None:
    op.drop_table("upload_rows", schema="screening")
    for column in ("failure", "encoding", "kind"):
        op.drop_column("uploads", column, schema="screening")
