from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy import select

from common.access import LogAudit
from common.db import SessionDep
from common.errors import Conflict, Forbidden, NotFound, problem_responses
from ledger.checkpoints.schemas import CheckpointPublic, ConsistencyProof, InclusionProof
from ledger.checkpoints.service import NoCheckpoint, b64, maybe_of_size, of_size, public
from ledger.entries import service as log
from ledger.entries.service import MAX_INDEX
from ledger.models import Entry

router = APIRouter(tags=["tamper-evident log"])


@router.get("/checkpoints/latest", response_model=CheckpointPublic, responses=problem_responses(Forbidden, NotFound))
async def latest(session: SessionDep, _: LogAudit) -> CheckpointPublic:
    """The newest signed tree head."""
    c = await log.latest_checkpoint(session)
    if c is None:
        raise NotFound("No checkpoint yet", zh="尚无检查点")
    return public(c)


@router.post("/checkpoints", status_code=201, response_model=CheckpointPublic, responses=problem_responses(Forbidden))
async def issue(session: SessionDep, _: LogAudit) -> CheckpointPublic:
    """Sign a checkpoint now (they are also issued at `CHECKPOINT_INTERVAL_S` while the log grows)."""
    return public(await log.issue_checkpoint(session))


@router.get(
    "/entries/{leaf_index}/inclusion-proof",
    response_model=InclusionProof,
    responses=problem_responses(Forbidden, NotFound, NoCheckpoint),
)
async def inclusion(
    leaf_index: Annotated[int, Path(ge=0, le=MAX_INDEX)],
    session: SessionDep,
    _: LogAudit,
    tree_size: Annotated[
        int | None, Query(ge=1, le=MAX_INDEX, description="a checkpoint's size; default the latest")
    ] = None,
) -> InclusionProof:
    """The audit path from an entry to the root of a signed checkpoint (RFC 9162 2.1.3)."""
    c = await of_size(session, tree_size)
    entry = (await session.execute(select(Entry).where(Entry.leaf_index == leaf_index))).scalar_one_or_none()
    if entry is None:
        raise NotFound("No such entry", zh="没有这条记录")
    if leaf_index >= c.tree_size:
        raise NoCheckpoint(
            f"Entry {leaf_index} is after the checkpoint of size {c.tree_size}",
            zh=f"第{leaf_index}条记录在大小为{c.tree_size}的检查点之后",
        )
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
    _: LogAudit,
    first: Annotated[int, Query(ge=1, le=MAX_INDEX)],
    second: Annotated[int, Query(ge=1, le=MAX_INDEX)],
) -> ConsistencyProof:
    """That the tree of size `second` extends the tree of size `first` (RFC 9162 2.1.4)."""
    if first > second or second > await log.size(session):
        raise Conflict("Need 1 <= first <= second <= the log's size", zh="应满足 1 ≤ 起始 ≤ 截止 ≤ 日志大小")
    proof = [] if first == second else await log.consistency_proof(session, first, second)
    firsts = await maybe_of_size(session, first)
    seconds = await maybe_of_size(session, second)
    return ConsistencyProof(
        first=first,
        second=second,
        proof=[b64(h) for h in proof],
        first_checkpoint=public(firsts) if firsts else None,
        second_checkpoint=public(seconds) if seconds else None,
    )
