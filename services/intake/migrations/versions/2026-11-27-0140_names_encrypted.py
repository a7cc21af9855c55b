"""names_encrypted: members' names and the names in revision snapshots are encrypted at rest (ADR 0011).

Revision ID: 4c6d8e0f2a13
Revises: f61eddf298f5
Create Date: 2026-11-27 01:40:00
"""

import base64
import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from common.pii import mask_name
from intake.crypto import NAME_FIELD, cipher

revision: str = "4c6d8e0f2a13"
down_revision: str | None = "f61eddf298f5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("members", sa.Column("name_cipher", sa.LargeBinary()), schema="intake")
    op.add_column("members", sa.Column("name_masked", sa.String(100)), schema="intake")
    bind = op.get_bind()
    for member_id, name in bind.execute(sa.text("SELECT id, name FROM intake.members")).all():
        bind.execute(
            sa.text("UPDATE intake.members SET name_cipher = :c, name_masked = :m WHERE id = :id"),
            {"c": cipher.encrypt(name, NAME_FIELD), "m": mask_name(name), "id": member_id},
        )
    for revision_id, snapshot in bind.execute(sa.text("SELECT id, snapshot FROM intake.household_revisions")).all():
        for m in snapshot.get("members", []):
            if "name" in m:
                name = m.pop("name")
                m["name_cipher"] = base64.b64encode(cipher.encrypt(name, NAME_FIELD)).decode()
                m["name_masked"] = mask_name(name)
        bind.execute(
            sa.text("UPDATE intake.household_revisions SET snapshot = CAST(:s AS jsonb) WHERE id = :id"),
            {"s": json.dumps(snapshot, ensure_ascii=False), "id": revision_id},
        )
    op.alter_column("members", "name_cipher", nullable=False, schema="intake")
    op.alter_column("members", "name_masked", nullable=False, schema="intake")
    op.drop_column("members", "name", schema="intake")


def downgrade() -> None:
    raise NotImplementedError("names are not decrypted back into clear columns")
