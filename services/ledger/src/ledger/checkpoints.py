import asyncio
import base64
import datetime as dt
from functools import cache
from typing import Annotated

from fastapi import APIRouter, FastAPI, Path, Query
from pydantic import BaseModel, Field
from sqlalchemy import select

from common.auth import Principal, Role, require_roles
from common.db import Database, SessionDep
from common.errors import Conflict, Forbidden, NotFound, problem_responses
from ledger import log, signing
from ledger.config import settings
from ledger.log import MAX_INDEX
from ledger.models import Checkpoint, Entry

router = APIRouter(tags=["tamper-evident log"])
Auditor = Annotated[Principal, require_roles(Role.auditor, Role.admin)]


def b64(b: bytes) -> str:
    return base64.b64encode(b).decode()


class CheckpointPublic(BaseModel):
    tree_size: int
    root_hash: str = Field(description="base64 SHA-256 Merkle tree hash (RFC 9162)")
    issued_at: dt.datetime
    key_id: str = Field(description="hex signed-note key ID: SHA-256(origin || 0x0A || 0x01 || public key)[:4]")
    signature: str = Field(description="base64 Ed25519 signature over the note's text (its first three lines)")
    note: str | None = Field(
        description="the checkpoint as a C2SP signed note (c2sp.org/tlog-checkpoint): what auditors keep and "
        "any transparency-log verifier checks with the public key; null for checkpoints signed before notes"
    )
    origin: str = Field(description="the log's name: the note's first line and its key name")
    public_key: str = Field(description="base64 raw Ed25519 public key")


class InclusionProof(BaseModel):
    leaf_index: int
    tree_size: int
    leaf_hash: str
    body: str = Field(description="base64 of the leaf's canonical bytes: sha256(0x00 || body) is the leaf hash")
    audit_path: list[str]
    checkpoint: CheckpointPublic


class ConsistencyProof(BaseModel):
    first: int
    second: int
    proof: list[str]
    first_checkpoint: CheckpointPublic | None
    second_checkpoint: CheckpointPublic | None


class NoCheckpoint(Conflict):
    slug, title = "no-checkpoint", "No signed checkpoint covers this yet"


@cache
def _public_key_b64() -> str:
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
        public_key=_public_key_b64(),
    )


@router.get("/checkpoints/latest", response_model=CheckpointPublic, responses=problem_responses(Forbidden, NotFound))
async def latest(session: SessionDep, _: Auditor) -> CheckpointPublic:
    """The newest signed tree head."""
    c = await log.latest_checkpoint(session)
    if c is None:
        raise NotFound("No checkpoint yet")
    return public(c)


@router.post("/checkpoints", status_code=201, response_model=CheckpointPublic, responses=problem_responses(Forbidden))
async def issue(session: SessionDep, _: Auditor) -> CheckpointPublic:
    """Sign a checkpoint now (they are also issued at `CHECKPOINT_INTERVAL_S` while the log grows)."""
    return public(await log.issue_checkpoint(session))


async def _checkpoint_of_size(session: SessionDep, tree_size: int | None) -> Checkpoint:
    if tree_size is None:
        c = await log.latest_checkpoint(session)
    else:
        q = select(Checkpoint).where(Checkpoint.tree_size == tree_size).order_by(Checkpoint.id.desc()).limit(1)
        c = (await session.execute(q)).scalar_one_or_none()
    if c is None:
        raise NoCheckpoint(f"No signed checkpoint of size {tree_size}" if tree_size else "No checkpoint yet")
    return c


@router.get(
    "/entries/{leaf_index}/inclusion-proof",
    response_model=InclusionProof,
    responses=problem_responses(Forbidden, NotFound, NoCheckpoint),
)
async def inclusion(
    leaf_index: Annotated[int, Path(ge=0, le=MAX_INDEX)],
    session: SessionDep,
    _: Auditor,
    tree_size: Annotated[
        int | None, Query(ge=1, le=MAX_INDEX, description="a checkpoint's size; default the latest")
    ] = None,
) -> InclusionProof:
    """The audit path from an entry to the root of a signed checkpoint (RFC 9162 2.1.3)."""
    c = await _checkpoint_of_size(session, tree_size)
    entry = (await session.execute(select(Entry).where(Entry.leaf_index == leaf_index))).scalar_one_or_none()
    if entry is None:
        raise NotFound("No such entry")
    if leaf_index >= c.tree_size:
        raise NoCheckpoint(f"Entry {leaf_index} is after the checkpoint of size {c.tree_size}")
    path = await log.inclusion_proof(session, leaf_index, c.tree_size)
    return InclusionProof(
        leaf_index=leaf_index,
        tree_size=c.tree_size,
        leaf_hash=b64(entry.leaf_hash),
        body=b64(entry.body),
        audit_path=[b64(h) for h in path],
        checkpoint=public(c),
    )


@router.get("/consistency-proof", response_model=ConsistencyProof, responses=problem_responses(Forbidden, Conflict))
async def consistency(
    session: SessionDep,
    _: Auditor,
    first: Annotated[int, Query(ge=1, le=MAX_INDEX)],
    second: Annotated[int, Query(ge=1, le=MAX_INDEX)],
) -> ConsistencyProof:
    """That the tree of size `second` extends the tree of size `first` (RFC 9162 2.1.4)."""
    if first > second or second > await log.size(session):
        raise Conflict("Need 1 <= first <= second <= the log's size")
    proof = [] if first == second else await log.consistency_proof(session, first, second)
    firsts = await _maybe(session, first)
    seconds = await _maybe(session, second)
    return ConsistencyProof(
        first=first,
        second=second,
        proof=[b64(h) for h in proof],
        first_checkpoint=public(firsts) if firsts else None,
        second_checkpoint=public(seconds) if seconds else None,
    )


async def _maybe(session: SessionDep, tree_size: int) -> Checkpoint | None:
    try:
        return await _checkpoint_of_size(session, tree_size)
    except NoCheckpoint:
        return None


async def checkpoint_loop(app: FastAPI) -> None:
    """A signed checkpoint every interval while the log grows."""
    db: Database = app.state.db
    while True:
        await asyncio.sleep(settings.checkpoint_interval_s)
        async with db.transaction() as session:
            await log.checkpoint_loop_once(session)
