"""Policies become packs: a jurisdiction (a code, a name, a level and a set of region prefixes, so a functional
zone is one jurisdiction) and the whole of what its document decides for a year (`pack`, validated by
contracts.policy.PackValues). Versions count per jurisdiction and year. The threshold columns stay, filled
from the pack, for the rows written before; the monitoring line may be unstated (no income screening).

Existing rows become single-prefix jurisdictions named by their prefix; their thresholds move into the pack
and their sources to the pack's value paths.

Revision ID: 2c7a9e4f1b68
Revises: 8d2b6f1e4a03
Create Date: 2026-11-27 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "2c7a9e4f1b68"
down_revision: str | None = "8d2b6f1e4a03"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = "screening"


def upgrade() -> None:
    op.add_column("policies", sa.Column("jurisdiction", sa.String(40), nullable=True), schema=S)
    op.add_column("policies", sa.Column("jurisdiction_name", sa.String(200), nullable=True), schema=S)
    op.add_column("policies", sa.Column("level", sa.String(20), nullable=True), schema=S)
    op.add_column("policies", sa.Column("prefixes", postgresql.ARRAY(sa.String(12)), nullable=True), schema=S)
    op.add_column("policies", sa.Column("pack", postgresql.JSONB(), nullable=True), schema=S)
    op.add_column("policies", sa.Column("valid_through", sa.Integer(), nullable=True), schema=S)
    op.execute(
        """
        UPDATE screening.policies SET
          jurisdiction = region_prefix,
          jurisdiction_name = region_prefix,
          level = CASE length(region_prefix) WHEN 2 THEN 'province' WHEN 4 THEN 'prefecture'
                  WHEN 6 THEN 'county' ELSE 'zone' END,
          prefixes = ARRAY[region_prefix],
          pack = jsonb_build_object(
            'line', jsonb_build_object('basis', 'fixed', 'amount', monitoring_line::text),
            'income_year_offset', income_year_offset,
            'thresholds', jsonb_build_object(
              'rigid_expense_ratio', rigid_expense_ratio::text,
              'income_drop_ratio', income_drop_ratio::text,
              'medical_oop_threshold', medical_oop_threshold::text,
              'medical_oop_income_share', medical_oop_income_share::text),
            'rules', rules),
          value_sources = (
            SELECT coalesce(jsonb_object_agg(
              CASE WHEN key = 'monitoring_line' THEN 'line' WHEN key = 'income_year_offset' THEN key
                   ELSE 'thresholds.' || key END, value), '{}'::jsonb)
            FROM jsonb_each(value_sources))
        """
    )
    for column in ("jurisdiction", "jurisdiction_name", "level", "prefixes", "pack"):
        op.alter_column("policies", column, nullable=False, schema=S)
    op.alter_column("policies", "monitoring_line", nullable=True, schema=S)
    op.drop_index("ix_policies_region_prefix_year_version", "policies", schema=S)
    op.create_index(
        "ix_policies_jurisdiction_year_version", "policies", ["jurisdiction", "year", "version"], unique=True, schema=S
    )
    op.create_index("ix_policies_prefixes", "policies", ["prefixes"], postgresql_using="gin", schema=S)


def downgrade() -> None:
    op.drop_index("ix_policies_prefixes", "policies", schema=S)
    op.drop_index("ix_policies_jurisdiction_year_version", "policies", schema=S)
    for column in ("valid_through", "pack", "prefixes", "level", "jurisdiction_name", "jurisdiction"):
        op.drop_column("policies", column, schema=S)
