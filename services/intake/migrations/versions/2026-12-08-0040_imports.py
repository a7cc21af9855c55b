"""imports: a county's existing households and their history brought in from files, as jobs with a
per-row report.

Revision ID: d27i1a2b3c4d
Revises: g30d5a1c7e02
Create Date: 2026-12-08 00:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d27i1a2b3c4d"
down_revision: str | None = "g30d5a1c7e02"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_jobs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_jobs")),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("regions", sa.ARRAY(sa.String(12)), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("actor_role", sa.String(30), nullable=False),
        sa.Column("state", sa.String(20), server_default="queued", nullable=False),
        sa.Column("total_rows", sa.Integer()),
        sa.Column("next_row", sa.Integer(), server_default="2", nullable=False),
        sa.Column("households_imported", sa.Integer(), server_default="0", nullable=False),
        sa.Column("households_unchanged", sa.Integer(), server_default="0", nullable=False),
        sa.Column("rows_refused", sa.Integer(), server_default="0", nullable=False),
        sa.Column("failure_zh", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        schema="intake",
    )
    op.create_index(
        "ix_import_jobs_file_sha256_regions", "import_jobs", ["file_sha256", "regions"], unique=True, schema="intake"
    )
    op.create_table(
        "import_rows",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_rows")),
        sa.Column("job_id", sa.Uuid(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("household_no", sa.String(40), nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("reason_zh", sa.Text()),
        sa.Column("household_id", sa.Uuid()),
        sa.ForeignKeyConstraint(["job_id"], ["intake.import_jobs.id"], name=op.f("fk_import_rows_job_id_import_jobs")),
        schema="intake",
    )
    op.create_index("ix_import_rows_job_id_row", "import_rows", ["job_id", "row"], unique=True, schema="intake")
    op.create_index("ix_import_rows_job_id_outcome_row", "import_rows", ["job_id", "outcome", "row"], schema="intake")


def downgrade() -> None:
    op.drop_table("import_rows", schema="intake")
    op.drop_table("import_jobs", schema="intake")
