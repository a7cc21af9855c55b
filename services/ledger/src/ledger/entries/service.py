"""The append-only log: events appended as leaves of the Merkle tree, signed checkpoints, proofs.

Appends are serialized (one advisory lock per transaction) so leaf indexes are contiguous; a batch of
events is appended with three statements whatever its size."""

import base64
import datetime as dt
from typing import Any

import orjson
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from common import clock
from common.db import copy_rows
from contracts.ledger import CheckpointSignedV1
from ledger.checkpoints import signing
from ledger.config import settings
from ledger.entries import merkle
from ledger.entries.merkle import Frontier, Hash, Key
from ledger.mechanisms import outbox
from ledger.models import Checkpoint, Entry, TreeNode

APPEND_LOCK = "ledger.append"
MAX_INDEX = 2**62  # leaf indexes, sizes and sequence numbers are BIGINT: anything past this is no entry
ENTRY_COLUMNS = [
    "source",
    "event_id",
    "topic",
    "type",
    "subject",
    "time",
    "data",
    "recorded_at",
    "leaf_index",
    "body",
    "leaf_hash",
    "trace_id",
]
NODE_COLUMNS = ["level", "idx", "hash"]


def canonical(fields: dict[str, Any]) -> bytes:
    """The leaf's bytes: sorted keys, no insignificant whitespace, UTF-8 (in the manner of RFC 8785)."""
    return orjson.dumps(fields, option=orjson.OPT_SORT_KEYS, default=str)


async def _lock(session: AsyncSession) -> None:
    await session.execute(select(func.pg_advisory_xact_lock(func.hashtext(APPEND_LOCK))))


async def size(session: AsyncSession) -> int:
    return int((await session.execute(select(func.coalesce(func.max(Entry.leaf_index) + 1, 0)))).scalar_one())


async def hashes(session: AsyncSession, keys: set[Key] | list[Key]) -> dict[Key, Hash]:
    """Hashes of perfect subtrees, in one round trip: level 0 from the entries, the rest from the nodes."""
    if not keys:
        return {}
    levels, indexes = zip(*keys, strict=True)
    rows = await session.execute(
        text(
            "SELECT 0 AS level, leaf_index AS idx, leaf_hash AS hash FROM ledger.entries "
            "WHERE leaf_index = ANY(:leaves) "
            "UNION ALL SELECT n.level, n.idx, n.hash FROM ledger.tree_nodes n "
            "JOIN unnest(CAST(:levels AS smallint[]), CAST(:indexes AS bigint[])) AS k(level, idx) "
            "ON n.level = k.level AND n.idx = k.idx"
        ),
        {
            "leaves": [i for lv, i in keys if lv == 0],
            "levels": [lv for lv in levels],
            "indexes": [i for i in indexes],
        },
    )
    return {(lv, i): h for lv, i, h in rows}


async def frontier(session: AsyncSession, tree_size: int) -> Frontier:
    keys = Frontier.keys(tree_size)
    found = await hashes(session, keys)
    return Frontier([(lv, i, found[lv, i]) for lv, i in keys], tree_size)


async def append(session: AsyncSession, events: list[dict[str, Any]]) -> int:
    """Append events (each: source, event_id, topic, type, subject, time, data) not yet in the log, in
    order. Returns how many were appended."""
    await _lock(session)
    found = await session.execute(
        text(
            "SELECT e.source, e.event_id FROM ledger.entries e "
            "JOIN unnest(CAST(:sources AS text[]), CAST(:ids AS text[])) AS k(source, event_id) "
            "ON e.source = k.source AND e.event_id = k.event_id"
        ),
        {"sources": [e["source"] for e in events], "ids": [e["event_id"] for e in events]},
    )
    seen: set[tuple[str, str]] = {(source, event_id) for source, event_id in found}
    tree = await frontier(session, await size(session))
    rows, nodes = [], []
    recorded_at = clock.now()
    for e in events:
        if (e["source"], e["event_id"]) in seen:
            continue
        seen.add((e["source"], e["event_id"]))
        # The trace id is served (auditors follow a request's writes by it), so it is hashed like the rest:
        # an edited one would point an investigation at another request. Always present, null when none.
        body = canonical(
            {
                **e,
                "trace_id": e.get("trace_id"),
                "time": e["time"].astimezone(dt.UTC).isoformat(),
                "recorded_at": recorded_at.isoformat(),
            }
        )
        h = merkle.leaf_hash(body)
        rows.append(
            (
                e["source"],
                e["event_id"],
                e["topic"],
                e["type"],
                e["subject"],
                e["time"],
                e["data"],
                recorded_at,
                tree.size,
                body,
                h,
                e.get("trace_id"),
            )
        )
        nodes += tree.append(h)
    if rows:
        await copy_rows(session, Entry.__table__, ENTRY_COLUMNS, rows)
        if nodes:
            await copy_rows(session, TreeNode.__table__, NODE_COLUMNS, nodes)
    return len(rows)


async def issue_checkpoint(session: AsyncSession) -> Checkpoint:
    """Sign the tree as it stands (appends wait meanwhile, so size and root agree) and publish the signed
    note in the same transaction, so no checkpoint exists that was not also sent out to be witnessed."""
    await _lock(session)
    tree = await frontier(session, await size(session))
    key = signing.private_key(settings.ledger_signing_key)
    issued_at = clock.now().replace(microsecond=0)
    root = tree.root()
    note, signature = signing.sign_checkpoint(key, settings.ledger_origin, tree.size, root)
    # Numbered 1, 2, 3 ... under the append lock (not from a sequence, which a rolled-back issue would skip):
    # a missing number is then a deleted checkpoint, and `verify` says so.
    number = (await session.execute(select(func.coalesce(func.max(Checkpoint.id), 0) + 1))).scalar_one()
    checkpoint = Checkpoint(
        id=number,
        tree_size=tree.size,
        root_hash=root,
        issued_at=issued_at,
        key_id=signing.note_key_id(settings.ledger_origin, signing.public_bytes(key.public_key())).hex(),
        signature=signature,
        note=note,
    )
    session.add(checkpoint)
    await session.flush()
    await outbox.add(
        session,
        CheckpointSignedV1(
            origin=settings.ledger_origin,
            tree_size=tree.size,
            root_hash=base64.b64encode(root).decode(),
            note=note,
            issued_at=issued_at,
        ),
        subject=settings.ledger_origin,
    )
    return checkpoint


async def latest_checkpoint(session: AsyncSession) -> Checkpoint | None:
    q = select(Checkpoint).order_by(Checkpoint.tree_size.desc(), Checkpoint.id.desc()).limit(1)
    return (await session.execute(q)).scalar_one_or_none()


async def inclusion_proof(session: AsyncSession, leaf_index: int, tree_size: int) -> list[Hash]:
    return (await inclusion_proofs(session, [leaf_index], tree_size))[leaf_index]


async def inclusion_proofs(session: AsyncSession, leaf_indexes: list[int], tree_size: int) -> dict[int, list[Hash]]:
    """Audit paths for many entries against one tree size, with one lookup of the hashes they all need."""
    ranges = {i: merkle.inclusion_ranges(i, 0, tree_size) for i in leaf_indexes}
    known = await hashes(session, merkle.keys_for(r for rs in ranges.values() for r in rs))
    return {i: [merkle.subtree_hash(a, b, known) for a, b in rs] for i, rs in ranges.items()}


async def consistency_proof(session: AsyncSession, first: int, second: int) -> list[Hash]:
    ranges = merkle.consistency_ranges(first, second)
    known = await hashes(session, merkle.keys_for(ranges))
    return [merkle.subtree_hash(a, b, known) for a, b in ranges]


async def checkpoint_loop_once(session: AsyncSession) -> Checkpoint | None:
    """A checkpoint when the tree grew since the last one."""
    last = await latest_checkpoint(session)
    if last is not None and last.tree_size == await size(session):
        return None
    return await issue_checkpoint(session)
