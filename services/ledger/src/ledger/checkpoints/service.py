"""Signed checkpoints as the API shows them, found by size, and issued while the log grows."""

import asyncio
import base64
from functools import cache

from fastapi import FastAPI
from sqlalchemy import select

from common.db import Database, SessionDep
from common.errors import Conflict
from ledger.checkpoints import signing
from ledger.checkpoints.schemas import CheckpointPublic
from ledger.config import settings
from ledger.entries import service as log
from ledger.models import Checkpoint


def b64(b: bytes) -> str:
    return base64.b64encode(b).decode()


class NoCheckpoint(Conflict):
    slug, title = "no-checkpoint", "No signed checkpoint covers this yet"
    title_zh = "尚无覆盖此记录的签名检查点"


@cache
def public_key_b64() -> str:
    return b64(signing.public_bytes(signing.private_key(settings.ledger_signing_key).public_key()))


def public(c: Checkpoint) -> CheckpointPublic:
    return CheckpointPublic(
        tree_size=c.tree_size,
        root_hash=b64(c.root_hash),
        issued_at=c.issued_at,
        key_id=c.key_id,
        signature=b64(c.signature),
        note=c.note,
        origin=settings.ledger_origin,
        public_key=public_key_b64(),
    )


async def of_size(session: SessionDep, tree_size: int | None) -> Checkpoint:
    if tree_size is None:
        c = await log.latest_checkpoint(session)
    else:
        q = select(Checkpoint).where(Checkpoint.tree_size == tree_size).order_by(Checkpoint.id.desc()).limit(1)
        c = (await session.execute(q)).scalar_one_or_none()
    if c is None:
        raise NoCheckpoint(
            f"No signed checkpoint of size {tree_size}" if tree_size else "No checkpoint yet",
            zh=f"没有大小为{tree_size}的签名检查点" if tree_size else "尚无检查点",
        )
    return c


async def maybe_of_size(session: SessionDep, tree_size: int) -> Checkpoint | None:
    try:
        return await of_size(session, tree_size)
    except NoCheckpoint:
        return None


async def checkpoint_loop(app: FastAPI) -> None:
    """A signed checkpoint every interval while the log grows."""
    db: Database = app.state.db
    while True:
        await asyncio.sleep(settings.checkpoint_interval_s)
        async with db.transaction() as session:
            await log.checkpoint_loop_once(session)
