"""`safetynet ledger verify`: recompute the whole tree from the database, check every checkpoint's root and
signature, check that every column of each entry is what its leaf hashes (or, for the row's key, in the
log's order), that every stored tree node is the recomputed tree's, and (with witnessed checkpoints kept
outside the database) that the log still extends every one of them. Names the first entry, and every node
or checkpoint, that does not hold. Reads in one snapshot, never writes."""

import asyncio
import base64
import datetime as dt
import hashlib
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import asyncpg
import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ledger.checkpoints import signing
from ledger.entries.merkle import Frontier


@dataclass
class Report:
    entries: int = 0
    checkpoints: int = 0
    witnessed: int = 0
    seconds: float = 0.0
    first_bad_entry: dict[str, Any] | None = None
    bad_checkpoints: list[dict[str, Any]] = field(default_factory=list)
    first_unwitnessed: dict[str, Any] | None = None
    # Stored subtree hashes (what proofs are served from) that differ from the recomputed tree, the first
    # MAX_NAMED of them named; `bad_node_count` counts them all.
    bad_nodes: list[dict[str, Any]] = field(default_factory=list)
    bad_node_count: int = 0
    # Entries written before a column entered the hashed body: that column of theirs is served as recorded,
    # covered by nothing (ADR 0010). Counted so an auditor knows how much of the log that is.
    uncovered: dict[str, int] = field(default_factory=lambda: {"recorded_at": 0, "trace_id": 0})
    # Checkpoints that were issued and are gone: a gap in their numbers, or one the witness kept.
    missing_checkpoints: list[dict[str, Any]] = field(default_factory=list)
    # The entries no checkpoint in the database covers (`tail`) and, with a witness, none the witness kept
    # covers (`witnessed_tail`): how many, after which size, and since when (the first one's recorded_at).
    # Reported, and a failure only beyond `max_unwitnessed` (the witnessed tail when there is a witness).
    tail: dict[str, Any] = field(default_factory=dict)
    witnessed_tail: dict[str, Any] | None = None
    max_unwitnessed: int | None = None

    @property
    def tail_too_long(self) -> bool:
        tail = self.witnessed_tail if self.witnessed_tail is not None else self.tail
        return self.max_unwitnessed is not None and tail.get("entries", 0) > self.max_unwitnessed

    @property
    def ok(self) -> bool:
        return (
            self.first_bad_entry is None
            and not self.bad_checkpoints
            and self.first_unwitnessed is None
            and not self.bad_node_count
            and not self.missing_checkpoints
            and not self.tail_too_long
        )

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


def read_witness(lines: Iterable[str], public_key: bytes, origin: str) -> list[signing.SignedCheckpoint]:
    """Checkpoints an auditor kept (JSON lines with a `note`, as `checkpoints --export` writes them). Only
    the signed note is trusted: a note that does not verify is an error, never silently skipped."""
    kept = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            note = orjson.loads(line)["note"]
            kept.append(signing.open_checkpoint(note, public_key, origin))
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise signing.BadNote(f"witness line {n}: {exc}") from None
    return sorted(kept, key=lambda c: c.tree_size)


async def verify(
    dsn: str,
    public_key: bytes,
    origin: str,
    witnessed: Sequence[signing.SignedCheckpoint] = (),
    max_unwitnessed: int | None = None,
) -> Report:
    started = time.perf_counter()
    report = Report(witnessed=len(witnessed), max_unwitnessed=max_unwitnessed)
    conn = await asyncpg.connect(dsn)
    nodes_conn = await asyncpg.connect(dsn)
    stored_nodes: asyncio.Task[dict[tuple[int, int], tuple[int, bytes]]] | None = None
    try:
        # One snapshot for everything read (exported to the second connection, which digests the stored
        # nodes in PostgreSQL while this one re-hashes the leaves): appends going on meanwhile are not seen
        # half by one read and whole by another.
        await conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = await conn.fetchval("SELECT pg_export_snapshot()")
        await nodes_conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        await nodes_conn.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
        stored_nodes = asyncio.create_task(_stored_node_digests(nodes_conn))
        checkpoints = list(
            await conn.fetch(
                "SELECT id, tree_size, root_hash, issued_at, key_id, signature, note FROM ledger.checkpoints "
                "ORDER BY tree_size, id"
            )
        )
        for c in checkpoints:
            if reason := _signed(c, public_key, origin):
                report.bad_checkpoints.append({"id": c["id"], "tree_size": c["tree_size"], "reason": reason})
        _check_sequence(report, checkpoints, witnessed)
        due = _due(checkpoints, witnessed)
        levels = [bytearray() for _ in range(64)]
        tree = await _recompute(conn, report, due, levels)
        report.entries = tree.size
        await _compare_nodes(nodes_conn, report, levels, await stored_nodes)
        signed = max((c["tree_size"] for c in checkpoints), default=0)
        report.tail = await _tail(conn, tree.size, signed)
        if witnessed:
            report.witnessed_tail = await _tail(conn, tree.size, max(w.tree_size for w in witnessed))
        for size in sorted(due):  # sizes beyond the log: it was cut back behind them
            for kind, c in due[size]:
                if kind == "db":
                    report.bad_checkpoints.append({"id": c["id"], "tree_size": size, "reason": "beyond the log"})
                elif report.first_unwitnessed is None:
                    report.first_unwitnessed = {
                        "tree_size": size,
                        "reason": f"the log has {tree.size} entries, fewer than this witnessed checkpoint: "
                        "entries were removed",
                    }
    finally:
        if stored_nodes is not None and not stored_nodes.done():  # verify failed midway: no orphaned query
            stored_nodes.cancel()
        await nodes_conn.close()
        await conn.close()
    report.seconds = round(time.perf_counter() - started, 3)
    return report


# Every column of an entry, read beside the body: the ones the API serves are compared with the body
# (`_served_differs`); `seq`, the row's key, must rise with the leaf index; `partition` is never written.
# (Comparing inside PostgreSQL, parsing each body as jsonb there, measured 4x slower than orjson here.)
# `ENTRY_COLUMNS_CHECKED` lists them so a column added to the table without a check here fails a test.
SERVED_IN_PYTHON = (
    "SELECT leaf_index, body, leaf_hash, source, event_id, topic, type, subject, time, data::text, recorded_at, "
    "trace_id, seq, partition FROM ledger.entries ORDER BY leaf_index"
)
ENTRY_COLUMNS_CHECKED = frozenset(
    {
        *("leaf_index", "body", "leaf_hash", "source", "event_id", "topic", "type", "subject", "time", "data"),
        *("recorded_at", "trace_id", "seq", "partition"),
    }
)
SERVED_DIFFERS = "a served column differs from the hashed body"
MAX_NAMED = 100  # bad nodes named in the report (all are counted)
NODE_CHUNK = 15  # stored nodes are digested 2^15 to a chunk: small enough for PostgreSQL's memory, few rows


def _check_sequence(
    report: Report, checkpoints: list[asyncpg.Record], witnessed: Sequence[signing.SignedCheckpoint]
) -> None:
    """Checkpoints are numbered 1, 2, 3 ... as they are issued, each at least as large as the one before: a
    missing number is a deleted row, a smaller size a row put back out of place; a checkpoint the witness
    kept must still be in the database. (Deleting the newest rows leaves no gap: the tail report shows the
    entries they covered as uncovered again, and the witness names them.)"""
    expected, largest = 1, 0
    for c in sorted(checkpoints, key=lambda c: c["id"]):
        if c["id"] > expected:
            report.missing_checkpoints.append(
                {"ids": [expected, c["id"] - 1], "reason": "numbers missing from the checkpoints: rows were deleted"}
            )
        if c["tree_size"] < largest:
            report.bad_checkpoints.append(
                {"id": c["id"], "tree_size": c["tree_size"], "reason": "smaller than a checkpoint issued before it"}
            )
        expected, largest = c["id"] + 1, max(largest, c["tree_size"])
    stored = {(c["tree_size"], bytes(c["root_hash"])) for c in checkpoints}
    for w in witnessed:
        if (w.tree_size, w.root_hash) not in stored:
            report.missing_checkpoints.append(
                {"tree_size": w.tree_size, "reason": "witnessed, but not in the database: the row was deleted"}
            )


async def _tail(conn: asyncpg.Connection, size: int, covered: int) -> dict[str, Any]:
    """The entries after the largest covered size: nothing signed or witnessed vouches for them yet."""
    since = None
    if size > covered:
        since = await conn.fetchval("SELECT recorded_at FROM ledger.entries WHERE leaf_index = $1", covered)
    return {"entries": max(size - covered, 0), "after_size": covered, "since": since}


def _due(checkpoints: list[asyncpg.Record], witnessed: Sequence[signing.SignedCheckpoint]) -> dict[int, list[Any]]:
    """Every size at which a root must be compared: the database's checkpoints and the witnessed ones."""
    due: dict[int, list[tuple[str, Any]]] = {}
    for c in checkpoints:
        due.setdefault(c["tree_size"], []).append(("db", c))
    for w in witnessed:
        due.setdefault(w.tree_size, []).append(("witness", w))
    return due


async def _recompute(
    conn: asyncpg.Connection, report: Report, due: dict[int, list[Any]], levels: list[bytearray]
) -> Frontier:
    """One pass over the log: every leaf re-hashed, its columns compared with its body, the root compared
    at every due size, every interior node kept (in `levels`) for `_compare_nodes`."""
    tree = Frontier()
    _check_due(report, due.pop(0, []), tree)
    sha256, push = hashlib.sha256, tree.push_recording
    seq = 0  # seq is a BIGSERIAL from 1: the first entry's must exceed this
    async for row in conn.cursor(SERVED_IN_PYTHON, prefetch=20_000):
        leaf_index, body = row[0], row[1]
        h = sha256(b"\x00" + body).digest()
        if report.first_bad_entry is None:
            reason = (
                "gap in leaf indexes"
                if leaf_index != tree.size
                else "leaf hash mismatch"
                if h != row[2]
                else f"seq {row[12]} does not rise from the previous entry's {seq}: one of the two was changed"
                if row[12] <= seq
                else "partition is set: the ledger never writes it"
                if row[13] is not None
                else _served_differs(body, row, report.uncovered)
            )
            if reason:
                report.first_bad_entry = await _describe(conn, leaf_index, reason)
        seq = row[12]
        push(h, levels)
        if tree.size in due:
            _check_due(report, due.pop(tree.size), tree)
    return tree


async def _stored_node_digests(conn: asyncpg.Connection) -> dict[tuple[int, int], tuple[int, bytes]]:
    """(level, chunk) -> (how many nodes, SHA-256 of their hashes in index order), computed by PostgreSQL
    on its own core while the leaves are re-hashed here: a million stored nodes never cross the wire."""
    rows = await conn.fetch(
        "SELECT level, idx >> $1 AS chunk, count(*) AS n, "
        "sha256(string_agg(hash, ''::bytea ORDER BY idx)) AS digest FROM ledger.tree_nodes GROUP BY 1, 2",
        NODE_CHUNK,
    )
    return {(r["level"], r["chunk"]): (r["n"], r["digest"]) for r in rows}


async def _compare_nodes(
    conn: asyncpg.Connection,
    report: Report,
    levels: list[bytearray],
    stored: dict[tuple[int, int], tuple[int, bytes]],
) -> None:
    """Every stored node must be the recomputed tree's node of that place, and every node of the tree must
    be stored (proofs are served from them: a changed one serves proofs that fail against the signed root).
    Chunks whose digests agree hold; the others are read node by node, to name the nodes that differ."""
    span = 1 << NODE_CHUNK
    expected: dict[tuple[int, int], tuple[int, bytes]] = {}
    for level, made in enumerate(levels):
        count = len(made) // 32
        for chunk in range((count + span - 1) // span):
            part = made[chunk * span * 32 : min(count, (chunk + 1) * span) * 32]
            expected[level, chunk] = (len(part) // 32, hashlib.sha256(part).digest())
    for level, chunk in sorted(expected.keys() | stored.keys()):
        if expected.get((level, chunk)) == stored.get((level, chunk)):
            continue
        made = levels[level]
        have = {
            r["idx"]: r["hash"]
            for r in await conn.fetch(
                "SELECT idx, hash FROM ledger.tree_nodes WHERE level = $1 AND idx >> $2 = $3",
                level,
                NODE_CHUNK,
                chunk,
            )
        }
        first, last = chunk * span, min(len(made) // 32, (chunk + 1) * span)
        for idx in sorted(have.keys() | set(range(first, last))):
            recomputed = bytes(made[idx * 32 : (idx + 1) * 32]) if first <= idx < last else None
            if have.get(idx) == recomputed:
                continue
            reason = (
                "stored node missing"
                if idx not in have
                else "stored node the tree does not have"
                if recomputed is None
                else "stored node differs from the recomputed tree"
            )
            report.bad_node_count += 1
            if len(report.bad_nodes) < MAX_NAMED:
                report.bad_nodes.append(
                    {
                        "level": level,
                        "idx": idx,
                        "leaves": [idx << level, (idx + 1) << level],
                        "stored": have[idx].hex() if idx in have else None,
                        "recomputed": recomputed.hex() if recomputed else None,
                        "reason": reason,
                    }
                )


def _signed(c: asyncpg.Record, public_key: bytes, origin: str) -> str | None:
    """What is wrong with a checkpoint's signature, or None. Every column the API serves of it is checked:
    the note, and the size, root, raw signature and key ID it serves beside the note (`issued_at` of a note
    is signed by nothing: ADR 0010)."""
    if c["note"] is None:
        if c["key_id"] != hashlib.sha256(public_key).hexdigest()[:16]:  # how key IDs were written then
            return "key_id is not the log key's"
        ok = signing.legacy_verify(public_key, c["signature"], c["tree_size"], c["root_hash"], c["issued_at"])
        return None if ok else "bad signature"
    try:
        note = signing.open_checkpoint(c["note"], public_key, origin)
    except signing.BadNote:
        return "bad signature"
    if note.tree_size != c["tree_size"] or note.root_hash != c["root_hash"]:
        return "bad signature"
    text = signing.checkpoint_text(origin, c["tree_size"], c["root_hash"]).encode()
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(c["signature"], text)
    except InvalidSignature:
        return "the signature served beside the note does not verify"
    if c["key_id"] != signing.note_key_id(origin, public_key).hex():
        return "key_id is not the note's key ID"
    return None


def _check_due(report: Report, due: list[tuple[str, Any]], tree: Frontier) -> None:
    """Compare the recomputed root with every checkpoint of this size: equal roots at a witnessed size
    prove the log still extends the witnessed tree (the strongest consistency check: every leaf
    recomputed, not a proof taken from the database being checked)."""
    if not due:
        return
    root = tree.root()
    for kind, c in due:
        if kind == "db":
            report.checkpoints += 1
            if c["root_hash"] != root:
                report.bad_checkpoints.append(
                    {"id": c["id"], "tree_size": c["tree_size"], "reason": "root differs from the recomputed tree"}
                )
        elif c.root_hash != root and report.first_unwitnessed is None:
            report.first_unwitnessed = {
                "tree_size": c.tree_size,
                "reason": "the log's first entries no longer hash to this witnessed checkpoint's root: "
                "history was rewritten",
            }


def _served_differs(body: bytes, row: asyncpg.Record, uncovered: dict[str, int]) -> str | None:
    """The columns the API serves must be the body's own content: an edit of any served byte, behind the
    append-only trigger, is named here with the column."""
    try:
        hashed = orjson.loads(body)
    except orjson.JSONDecodeError:
        return "the body is not JSON"
    plain = {"source": row[3], "event_id": row[4], "topic": row[5], "type": row[6], "subject": row[7]}
    for k, v in plain.items():
        if hashed.get(k) != v:
            return f"{SERVED_DIFFERS}: {k}"
    if dt.datetime.fromisoformat(hashed["time"]) != row[8]:
        return f"{SERVED_DIFFERS}: time"
    if orjson.loads(row[9]) != hashed.get("data"):
        return f"{SERVED_DIFFERS}: data"
    if "recorded_at" not in hashed:
        uncovered["recorded_at"] += 1
    elif dt.datetime.fromisoformat(hashed["recorded_at"]) != row[10]:
        return f"{SERVED_DIFFERS}: recorded_at"
    if "trace_id" not in hashed:
        uncovered["trace_id"] += 1
    elif hashed["trace_id"] != row[11]:
        return f"{SERVED_DIFFERS}: trace_id"
    return None


async def _describe(conn: asyncpg.Connection, leaf_index: int, reason: str) -> dict[str, Any]:
    row = await conn.fetchrow("SELECT seq, event_id FROM ledger.entries WHERE leaf_index = $1", leaf_index)
    return {"leaf_index": leaf_index, "seq": row["seq"], "event_id": row["event_id"], "reason": reason}


def public_key_from(settings_key_b64: str) -> bytes:
    return signing.public_bytes(signing.private_key(settings_key_b64).public_key())


def decode_key(b64: str) -> bytes:
    return base64.b64decode(b64)
