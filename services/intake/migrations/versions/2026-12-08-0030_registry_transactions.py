"""registry transactions: the DCI requests received (for transaction status and asynchronous answers) and the
reference ids already taken; a subscription's reference_id as long as the standard's (99).

Revision ID: g30d5a1c7e02
Revises: 7d1e3a5c9b20
Create Date: 2026-12-08 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "g30d5a1c7e02"
down_revision: str | None = "7d1e3a5c9b20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DUE = "callback_uri IS NOT NULL AND delivered_at IS NULL AND withheld_at IS NULL"


def upgrade() -> None:
    op.alter_column(
        "registry_subscriptions", "reference_id", type_=sa.String(99), existing_nullable=False, schema="intake"
    )
    op.create_table(
        "registry_references",
        sa.Column("sender_id", sa.String(99), primary_key=True),
        sa.Column("action", sa.String(30), primary_key=True),
        sa.Column("reference_id", sa.String(99), primary_key=True),
        sa.Column("correlation_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        schema="intake",
    )
    op.create_table(
        "registry_transactions",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("sender_id", sa.String(99), nullable=False),
        sa.Column("message_id", sa.String(99), nullable=False),
        sa.Column("transaction_id", sa.String(99), nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("principal", JSONB(), nullable=False),
        sa.Column("request_cipher", sa.LargeBinary(), nullable=False),
        sa.Column("answer", JSONB(), nullable=True),
        sa.Column("callback_uri", sa.String(500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withheld_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.UniqueConstraint("sender_id", "message_id", name="uq_registry_transactions_message"),
        schema="intake",
    )
    op.create_index(
        "ix_registry_transactions_txn", "registry_transactions", ["sender_id", "transaction_id"], schema="intake"
    )
    op.create_index(
        "ix_registry_transactions_due",
        "registry_transactions",
        ["next_attempt_at"],
        schema="intake",
        postgresql_where=sa.text(DUE),
    )


def downgrade() -> None:
    op.drop_table("registry_transactions", schema="intake")
    op.drop_table("registry_references", schema="intake")
    op.alter_column(
        "registry_subscriptions", "reference_id", type_=sa.String(64), existing_nullable=False, schema="intake"
    )
